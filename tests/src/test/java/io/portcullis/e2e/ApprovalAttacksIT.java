package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.RequestSignature;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.network.IngressRule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Issue 8, approvals: every way to push a P2 gate that is not a fresh, signed click by an approver who did not make
 * the change is refused, changes nothing (the execution still waits, the approval stays pending, the group keeps its
 * rule, the Slack message keeps its buttons, no task token is used) and is logged with its reason.
 */
class ApprovalAttacksIT {

    static final String CLI_RDP = "cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json";
    static final String APPROVER = "U0ONCALL1";
    static final String OTHER_APPROVER = "U0ONCALL2";

    private JsonLogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = new JsonLogCapture();
    }

    @AfterEach
    void stopCapturing() throws Exception {
        logs.close();
    }

    /** One P2 security-group change by dana (an approver herself, known to Slack by her SSO e-mail) at its gate. */
    static final class Gate {
        final LocalPortcullis p;
        final String incidentId;
        final LocalSlack.Request ask;

        Gate() {
            this(new LocalPortcullis(RemediationMode.ENFORCE), null);
        }

        /** A second gate in the same deployment, on a group of its own. */
        Gate(LocalPortcullis p, io.portcullis.local.Sandbox group) {
            this.p = p;
            // Dana is on call: the deployment's approver group holds her besides the usual approvers.
            p.runtime.slack().user("dana@example.com", "U0DANA").userGroup(LocalRuntime.APPROVER_GROUP,
                    java.util.stream.Stream.concat(LocalRuntime.APPROVERS.stream(), java.util.stream.Stream.of("U0DANA"))
                            .toList());
            ObjectNode event = group == null ? p.applied(CLI_RDP)
                    : io.portcullis.local.EventReplay.applyIngress(p.runtime.ec2(), io.portcullis.local.EventReplay
                            .retarget(io.portcullis.local.EventReplay.load(p.root.resolve("events").resolve(CLI_RDP)),
                                    group.groupId()));
            ((ObjectNode) event.path("detail").path("userIdentity")).put("arn",
                    "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/dana@example.com");
            // As CloudTrail records an IAM Identity Center session: an assumed role under Identity Center's reserved path.
            ((ObjectNode) event.path("detail").path("userIdentity")).put("type", "AssumedRole")
                    .putObject("sessionContext").putObject("sessionIssuer").put("type", "Role")
                    .put("arn", "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/"
                            + "AWSReservedSSO_Developer_0123456789abcdef");
            JsonNode answer = p.detect(event);
            incidentId = answer.path("incidentId").asText();
            assertThat(answer.path("priority").asText()).isEqualTo("P2");
            assertThat(p.runtime.runPlaybook(incidentId).states()).endsWith("AwaitApproval");
            String id = incidentId;
            ask = p.runtime.slack().messages().stream()
                    .filter(m -> !m.block("actions", "approval:" + id).isMissingNode()).findFirst()
                    .orElseThrow();
        }

        String click(String user, String action, String reason) {
            return SlackClicks.click(user, SlackClicks.button(ask, "approval:", action), reason);
        }

        int post(String body, Instant at) {
            return p.runtime.click(body, at).getStatusCode();
        }

        /** What a user could see change: the execution, the approval, the group, Slack, task tokens used. */
        List<Object> state() {
            LocalRuntime.Execution e = p.runtime.execution(incidentId);
            return List.of(e.status(), e.states().get(e.states().size() - 1),
                    p.runtime.incident(incidentId).orElseThrow().status(),
                    new io.portcullis.aws.DynamoDbApprovalStore(p.runtime.dynamoDb(),
                            p.runtime.deployment().approvalsTable(), Json.mapper()).pendingFor(incidentId).isPresent(),
                    p.liveRules(), p.runtime.slack().updates().size(),
                    p.calls.count("SendTaskSuccess") + p.calls.count("SendTaskFailure"));
        }
    }

    enum Attack {
        FORGED_SIGNATURE(401, "X-Slack-Signature does not match the body"),
        UNSIGNED(401, "no X-Slack-Request-Timestamp header"),
        STALE_TIMESTAMP(401, "a stale or replayed request"),
        REPLAYED_AFTER_DECISION(409, "already APPROVED"),
        UNKNOWN_USER(403, "not an approver"),
        SELF_APPROVAL(403, "the actor may not approve their own change"),
        DOUBLE_CLICK(409, "lost the race to decide|already APPROVED|already REJECTED"),
        OTHER_INCIDENTS_BUTTON(409, "is for incident"),
        EXPIRED(410, "expired at"),
        REJECT_WITHOUT_REASON(400, "rejection without a reason");

        final int status;
        final String reason;

        Attack(int status, String reason) {
            this.status = status;
            this.reason = reason;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Attack.class)
    void isRefusedChangesNothingAndIsLoggedWithItsReason(Attack attack) throws Exception {
        Gate gate = new Gate();
        String valid = gate.click(APPROVER, "approve", null);
        List<Object> before;
        int status;
        switch (attack) {
            case FORGED_SIGNATURE -> {
                before = gate.state();
                String ts = Long.toString(Instant.now().getEpochSecond());
                status = gate.p.runtime.postInteraction(valid, ts, new RequestSignature("not-the-signing-secret")
                        .sign(ts, valid.getBytes(StandardCharsets.UTF_8))).getStatusCode();
            }
            case UNSIGNED -> {
                before = gate.state();
                status = gate.p.runtime.postInteraction(valid, null, null).getStatusCode();
            }
            case STALE_TIMESTAMP -> {
                before = gate.state();
                status = gate.post(valid, Instant.now().minus(Duration.ofMinutes(6)));
            }
            case REPLAYED_AFTER_DECISION -> {
                String at = Long.toString(Instant.now().getEpochSecond());
                String signature = new RequestSignature(LocalRuntime.SLACK_SIGNING_SECRET).sign(at,
                        valid.getBytes(StandardCharsets.UTF_8));
                assertThat(gate.p.runtime.postInteraction(valid, at, signature).getStatusCode()).isEqualTo(200);
                before = gate.state();
                status = gate.p.runtime.postInteraction(valid, at, signature).getStatusCode();
            }
            case UNKNOWN_USER -> {
                before = gate.state();
                status = gate.post(gate.click("U0STRANGER", "approve", null), Instant.now());
            }
            case SELF_APPROVAL -> {
                before = gate.state();
                status = gate.post(gate.click("U0DANA", "approve", null), Instant.now());
            }
            case DOUBLE_CLICK -> {
                // Two approvers click at the same moment, one approving, one rejecting: exactly one decides.
                List<String> bodies = List.of(valid, gate.click(OTHER_APPROVER, "reject", "not in the change window"));
                long tokensUsed = gate.p.calls.count("SendTaskSuccess") + gate.p.calls.count("SendTaskFailure");
                CountDownLatch go = new CountDownLatch(1);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                List<Future<Integer>> answers = new ArrayList<>();
                for (String body : bodies) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return gate.post(body, Instant.now());
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : answers) {
                    statuses.add(f.get());
                }
                pool.shutdown();
                assertThat(statuses).containsExactlyInAnyOrder(200, 409);
                assertThat(gate.p.calls.count("SendTaskSuccess") + gate.p.calls.count("SendTaskFailure") - tokensUsed)
                        .as("one decision reached the execution").isEqualTo(1);
                assertThat(gate.p.runtime.slack().updates()).hasSize(1);
                before = gate.state();
                status = 409;
            }
            case OTHER_INCIDENTS_BUTTON -> {
                Gate other = new Gate(gate.p, io.portcullis.local.Sandbox.create(gate.p.runtime.ec2(),
                        "other-" + java.util.UUID.randomUUID().toString().substring(0, 8), "production"));
                int updatesBefore = gate.p.runtime.slack().updates().size();
                JsonNode theirs = SlackClicks.button(other.ask, "approval:", "approve");
                before = gate.state();
                // This incident's message, carrying the other incident's approval id.
                status = gate.post(SlackClicks.click(APPROVER, "approval:" + gate.incidentId, "approve",
                        theirs.path("value").asText(), null), Instant.now());
                assertThat(other.state()).as("the other gate is untouched too").element(0)
                        .isEqualTo(ExecutionStatus.RUNNING);
                assertThat(gate.p.runtime.slack().updates()).hasSize(updatesBefore);
            }
            case EXPIRED -> {
                expireApproval(gate);
                before = gate.state();
                status = gate.post(valid, Instant.now());
            }
            case REJECT_WITHOUT_REASON -> {
                before = gate.state();
                status = gate.post(gate.click(APPROVER, "reject", null), Instant.now());
            }
            default -> throw new IllegalStateException();
        }

        assertThat(status).isEqualTo(attack.status);
        assertThat(gate.state()).as("nothing a user could see changed").isEqualTo(before);
        if (attack != Attack.REPLAYED_AFTER_DECISION && attack != Attack.DOUBLE_CLICK) {
            assertThat(before.get(0)).isEqualTo(ExecutionStatus.RUNNING);
            assertThat(before.get(1)).isEqualTo("AwaitApproval");
            assertThat(before.get(2)).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
            assertThat(gate.p.liveRules()).extracting(IngressRule::source).contains("::/0");
        }
        assertThat(logs.lines()).as("the refusal is logged at WARN with its reason").anySatisfy(line -> {
            assertThat(line.path("level").asText()).isEqualTo("WARN");
            assertThat(line.path("message").asText()).contains("refused").containsPattern(attack.reason)
                    .contains("(HTTP " + attack.status + ")");
        });
        assertThat(logs.lines()).as("no secret in any line").noneSatisfy(line -> assertThat(line.toString())
                .containsAnyOf(LocalRuntime.SLACK_SIGNING_SECRET, LocalRuntime.SLACK_BOT_TOKEN));
    }

    /** The approval's time limit passed, but its execution has not timed out yet (the click races the timeout). */
    static void expireApproval(Gate gate) {
        String table = gate.p.runtime.deployment().approvalsTable();
        Map<String, AttributeValue> item = gate.p.runtime.dynamoDb().scanPaginator(r -> r.tableName(table)).items()
                .stream().filter(i -> i.containsKey("incidentId") && i.get("incidentId").s().equals(gate.incidentId))
                .findFirst().orElseThrow();
        AttributeValue expires = item.get("expiresAt");
        String past = Instant.now().minus(Duration.ofMinutes(1)).toString();
        AttributeValue value = expires.s() != null ? AttributeValue.fromS(past)
                : AttributeValue.fromN(Long.toString(Instant.parse(past).getEpochSecond()));
        java.util.Map<String, AttributeValue> changed = new java.util.HashMap<>(item);
        changed.put("expiresAt", value);
        gate.p.runtime.dynamoDb().putItem(r -> r.tableName(table).item(changed));
    }
}
