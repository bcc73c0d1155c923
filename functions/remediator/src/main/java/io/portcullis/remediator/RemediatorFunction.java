package io.portcullis.remediator;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbApprovalStore;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.aws.DynamoDbSafeguards;
import io.portcullis.aws.SfnExecutionState;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.InventorySettings;
import io.portcullis.aws.SafeguardSettings;
import io.portcullis.aws.SsmKillSwitch;
import io.portcullis.aws.SlackSecrets;
import io.portcullis.aws.SqsAlertQueue;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.playbook.ApprovalIds;
import io.portcullis.playbook.AccountReach;
import io.portcullis.aws.StsMemberSessions;
import io.portcullis.playbook.PlaybookWorker;
import io.portcullis.playbook.ResourceActions;
import io.portcullis.playbook.SecurityGroupActions;
import io.portcullis.playbook.StepAuthority;
import io.portcullis.safeguard.BlastRadiusBreaker;
import io.portcullis.safeguard.Safeguards;
import io.portcullis.slack.SlackDirectory;
import io.portcullis.slack.CurrentSlack;
import java.time.Clock;
import java.util.List;

/** The playbook worker's composition root: builds its clients and use case once per container. */
public final class RemediatorFunction {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RemediatorFunction.class);

    private RemediatorFunction() {
    }

    /**
     * From the function's environment variables ({@link FunctionSettings}, {@link SafeguardSettings},
     * {@link InventorySettings}).
     */
    public static PlaybookWorker build(java.util.Map<String, String> environment, AwsConnection aws, Clock clock) {
        return build(FunctionSettings.fromEnvironment(environment), SafeguardSettings.fromEnvironment(environment),
                InventorySettings.fromEnvironment(environment).store(aws), aws, clock,
                io.portcullis.approval.Identities.from(environment));
    }

    /** As below, with no inventory: nothing is known of a resource from before a change. */
    public static PlaybookWorker build(FunctionSettings settings, SafeguardSettings safeguards, AwsConnection aws,
                                       Clock clock) {
        return build(settings, safeguards, LastKnownConfigurations.NONE, aws, clock);
    }

    /**
     * Where the worker acts. A single-account deployment: its own account and region with its own role, a person for
     * the rest (today's scope of its role). An organisation's hub: its own account with its own role, every member
     * account through that account's member role, assumed per incident (snapshot, remediate, verify and Undo all run
     * in the incident's account and region).
     */
    static AccountReach reach(FunctionSettings settings, AwsConnection aws, LastKnownConfigurations inventory,
                              List<ResourceActions> own, Clock clock) {
        if (!settings.organisation()) {
            return AccountReach.singleAccount(settings.accountId(), aws.region().id(), own);
        }
        return AccountReach.organisation(settings.accountId(), own, new StsMemberSessions(aws,
                settings.memberRoleName(), member -> actionsIn(member, inventory)), clock);
    }

    /** Every resource action, its clients signing as {@code connection}'s credentials (one account's). */
    static List<ResourceActions> actionsIn(AwsConnection connection, LastKnownConfigurations inventory) {
        Ec2SecurityGroups groups = new Ec2SecurityGroups(connection::ec2);
        List<ResourceActions> all = new java.util.ArrayList<>();
        all.add(new SecurityGroupActions(groups, groups, inventory));
        all.addAll(OtherActions.all(connection, inventory));
        return all;
    }

    /**
     * @param inventory what the watchdog's sweeps saw of each resource before a change, built once per container:
     *                  the actions that put back a configuration an event does not carry (a deleted flow log, a
     *                  removed bucket encryption, a modified rule, a replaced inline policy) read it with
     *                  {@link LastKnownConfigurations#before}
     * @param clock     the worker's clock (tests move it to a low-tide window)
     */
    public static PlaybookWorker build(FunctionSettings settings, SafeguardSettings safeguards,
                                       LastKnownConfigurations inventory, AwsConnection aws, Clock clock) {
        return build(settings, safeguards, inventory, aws, clock,
                io.portcullis.approval.Identities.from(java.util.Map.of()));
    }

    /** As above, with the identity map four-eyes reads (the bundled functions/policy/identities.yaml by default). */
    public static PlaybookWorker build(FunctionSettings settings, SafeguardSettings safeguards,
                                       LastKnownConfigurations inventory, AwsConnection aws, Clock clock,
                                       io.portcullis.approval.Identities identities) {
        // No secret is read here (SnapStart snapshots what the composition root did): the bot token is read on the
        // first Slack call after a restore and again after SlackSecrets.TTL, so a rotation needs no new version.
        SlackSecrets secrets = SlackSecrets.of(aws, settings.requireSlackSecretId(), null, Clock.systemUTC());
        CurrentSlack notifier = new CurrentSlack(secrets::botToken, settings.requireSlackChannel(),
                settings.slackApiUrl());
        Ec2SecurityGroups groups = new Ec2SecurityGroups(aws::ec2);
        List<ResourceActions> others = OtherActions.all(aws, inventory);
        SecurityGroupActions securityGroups = new SecurityGroupActions(groups, groups, inventory);
        List<ResourceActions> own = new java.util.ArrayList<>();
        own.add(securityGroups);
        own.addAll(others);
        PlaybookWorker worker = new PlaybookWorker(
                new DynamoDbIncidentStore(aws.dynamoDb(), settings.requireIncidentsTable(), Json.mapper()),
                new DynamoDbApprovalStore(aws.dynamoDb(), settings.requireApprovalsTable(), Json.mapper(),
                        io.portcullis.aws.KmsTokenSealer.of(settings, aws)),
                notifier, new SlackDirectory(notifier::methods, identities), securityGroups, others,
                clock, settings.mode(), settings.approvers(), ApprovalIds::next)
                .withApproverGroup(settings.approverGroup())
                .withReach(reach(settings, aws, inventory, own, clock));
        // Every step message is checked against its execution before anything is done.
        worker.withStepAuthority(new StepAuthority(new SfnExecutionState(aws::sfn)));
        if (safeguards.safeguardsTable() != null) {
            worker.withBreaker(new BlastRadiusBreaker(new DynamoDbSafeguards(aws::dynamoDb,
                    safeguards.safeguardsTable()), Safeguards.defaults().breaker()));
        } else {
            LOG.warn("{} is not set: remediations take no blast-radius breaker slot", SafeguardSettings.SAFEGUARDS_TABLE);
        }
        if (safeguards.alertQueueUrl() != null) {
            worker.withPager(new SqsAlertQueue(aws::sqs, safeguards.alertQueueUrl()));
        }
        // Refused in words, not by failing to start: automatic containment needs no approver, and a worker that
        // cannot start could not even mark an incident FAILED. Every gate fails loudly instead (MarkFailed alerts).
        if (!settings.deploymentApprovers().configured()) {
            LOG.error("No approval gate can be answered and no Undo offered: {}. Until then every approval gate fails"
                    + " its incident and alerts on-call; automatic containment still runs.",
                    settings.deploymentApprovers().whyNobody());
        }
        if (io.portcullis.aws.KmsTokenSealer.of(settings, aws) == null) {
            LOG.error("{} is not set: no task token can be sealed, so every approval gate fails its incident and"
                    + " alerts on-call", FunctionSettings.TOKEN_KEY_ID);
        }
        if (safeguards.killSwitchParameter() == null) {
            return worker;
        }
        // Unreadable: every step turns dry-run, and on-call hears of it in Slack (once per outage per container).
        return worker.withKillSwitch(new SsmKillSwitch(aws::ssm, safeguards.killSwitchParameter(), clock,
                safeguards.killSwitchMaxAge(), reason -> notifier.alert(null, null, "The playbook worker changes"
                + " nothing while " + reason + ". Fix the parameter (enforce or dry-run) or the worker's"
                + " ssm:GetParameter permission.")));
    }
}
