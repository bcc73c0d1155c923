package io.portcullis.detector;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.AwsResourceTags;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.IamMfaDevices;
import io.portcullis.aws.OrganizationsAccounts;
import io.portcullis.protocol.AccountDirectory;
import io.portcullis.protocol.Accounts;
import io.portcullis.aws.IamPolicyVersions;
import io.portcullis.aws.S3OversizedItems;
import io.portcullis.aws.SfnPlaybookStarter;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.detection.DetectChange;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.json.Json;
import io.portcullis.aws.DynamoDbSafeguards;
import io.portcullis.aws.SafeguardSettings;
import io.portcullis.aws.SqsAlertQueue;
import io.portcullis.aws.SqsIncidentPages;
import io.portcullis.aws.SsmKillSwitch;
import io.portcullis.safeguard.BlastRadiusBreaker;
import io.portcullis.safeguard.FanOutPager;
import io.portcullis.safeguard.KillSwitch;
import io.portcullis.safeguard.Pager;
import io.portcullis.safeguard.Safeguards;
import io.portcullis.safeguard.ThrottledHeartbeat;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The detector's composition root: builds its clients and use case once per container. */
public final class DetectorFunction {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorFunction.class);

    private DetectorFunction() {
    }

    /** From the function's environment variables ({@link FunctionSettings}, {@link SafeguardSettings}). */
    public static DetectChange build(java.util.Map<String, String> environment, AwsConnection aws, Clock clock) {
        String worker = environment.get(FunctionSettings.WORKER_FUNCTION_NAME);
        if (worker == null || worker.isBlank()) {
            LOG.warn("{} is not set: every change made with an own role ({}) is taken for Portcullis' own, whoever"
                    + " holds the role. Set it to the worker function's name (template.yaml does).",
                    FunctionSettings.WORKER_FUNCTION_NAME, FunctionSettings.OWN_ROLE_ARNS);
        }
        FunctionSettings settings = FunctionSettings.fromEnvironment(environment);
        if (settings.accountId() == null || settings.accountId().isBlank()) {
            LOG.warn("{} is not set: events from every account are judged, members or not. Set it to this account's"
                    + " id (template.yaml does).", FunctionSettings.ACCOUNT_ID);
        }
        return build(settings, SafeguardSettings.fromEnvironment(environment), aws, clock).withWorkerFunction(worker)
                .withMembership(directory(environment, aws, clock), settings.accountId());
    }

    /**
     * The directory of accounts: AWS Organizations with accounts.yaml over it in an organisation deployment
     * ({@code PORTCULLIS_ORGANIZATION_ID} set), accounts.yaml alone otherwise. Organizations is first called on the
     * first event, never here: nothing of it enters a SnapStart snapshot.
     */
    static AccountDirectory directory(java.util.Map<String, String> environment, AwsConnection aws, Clock clock) {
        String organization = environment.get(FunctionSettings.ORGANIZATION_ID);
        Accounts file = Accounts.defaults();
        if (organization == null || organization.isBlank()) {
            return AccountDirectory.fixed(file, "a single-account deployment: accounts.yaml (" + file.ids().size()
                    + " accounts)");
        }
        if (!organization.trim().matches("o-[a-z0-9]{10,32}")) {
            throw new IllegalStateException(FunctionSettings.ORGANIZATION_ID + ": '" + organization + "' is not an"
                    + " organisation id (o- and 10 to 32 lowercase letters or digits); leave it empty for a"
                    + " single-account deployment");
        }
        return new OrganizationsAccounts(aws::organizations, organization.trim(), file, clock, ttl(environment));
    }

    private static java.time.Duration ttl(java.util.Map<String, String> environment) {
        String value = environment.get(FunctionSettings.ACCOUNTS_CACHE_SECONDS);
        if (value == null || value.isBlank()) {
            return OrganizationsAccounts.DEFAULT_TTL;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds > 0) {
                return java.time.Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalStateException(FunctionSettings.ACCOUNTS_CACHE_SECONDS + ": '" + value + "' is not a"
                + " positive number of seconds");
    }

    /** @param clock the detector's clock (tests move it, e.g. past the kill switch's cache or a breaker window) */
    public static DetectChange build(FunctionSettings settings, SafeguardSettings safeguards, AwsConnection aws,
                                     Clock clock) {
        var json = Json.mapper();
        DetectChange detect = new DetectChange(
                new CloudTrailEventReader(json, new OriginClassifier(settings.iacRoleArns())),
                PolicyEngine.defaults(),
                new Ec2SecurityGroups(aws::ec2),
                new AwsResourceTags(aws::s3, aws::iam),
                new DynamoDbIncidentStore(aws.dynamoDb(), settings.requireIncidentsTable(), json),
                new SfnPlaybookStarter(aws::sfn, settings.requirePlaybooks()),
                clock,
                settings.mode(),
                settings.ownRoleArns())
                .withOversizedItems(new S3OversizedItems(() -> aws.s3(aws.region()), settings.accountId()))
                .withPolicyVersions(new IamPolicyVersions(aws::iam))
                .withMfaDevices(new IamMfaDevices(aws::iam))
                .withJurisdiction(settings.accountId(), aws.region().id());
        if (settings.organisation()) {
            // The worker assumes each member's remediation role: an incident anywhere in the organisation is
            // remediated like one in the hub's own account.
            detect.acrossOrganisation();
        }
        return withSafeguards(detect, safeguards, aws, clock);
    }

    /**
     * The kill switch (SSM), the blast-radius breaker and the heartbeat (the safeguards table), and the pager: the
     * alert queue, and Slack through the worker for pages about an incident. Each is off when its variable is unset
     * (offline tools); template.yaml sets them all.
     */
    private static DetectChange withSafeguards(DetectChange detect, SafeguardSettings settings, AwsConnection aws,
                                               Clock clock) {
        List<Pager> channels = new ArrayList<>();
        if (settings.alertQueueUrl() != null) {
            channels.add(new SqsAlertQueue(aws::sqs, settings.alertQueueUrl()));
        }
        if (settings.stepQueueUrl() != null) {
            channels.add(new SqsIncidentPages(aws::sqs, settings.stepQueueUrl()));
        }
        Pager pager = channels.isEmpty() ? Pager.NONE : new FanOutPager(channels);
        detect.watchingKillSwitch(settings.killSwitchParameter());
        KillSwitch killSwitch = settings.killSwitchParameter() == null ? KillSwitch.NONE
                : new SsmKillSwitch(aws::ssm, settings.killSwitchParameter(), clock, settings.killSwitchMaxAge(),
                        reason -> pager.page(new Pager.Page(Pager.KILL_SWITCH_UNREADABLE, null, null, "The detector "
                                + "records incidents in dry-run: " + reason + ". Fix the parameter (enforce or"
                                + " dry-run) or the detector's ssm:GetParameter permission.", clock.instant())));
        if (settings.safeguardsTable() == null) {
            LOG.warn("{} is not set: no silent-feed heartbeat and no blast-radius breaker",
                    SafeguardSettings.SAFEGUARDS_TABLE);
            return detect.withSafeguards(killSwitch, null, null, pager);
        }
        DynamoDbSafeguards table = new DynamoDbSafeguards(aws::dynamoDb, settings.safeguardsTable());
        return detect.withSafeguards(killSwitch, new BlastRadiusBreaker(table, Safeguards.defaults().breaker()),
                new ThrottledHeartbeat(table), pager);
    }
}
