package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.local.LocalRuntime;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.network.IngressRule;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * End to end in the emulator: a console change opening SSH to the world on a production security group, through
 * the real detector and remediation handlers invoked as Lambda would, to a verified revoke.
 */
class SecurityGroupContainmentIT {

    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";

    @Test
    void revokesOnlyTheWorldOpenRuleAndRecordsTheIncident() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode event = p.applied(CONSOLE_SSH);
        String offendingRuleId = event.path("detail").path("responseElements").path("securityGroupRuleSet")
                .path("items").get(0).path("securityGroupRuleId").asText();
        assertThat(p.liveRules()).extracting(IngressRule::ruleId).contains(offendingRuleId, p.sandbox.harmlessRuleId());

        JsonNode answer = p.detect(event);
        LocalRuntime.Execution execution = p.runtime.runPlaybook(answer.path("incidentId").asText());

        assertThat(answer.path("outcome").asText()).isEqualTo("incident-opened");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        // Containment does not wait for Slack: on-call is told once the rule is gone.
        assertThat(execution.states()).containsSubsequence("Snapshot", "RevokeOffendingIngress", "Verify",
                "NotifyContained", "Resolve", "Done").doesNotContain("NotifyOnCall", "AwaitApproval", "WaitForLowTide",
                "MarkFailed");
        assertThat(p.liveRules()).extracting(IngressRule::ruleId).containsExactly(p.sandbox.harmlessRuleId());
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isEqualTo(1);

        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(incident.outcome()).as("what was done, not that Slack was told")
                .startsWith("Resolved: Re-read " + p.sandbox.groupId() + ": the offending change is gone");
        assertThat(incident.priority()).isEqualTo(Priority.P1);
        assertThat(incident.response()).isEqualTo(Response.AUTO);
        assertThat(incident.decision().rowName()).isEqualTo("critical, internet exposure, production, origin console");
        assertThat(incident.detectedAt()).isNotNull();
        assertThat(incident.remediatedAt()).isAfterOrEqualTo(incident.detectedAt());
        assertThat(incident.verifiedAt()).isAfterOrEqualTo(incident.remediatedAt());
        assertThat(incident.revokedRules()).extracting(IngressRule::ruleId).containsExactly(offendingRuleId);
        assertThat(incident.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("sg-ingress-sensitive-port-public");
            assertThat(f.explanation()).contains("SSH (port 22)").contains(p.sandbox.groupId());
        });

        // The row is real DynamoDB attributes, readable by operators without Portcullis.
        Map<String, AttributeValue> row = p.incidentRows().get(0);
        assertThat(row.get("status").s()).isEqualTo("RESOLVED");
        assertThat(row.get("priority").s()).isEqualTo("P1");
        assertThat(row.get("findings").l().get(0).m().get("severity").s()).isEqualTo("CRITICAL");
        assertThat(row).containsKeys("detectedAt", "remediatedAt", "verifiedAt");
        assertThat(row.get("actor").m().get("principalArn").s()).endsWith("assumed-role/Admin/alice");
        assertThat(row.get("origin").s()).isEqualTo("CONSOLE");
    }

    @Test
    void theSameEventThreeTimesInARowMakesOneIncidentAndOneRevoke() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode event = p.applied(CONSOLE_SSH);

        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            outcomes.add(p.detect(event).path("outcome").asText());
            p.runtime.runPlaybook(p.runtime.incidentIds().get(0));
        }

        assertThat(outcomes).containsExactly("incident-opened", "duplicate", "duplicate");
        assertThat(p.incidentRows()).hasSize(1);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isEqualTo(1);
        assertThat(p.liveRules()).extracting(IngressRule::ruleId).containsExactly(p.sandbox.harmlessRuleId());
    }

    @Test
    void theSameEventThreeTimesAtOnceMakesOneIncidentAndOneRevoke() throws Exception {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode event = p.applied(CONSOLE_SSH);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return p.detect(event).path("outcome").asText();
            }));
        }
        go.countDown();
        List<String> outcomes = new ArrayList<>();
        for (Future<String> f : results) {
            outcomes.add(f.get());
        }
        pool.shutdown();
        p.runtime.runPlaybook(p.runtime.incidentIds().get(0));

        assertThat(outcomes).containsExactlyInAnyOrder("incident-opened", "duplicate", "duplicate");
        assertThat(p.incidentRows()).hasSize(1);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isEqualTo(1);
        assertThat(p.liveRules()).extracting(IngressRule::ruleId).containsExactly(p.sandbox.harmlessRuleId());
    }

    @Test
    void dryRunDoesEverythingButTheRevokeAndSaysSo() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.DRY_RUN);
        ObjectNode event = p.applied(CONSOLE_SSH);
        List<IngressRule> before = p.liveRules();

        JsonNode answer = p.detect(event);
        LocalRuntime.Execution execution = p.runtime.runPlaybook(answer.path("incidentId").asText());

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isZero();
        assertThat(p.liveRules()).isEqualTo(before);
        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.DRY_RUN);
        assertThat(incident.mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(incident.remediatedAt()).isNull();
        assertThat(incident.revokedRules()).isEmpty();
        assertThat(incident.outcome()).contains("Dry-run").contains("would revoke tcp port 22 from 0.0.0.0/0");
        assertThat(p.runtime.slack().messages()).noneSatisfy(m -> assertThat(m.block("actions", "undo:").isMissingNode()).isFalse());
    }

    /**
     * A console change widening an existing rule to the world: P1, automatic, but never revoked (that would take away
     * what it allowed before). With no inventory deployed the previous definition is unknown, so a person is asked,
     * paged, and the rule is left as it is.
     */
    @Test
    void aModifiedRuleIsNotRevokedAndWithoutARecordGoesToAPerson() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String ruleId = p.setup.ec2().authorizeSecurityGroupIngress(a -> a.groupId(p.sandbox.groupId())
                .ipPermissions(perm -> perm.ipProtocol("tcp").fromPort(3306).toPort(3306)
                        .ipRanges(r -> r.cidrIp("10.20.0.0/16")))).securityGroupRules().get(0).securityGroupRuleId();
        p.setup.ec2().modifySecurityGroupRules(m -> m.groupId(p.sandbox.groupId()).securityGroupRules(u -> u
                .securityGroupRuleId(ruleId).securityGroupRule(r -> r.ipProtocol("tcp").fromPort(3306).toPort(3306)
                        .cidrIpv4("0.0.0.0/0").description("widened for the migration"))));
        ObjectNode event = p.event("cloudtrail/ec2-modify-security-group-rules-mysql-world-console.json");
        ObjectNode modify = (ObjectNode) event.path("detail").path("requestParameters")
                .path("ModifySecurityGroupRulesRequest");
        modify.put("GroupId", p.sandbox.groupId());
        ((ObjectNode) modify.path("SecurityGroupRule")).put("SecurityGroupRuleId", ruleId);
        List<IngressRule> before = p.liveRules();

        JsonNode answer = p.detect(event);
        LocalRuntime.Execution execution = p.runtime.runPlaybook(answer.path("incidentId").asText());

        assertThat(answer.path("priority").asText()).isEqualTo("P1");
        assertThat(answer.path("response").asText()).isEqualTo("auto");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.states()).containsSubsequence("RevokeOffendingIngress", "RevertModifiedRule", "Verify",
                "Resolve").doesNotContain("MarkFailed");
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isZero();
        assertThat(p.calls.count("ModifySecurityGroupRules")).isZero();
        assertThat(p.liveRules()).isEqualTo(before);
        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(p.runtime.slack().messages()).anySatisfy(m -> assertThat(m.text())
                .contains("A person must act on " + p.sandbox.groupId())
                .contains("was modified to tcp port 3306 from 0.0.0.0/0 (" + ruleId + ")"));
        assertThat(p.runtime.sqs().receiveMessage(r -> r.queueUrl(p.runtime.deployment().alertQueueUrl())
                .maxNumberOfMessages(10)).messages()).singleElement()
                .satisfies(m -> assertThat(m.body()).contains("needs-person"));
    }

    @Test
    void aCliChangeWaitsForApprovalAndChangesNothing() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode event = p.applied("cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json");
        List<IngressRule> before = p.liveRules();

        JsonNode answer = p.detect(event);
        LocalRuntime.Execution execution = p.runtime.runPlaybook(answer.path("incidentId").asText());

        assertThat(answer.path("priority").asText()).isEqualTo("P2");
        assertThat(answer.path("playbookStarted").asBoolean()).isTrue();
        assertThat(execution.status()).as("waiting at the approval gate").isEqualTo(ExecutionStatus.RUNNING);
        assertThat(execution.states()).endsWith("AwaitApproval");
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isZero();
        assertThat(p.liveRules()).isEqualTo(before);
        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
        assertThat(incident.findings()).singleElement()
                .satisfies(f -> assertThat(f.evidence()).extracting(IngressRule::source).containsExactly("::/0"));
    }
}
