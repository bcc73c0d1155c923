package io.portcullis.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.playbook.Directory;
import io.portcullis.playbook.PlaybookWorker;
import io.portcullis.playbook.SecurityGroupActions;
import io.portcullis.playbook.StepOutcome;
import io.portcullis.playbook.StepRequest;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Protocol;
import io.portcullis.protocol.Response;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.RuleSet;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryApprovals;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import io.portcullis.testing.RecordingNotifier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * AWS Config's word on a security group is remediated like the CloudTrail finding: a restricted-ssh verdict names the
 * group only, so the detector reads it live and the finding carries the offending rules with their ids; a configuration
 * item carries permissions without ids, and revoke-ingress finds them on the live group.
 */
class ConfigVerdictsOnGroupsTest {

    static final String SG = "sg-0a1b2c3d4e5f60001";
    static final ResourceRef GROUP = ResourceRef.securityGroup(SG, "123456789012", "us-east-1");
    static final IngressRule HTTPS_VPC = new IngressRule("sgr-0000000000000http", IpProtocol.TCP, new PortRange(443, 443),
            Cidr.parse("10.20.0.0/16"), null, null);
    static final IngressRule SSH_WORLD = new IngressRule("sgr-00000000000000ssh", IpProtocol.TCP, new PortRange(22, 22),
            Cidr.parse("0.0.0.0/0"), null, "temporary");
    static final IngressRule SSH_OFFICE = new IngressRule("sgr-000000000000office", IpProtocol.TCP,
            new PortRange(22, 22), Cidr.parse("198.51.100.7/32"), null, "office");

    final InMemoryIncidentStore incidents = new InMemoryIncidentStore();
    final InMemorySecurityGroups groups = new InMemorySecurityGroups();
    final RecordingNotifier slack = new RecordingNotifier();
    final Clock clock = Clock.fixed(Instant.parse("2026-11-25T04:11:00Z"), ZoneOffset.UTC);

    DetectionResult detect(String sample) {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups,
                io.portcullis.remediation.ResourceTags.NONE, incidents, (i, input) -> true, clock,
                RemediationMode.ENFORCE, Set.of()).handle(Fixtures.bytes(sample));
    }

    void live(IngressRule... rules) {
        groups.put(new SecurityGroupState(GROUP, "web-prod", Map.of("environment", "production"), List.of(rules)));
    }

    /** The approved path of playbooks/security-group-ingress.yaml, from the remediate steps on. */
    void remediateAfterApproval(String incidentId) {
        PlaybookWorker worker = new PlaybookWorker(incidents, new InMemoryApprovals(), slack, Directory.NONE,
                new SecurityGroupActions(groups, groups), List.of(), clock, RemediationMode.ENFORCE, Set.of("U0LEAD"),
                () -> "apv-1");
        for (String[] s : new String[][] {{"RevokeOffendingIngress", "remediate", "revoke-ingress"},
                {"RevertModifiedRule", "remediate", "revert-modified-rule"}, {"Verify", "verify", null},
                {"Resolve", "resolve", null}}) {
            ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "t-" + s[0]).put("incidentId", incidentId)
                    .put("playbook", "security-group-ingress").put("step", s[0]).put("type", s[1]).put("dryRun", false);
            if (s[2] != null) {
                body.put("action", s[2]).putObject("snapshot");
            }
            body.putObject("decision").put("decision", "approved").put("by", "U0LEAD");
            StepOutcome outcome = worker.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());
            assertThat(outcome).as(s[0]).isInstanceOf(StepOutcome.Done.class);
        }
    }

    @Test
    void aRestrictedSshVerdictCarriesTheLiveWorldOpenRulesAndRevokesExactlyThose() {
        live(HTTPS_VPC, SSH_WORLD, SSH_OFFICE);

        DetectionResult result = detect("config/config-compliance-restricted-ssh-noncompliant.json");

        Incident incident = ((DetectionResult.Opened) result).incident();
        assertThat(incident.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("config-restricted-ssh");
            assertThat(f.evidence()).containsExactly(SSH_WORLD);
            assertThat(f.explanation()).contains("Live: tcp port 22 from 0.0.0.0/0 (sgr-00000000000000ssh)");
        });
        assertThat(incident.priority()).isEqualTo(Priority.P2);
        assertThat(incident.response()).isEqualTo(Response.APPROVAL);

        remediateAfterApproval(incident.incidentId());

        assertThat(groups.revokeCalls).containsExactly(List.of("sgr-00000000000000ssh"));
        assertThat(groups.describe(GROUP).orElseThrow().ingress()).containsExactly(HTTPS_VPC, SSH_OFFICE);
        assertThat(incidents.find(incident.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void aVerdictOnAGroupWhoseLiveRulesOffendNoMoreAsksAPersonInsteadOfGuessing() {
        live(HTTPS_VPC, SSH_OFFICE);

        Incident incident = ((DetectionResult.Opened) detect("config/config-compliance-restricted-ssh-noncompliant.json"))
                .incident();
        remediateAfterApproval(incident.incidentId());

        assertThat(incident.findings().get(0).evidence()).isEmpty();
        assertThat(incident.findings().get(0).explanation()).contains("The group's live rules show no such rule now.");
        assertThat(groups.revokeCalls).isEmpty();
        assertThat(incidents.find(incident.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("alert: A person must act on " + SG)
                .contains("Portcullis does not guess"));
    }

    @Test
    void aConfigurationItemsRulesHaveNoIdsAndAreRevokedByPermissionOnTheLiveGroup() {
        live(HTTPS_VPC, SSH_WORLD);

        Incident incident = ((DetectionResult.Opened) detect("config/config-item-security-group-ssh-world.json"))
                .incident();
        remediateAfterApproval(incident.incidentId());

        assertThat(incident.findings()).singleElement().satisfies(f ->
                assertThat(f.evidence()).extracting(IngressRule::ruleId).containsExactly((String) null));
        assertThat(groups.revokeCalls).containsExactly(List.of("sgr-00000000000000ssh"));
        Incident done = incidents.find(incident.incidentId()).orElseThrow();
        assertThat(done.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(done.verifiedAt()).isNotNull();
        assertThat(done.revokedRules()).containsExactly(SSH_WORLD);
    }
}
