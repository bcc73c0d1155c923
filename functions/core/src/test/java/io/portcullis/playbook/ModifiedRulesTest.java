package io.portcullis.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ResourceRef;
import io.portcullis.detection.DetectChange;
import io.portcullis.detection.DetectionResult;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.incident.AppliedFix;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.testing.InMemoryLastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Protocol;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.RuleSet;
import io.portcullis.safeguard.Pager;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryApprovals;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import io.portcullis.testing.RecordingNotifier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rule ModifySecurityGroupRules opened to the world (events/…/ec2-modify-security-group-rules-mysql-world-console.json,
 * a console change on production: P1, automatic) goes back to what it allowed before, as the inventory saw the group;
 * it is never revoked; without a record a person is asked; Undo modifies it back.
 */
class ModifiedRulesTest {

    static final String SG = "sg-0a1b2c3d4e5f60001";
    static final String RULE = "sgr-0f1e2d3c4b5a60009";
    static final ResourceRef GROUP = ResourceRef.securityGroup(SG, "123456789012", "us-east-1");
    static final IngressRule HARMLESS = new IngressRule("sgr-0aaaaaaaaaaaaaaa1", IpProtocol.TCP, new PortRange(443, 443),
            Cidr.parse("10.0.0.0/16"), null, "https from the VPC");
    /** What the event set. */
    static final IngressRule WORLD = new IngressRule(RULE, IpProtocol.TCP, new PortRange(3306, 3306),
            Cidr.parse("0.0.0.0/0"), null, "widened for the migration");
    /** What the sweep saw before the change. */
    static final IngressRule BEFORE = new IngressRule(RULE, IpProtocol.TCP, new PortRange(3306, 3306),
            Cidr.parse("10.20.0.0/16"), null, "MySQL from the app subnets");

    final InMemoryIncidentStore incidents = new InMemoryIncidentStore();
    final InMemorySecurityGroups groups = new InMemorySecurityGroups();
    final InMemoryLastKnownConfigurations inventory = new InMemoryLastKnownConfigurations();
    final RecordingNotifier slack = new RecordingNotifier();
    final List<Pager.Page> pages = new ArrayList<>();
    final Clock clock = Clock.fixed(Instant.parse("2026-11-25T03:43:00Z"), ZoneOffset.UTC);
    final SecurityGroupActions actions = new SecurityGroupActions(groups, groups, inventory);
    final PlaybookWorker worker = new PlaybookWorker(incidents, new InMemoryApprovals(), slack, Directory.NONE, actions,
            List.of(), clock, RemediationMode.ENFORCE, Set.of("U0LEAD"), () -> "apv-1").withPager(pages::add);
    String incidentId;

    @BeforeEach
    void theRuleWasModifiedToTheWorld() {
        live(HARMLESS, WORLD);
        DetectionResult opened = new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups,
                io.portcullis.remediation.ResourceTags.NONE, incidents, (i, input) -> true, clock,
                RemediationMode.ENFORCE, Set.of())
                .handle(Fixtures.bytes("cloudtrail/ec2-modify-security-group-rules-mysql-world-console.json"));
        incidentId = ((DetectionResult.Opened) opened).incident().incidentId();
    }

    void live(IngressRule... rules) {
        groups.put(new SecurityGroupState(GROUP, "db-prod", Map.of("environment", "production"), List.of(rules)));
    }

    void sweepSaw(Instant at, IngressRule... rules) {
        ObjectNode config = Json.mapper().createObjectNode();
        config.set("ingress", Json.mapper().valueToTree(List.of(rules)));
        inventory.record(GROUP, config, at);
    }

    StepOutcome step(String step, String type, String action) {
        ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "token-" + step).put("incidentId", incidentId)
                .put("playbook", "security-group-ingress").put("step", step).put("type", type).put("dryRun", false);
        body.putObject("slack").put("channel", "C0ONCALL").put("ts", "1700000000.000001");
        if (action != null) {
            body.put("action", action);
            body.putObject("snapshot");
        }
        return worker.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());
    }

    /** The automatic path of playbooks/security-group-ingress.yaml. */
    void runPlaybook() {
        for (String[] s : new String[][] {{"Snapshot", "snapshot", null}, {"RevokeOffendingIngress", "remediate",
                "revoke-ingress"}, {"RevertModifiedRule", "remediate", "revert-modified-rule"}, {"Verify", "verify", null},
                {"Resolve", "resolve", null}}) {
            assertThat(step(s[0], s[1], s[2])).as(s[0]).isInstanceOf(StepOutcome.Done.class);
        }
    }

    Incident incident() {
        return incidents.find(incidentId).orElseThrow();
    }

    IngressRule liveRule() {
        return groups.describe(GROUP).orElseThrow().ingress().stream().filter(r -> r.ruleId().equals(RULE)).findFirst()
                .orElseThrow();
    }

    @Test
    void theModifiedRuleGoesBackToWhatTheSweepSawBeforeTheChangeAndIsNeverRevoked() {
        sweepSaw(Instant.parse("2026-11-24T00:00:00Z"), HARMLESS, BEFORE);
        // A sweep between the change and the playbook must not make the bad rule "the last known one".
        sweepSaw(Instant.parse("2026-11-25T03:42:30Z"), HARMLESS, WORLD);

        runPlaybook();

        assertThat(groups.revokeCalls).isEmpty();
        assertThat(groups.modifyCalls).containsExactly(List.of(BEFORE));
        assertThat(liveRule()).isEqualTo(BEFORE);
        Incident done = incident();
        assertThat(done.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(done.verifiedAt()).isNotNull();
        assertThat(done.revokedRules()).as("nothing was revoked").isEmpty();
        assertThat(done.fixes()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo("revert-modified-rule");
            assertThat(f.detail()).contains(RULE).contains("back to tcp port 3306 from 10.20.0.0/16")
                    .contains("had made it tcp port 3306 from 0.0.0.0/0");
        });
        assertThat(done.timeline()).anySatisfy(t -> assertThat(t.detail()).contains("was modified, not added"));
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("undo apv-1"));
    }

    @Test
    void undoPutsBackWhatTheFixReplacedOnlyWhileTheRuleIsAsTheFixLeftIt() {
        sweepSaw(Instant.parse("2026-11-24T00:00:00Z"), HARMLESS, BEFORE);
        runPlaybook();
        AppliedFix fix = incident().fixes().get(0);

        ActionResult undone = actions.undo(RemediationAction.REVERT_MODIFIED_RULE, incident(), fix.undo());
        ActionResult again = actions.undo(RemediationAction.REVERT_MODIFIED_RULE, incident(), fix.undo());

        assertThat(undone.kind()).isEqualTo(ActionResult.Kind.CHANGED);
        assertThat(liveRule()).isEqualTo(WORLD);
        assertThat(again.kind()).isEqualTo(ActionResult.Kind.NOTHING_TO_DO);

        // Somebody narrows the rule to one host after the fix: Undo must not overwrite that.
        IngressRule oneHost = new IngressRule(RULE, IpProtocol.TCP, new PortRange(3306, 3306),
                Cidr.parse("10.20.1.5/32"), null, "one host");
        live(HARMLESS, oneHost);
        ActionResult refused = actions.undo(RemediationAction.REVERT_MODIFIED_RULE, incident(), fix.undo());
        assertThat(refused.kind()).isEqualTo(ActionResult.Kind.REFUSED);
        assertThat(refused.detail()).contains("now allows tcp port 3306 from 10.20.1.5/32");
        assertThat(liveRule()).isEqualTo(oneHost);
    }

    @Test
    void withoutARecordOfTheGroupAPersonIsAskedPagedAndNothingIsChanged() {
        runPlaybook();

        assertThat(groups.modifyCalls).isEmpty();
        assertThat(groups.revokeCalls).isEmpty();
        assertThat(liveRule()).isEqualTo(WORLD);
        Incident escalated = incident();
        assertThat(escalated.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(escalated.fixes()).isEmpty();
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("alert: A person must act on " + SG)
                .contains("was modified to tcp port 3306 from 0.0.0.0/0 (" + RULE + ")")
                .contains("no record of the group from before the change")
                .contains("get-resource-config-history --resource-type AWS::EC2::SecurityGroup --resource-id " + SG));
        assertThat(pages).singleElement().satisfies(p -> assertThat(p.kind()).isEqualTo(Pager.NEEDS_PERSON));
    }

    @Test
    void aRuleChangedAgainSinceTheEventIsRefusedAndLeftAlone() {
        sweepSaw(Instant.parse("2026-11-24T00:00:00Z"), HARMLESS, BEFORE);
        IngressRule other = new IngressRule(RULE, IpProtocol.TCP, new PortRange(3306, 3306), Cidr.parse("192.0.2.0/24"),
                null, null);
        live(HARMLESS, other);

        ActionResult result = actions.apply(RemediationAction.REVERT_MODIFIED_RULE, incident(), null, false);

        assertThat(result.kind()).isEqualTo(ActionResult.Kind.REFUSED);
        assertThat(result.detail()).contains("now allows tcp port 3306 from 192.0.2.0/24, not the tcp port 3306 from"
                + " 0.0.0.0/0 the change set");
        assertThat(groups.modifyCalls).isEmpty();
    }

    @Test
    void aRuleAlreadyBackOrGoneNeedsNothingAndADryRunChangesNothing() {
        sweepSaw(Instant.parse("2026-11-24T00:00:00Z"), HARMLESS, BEFORE);

        ActionResult dry = actions.apply(RemediationAction.REVERT_MODIFIED_RULE, incident(), null, true);
        live(HARMLESS, BEFORE);
        ActionResult back = actions.apply(RemediationAction.REVERT_MODIFIED_RULE, incident(), null, false);
        live(HARMLESS);
        ActionResult gone = actions.apply(RemediationAction.REVERT_MODIFIED_RULE, incident(), null, false);

        assertThat(dry.kind()).isEqualTo(ActionResult.Kind.WOULD_CHANGE);
        assertThat(dry.detail()).contains("would modify rule " + RULE);
        assertThat(back.kind()).isEqualTo(ActionResult.Kind.NOTHING_TO_DO);
        assertThat(gone.kind()).isEqualTo(ActionResult.Kind.NOTHING_TO_DO);
        assertThat(gone.detail()).contains("no longer exists");
        assertThat(groups.modifyCalls).isEmpty();
    }

    @Test
    void aRecordWithoutAnExactDefinitionOfTheRuleGoesToAPerson() {
        // ICMP's type and code are not kept with the rule: it cannot be written back exactly.
        sweepSaw(Instant.parse("2026-11-24T00:00:00Z"), HARMLESS, new IngressRule(RULE, IpProtocol.ICMP, PortRange.ALL,
                Cidr.parse("10.20.0.0/16"), null, null));

        ActionResult result = actions.apply(RemediationAction.REVERT_MODIFIED_RULE, incident(), null, false);

        assertThat(result.kind()).isEqualTo(ActionResult.Kind.NEEDS_PERSON);
        assertThat(result.detail()).contains("no previous definition of it it can write back exactly");
    }

    @Test
    void revertModifiedRuleLeavesAddedRulesToRevokeIngress() {
        Incident added = new Incident("inc-added", 1, IncidentStatus.OPEN, RemediationMode.ENFORCE, "e-added",
                "AuthorizeSecurityGroupIngress", Instant.parse("2026-11-25T03:42:07Z"), null, null, GROUP, "production",
                incident().findings(), incident().priority(), incident().response(), null, Instant.now(), null, null,
                null, null, null, null, List.of(), null, List.of(), List.of(), List.of(WORLD), 1, null);

        ActionResult result = actions.apply(RemediationAction.REVERT_MODIFIED_RULE, added, null, false);

        assertThat(result.kind()).isEqualTo(ActionResult.Kind.NOTHING_TO_DO);
        assertThat(groups.modifyCalls).isEmpty();
    }
}
