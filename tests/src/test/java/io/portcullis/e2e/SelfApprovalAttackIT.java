package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.approval.Identities;
import io.portcullis.aws.DynamoDbApprovalStore;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.network.IngressRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Issue 14, four-eyes: who made a change is known only from sources the caller cannot choose (the identity map, a
 * SourceIdentity, an IAM Identity Center session). Each attack on a P2 gate is refused or held for a second approver,
 * changes nothing it should not (the execution still waits, the approval stays pending, the group keeps its rule, no
 * task token is used) and is logged with its reason.
 */
class SelfApprovalAttackIT {

    static final String CLI_RDP = "cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json";
    static final String APPROVER = LocalRuntime.APPROVERS.get(0);
    static final String OTHER_APPROVER = LocalRuntime.APPROVERS.get(1);

    private JsonLogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = new JsonLogCapture();
    }

    @AfterEach
    void stopCapturing() throws Exception {
        logs.close();
    }

    /** An identity map that says the IAM user eve is the on-call approver U0ONCALL1 (she is on call herself). */
    static Path identities() {
        try {
            Path file = Files.createTempFile("identities-", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, """
                    version: 1
                    identities:
                      - arn: "arn:aws:iam::123456789012:user/eve"
                        slack: %s
                    """.formatted(APPROVER));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One P2 security-group change by {@code actor} at its gate. */
    static final class Gate {
        final LocalPortcullis p;
        final String incidentId;
        final LocalSlack.Request ask;

        Gate(ObjectNode identity, ExecutionInterceptor faults) {
            Path map = identities();
            p = new LocalPortcullis(RemediationMode.ENFORCE, env -> env.put(Identities.FILE_VARIABLE, map.toString()),
                    faults);
            // Slack knows the approver by the address an attacker would name a session after.
            p.runtime.slack().user("oncall1@example.com", APPROVER);
            ObjectNode event = p.applied(CLI_RDP);
            ((ObjectNode) event.path("detail")).set("userIdentity", identity);
            JsonNode answer = p.detect(event);
            incidentId = answer.path("incidentId").asText();
            assertThat(answer.path("priority").asText()).isEqualTo("P2");
            assertThat(p.runtime.runPlaybook(incidentId).states()).endsWith("AwaitApproval");
            String id = incidentId;
            ask = p.runtime.slack().messages().stream()
                    .filter(m -> !m.block("actions", "approval:" + id).isMissingNode()).findFirst().orElseThrow();
        }

        int click(String user) {
            return p.runtime.click(SlackClicks.click(user, SlackClicks.button(ask, "approval:", "approve"), null),
                    Instant.now()).getStatusCode();
        }

        Approval approval() {
            return new DynamoDbApprovalStore(p.runtime.dynamoDb(), p.runtime.deployment().approvalsTable(),
                    Json.mapper()).ofIncident(incidentId).stream().filter(a -> !a.isUndo()).findFirst().orElseThrow();
        }

        /** What must not change while the gate holds: the execution, the incident, the approval, the rule, tokens. */
        List<Object> held() {
            LocalRuntime.Execution e = p.runtime.execution(incidentId);
            return List.of(e.status(), e.states().get(e.states().size() - 1),
                    p.runtime.incident(incidentId).orElseThrow().status(), approval().status(),
                    p.liveRules().stream().map(IngressRule::source).toList().contains("::/0"),
                    p.calls.count("SendTaskSuccess") + p.calls.count("SendTaskFailure"));
        }

        /** The gate as it waits, without the token count (the worker's own steps use tokens too). */
        static final List<Object> WAITING = List.of(ExecutionStatus.RUNNING, "AwaitApproval",
                IncidentStatus.AWAITING_APPROVAL, ApprovalStatus.PENDING, true);

        void assertStillWaiting(List<Object> before) {
            assertThat(held()).as("nothing changed").isEqualTo(before);
            assertThat(before.subList(0, WAITING.size())).isEqualTo(WAITING);
        }
    }

    static ObjectNode iamUser(String name) {
        ObjectNode identity = Json.mapper().createObjectNode();
        identity.put("type", "IAMUser").put("principalId", "AIDAEXAMPLE" + name.toUpperCase())
                .put("arn", "arn:aws:iam::123456789012:user/" + name).put("accountId", "123456789012")
                .put("accessKeyId", "AKIAEXAMPLE").put("userName", name);
        return identity;
    }

    static ObjectNode session(String role, String sessionName) {
        ObjectNode identity = Json.mapper().createObjectNode();
        identity.put("type", "AssumedRole").put("principalId", "AROAEXAMPLE:" + sessionName)
                .put("arn", "arn:aws:sts::123456789012:assumed-role/" + role + "/" + sessionName)
                .put("accountId", "123456789012").put("accessKeyId", "ASIAEXAMPLE");
        ObjectNode context = identity.putObject("sessionContext");
        context.putObject("sessionIssuer").put("type", "Role").put("principalId", "AROAEXAMPLE")
                .put("arn", "arn:aws:iam::123456789012:role/" + role).put("accountId", "123456789012")
                .put("userName", role);
        context.putObject("attributes").put("creationDate", "2026-12-03T10:00:00Z").put("mfaAuthenticated", "false");
        return identity;
    }

    private void assertLogged(String level, String pattern) {
        assertThat(logs.lines()).as("logged at " + level + " with its reason").anySatisfy(line -> {
            assertThat(line.path("level").asText()).isEqualTo(level);
            assertThat(line.path("message").asText()).containsPattern(pattern);
        });
    }

    @Test
    void anIamUserMappedToAnApproverCannotApproveTheirOwnChange() {
        Gate gate = new Gate(iamUser("eve"), null);
        assertThat(gate.approval().needed()).as("the map names her: one other approver is enough").isEqualTo(1);
        assertThat(gate.approval().actorSlackIds()).containsExactly(APPROVER);
        List<Object> before = gate.held();

        assertThat(gate.click(APPROVER)).isEqualTo(403);

        gate.assertStillWaiting(before);
        assertLogged("WARN", "refused: user " + APPROVER + " .*the actor may not approve their own change");
    }

    @Test
    void aSessionNamedAfterAnApproverIsNotTrustedAndThatApproverAloneCannotPass() {
        Gate gate = new Gate(session("Contractor", "oncall1@example.com"), null);
        assertThat(gate.approval().needed()).isEqualTo(2);
        assertThat(gate.p.runtime.slack().messages()).as("Slack says why two approvers are needed").anySatisfy(m ->
                assertThat(m.text()).contains("needs two approvers").contains("session name is chosen by whoever"));
        List<Object> before = gate.held();

        assertThat(gate.click(APPROVER)).as("counted, not decided").isEqualTo(200);
        assertThat(gate.click(APPROVER)).as("the same approver again is still one").isEqualTo(409);

        gate.assertStillWaiting(before);
        assertThat(gate.approval().votes()).extracting(Approval.Vote::by).containsExactly(APPROVER);
        assertLogged("INFO", "counted: user " + APPROVER + " .*1 of 2 .*nothing resumed yet");
        assertLogged("WARN", "refused: user " + APPROVER + " .*already counted; 2 distinct approvers must agree");
    }

    @Test
    void anUnresolvedActorsChangeIsFixedOnlyWhenTwoApproversAgree() {
        Gate gate = new Gate(session("Contractor", "build-7731"), null);
        assertThat(gate.approval().needed()).isEqualTo(2);
        List<Object> before = gate.held();
        int tokens = gate.p.calls.count("SendTaskSuccess");

        assertThat(gate.click(APPROVER)).isEqualTo(200);
        gate.assertStillWaiting(before);
        assertThat(gate.click(OTHER_APPROVER)).isEqualTo(200);

        assertThat(gate.approval().status()).isEqualTo(ApprovalStatus.APPROVED);
        assertThat(gate.p.calls.count("SendTaskSuccess") - tokens).as("resumed once, by the second approval")
                .isEqualTo(1);
        assertLogged("INFO", "approved: user " + OTHER_APPROVER + " ");
    }

    @Test
    void aClickRetriedAfterAFailedResumeDecidesOnceAndItsReplayIsRefused() {
        // Armed once the gate waits: the worker's own steps complete their tasks with SendTaskSuccess too.
        AtomicBoolean failNext = new AtomicBoolean(false);
        ExecutionInterceptor stepFunctionsDown = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if ("SendTaskSuccess".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
                        && failNext.getAndSet(false)) {
                    throw SdkClientException.create("Step Functions is unreachable (test)");
                }
            }
        };
        Gate gate = new Gate(iamUser("eve"), stepFunctionsDown);
        String click = SlackClicks.click(OTHER_APPROVER, SlackClicks.button(gate.ask, "approval:", "approve"), null);
        List<Object> before = gate.held();
        int tokens = gate.p.calls.count("SendTaskSuccess");
        failNext.set(true);

        int failed = gate.p.runtime.click(click, Instant.now()).getStatusCode();

        assertThat(failed).isEqualTo(500);
        gate.assertStillWaiting(before);
        assertThat(gate.approval().resuming()).as("and its claim given back").isNull();
        assertLogged("ERROR", "Interaction failed: .*Step Functions is unreachable");

        assertThat(gate.p.runtime.click(click, Instant.now()).getStatusCode()).as("the retry is no 409").isEqualTo(200);
        assertThat(gate.approval().status()).isEqualTo(ApprovalStatus.APPROVED);
        int used = gate.p.calls.count("SendTaskSuccess");

        assertThat(gate.p.runtime.click(click, Instant.now()).getStatusCode()).as("a replay").isEqualTo(409);

        assertThat(used - tokens).as("the gate's token was used once").isEqualTo(1);
        assertThat(gate.p.calls.count("SendTaskSuccess")).as("the replay used none").isEqualTo(used);
        assertLogged("WARN", "refused: user " + OTHER_APPROVER + " .*already APPROVED");
    }
}
