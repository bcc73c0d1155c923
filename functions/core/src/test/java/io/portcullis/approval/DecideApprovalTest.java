package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Every way an approval click can be refused, and the one way it is accepted: nothing changes unless it is right. */
class DecideApprovalTest {

    static final String SECRET = "fake-signing-secret-for-tests";
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final String TOKEN = "fake-task-token-AAAABBBB";

    final io.portcullis.testing.InMemoryApprovals store = new io.portcullis.testing.InMemoryApprovals();
    final List<String> resumed = new ArrayList<>();
    /** What the next resume does instead of taking effect (a Step Functions outage, a token no longer waited on). */
    final java.util.ArrayDeque<RuntimeException> resumeFailures = new java.util.ArrayDeque<>();
    /** Whether the token has been used: Step Functions answers a second use as not waiting. */
    boolean tokenUsed;
    final RequestSignature signature = new RequestSignature(SECRET);
    final DecideApproval decide = new DecideApproval(signature, store, new WorkflowResumer() {
        @Override
        public void approve(String taskToken, String outputJson) {
            if (!resumeFailures.isEmpty()) {
                throw resumeFailures.poll();
            }
            if (tokenUsed) {
                throw new WorkflowResumer.NotWaiting("TaskTimedOut");
            }
            tokenUsed = true;
            resumed.add("approve " + taskToken + " " + outputJson);
        }

        @Override
        public void reject(String taskToken, String reason) {
            resumed.add("reject " + taskToken + " " + reason);
        }
    }, Clock.fixed(NOW, ZoneOffset.UTC));

    DecideApprovalTest() {
        store.create(new Approval("apv-1", "inc-1", ApprovalStatus.PENDING, Set.of("UONCALL", "UALICE"), Set.of("UALICE"),
                NOW.plusSeconds(900), TOKEN, null, null, null, 1));
        store.create(new Approval("apv-old", "inc-2", ApprovalStatus.PENDING, Set.of("UONCALL"), Set.of(),
                NOW.minusSeconds(1), TOKEN, null, null, null, 1));
    }

    static byte[] click(String user, String action, String approvalId, String incidentId, String reason) {
        var root = Json.mapper().createObjectNode().put("type", "block_actions");
        root.putObject("user").put("id", user);
        root.putArray("actions").addObject().put("action_id", action).put("value", approvalId)
                .put("block_id", "approval:" + incidentId);
        if (reason != null) {
            root.putObject("state").putObject("values").putObject("reason-block").putObject("reject_reason")
                    .put("type", "plain_text_input").put("value", reason);
        }
        return ("payload=" + URLEncoder.encode(root.toString(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    DecideApproval.Outcome send(byte[] body, long at) {
        String ts = Long.toString(at);
        return decide.decide(ts, signature.sign(ts, body), body);
    }

    DecideApproval.Outcome send(byte[] body) {
        return send(body, NOW.getEpochSecond());
    }

    @Test
    void anAuthorisedApproverApprovesOnceAndTheWorkflowResumes() {
        DecideApproval.Outcome first = send(click("UONCALL", "approve", "apv-1", "inc-1", null));
        DecideApproval.Outcome again = send(click("UONCALL", "approve", "apv-1", "inc-1", null));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.message()).contains("Approved by <@UONCALL>");
        assertThat(again.status()).as("a second click, or a replay, changes nothing").isEqualTo(409);
        assertThat(resumed).containsExactly("approve " + TOKEN + " {\"approvalId\":\"apv-1\",\"by\":\"UONCALL\","
                + "\"at\":\"2026-11-25T10:00:00Z\",\"decision\":\"approved\"}");
        assertThat(store.find("apv-1").orElseThrow().decidedBy()).isEqualTo("UONCALL");
        assertThat(first.reason()).doesNotContain(TOKEN);
    }

    @Test
    void aResumeThatFailsLeavesTheApprovalPendingAndTheRetryDecides() {
        resumeFailures.add(new IllegalStateException("Step Functions: ServiceUnavailable"));
        byte[] click = click("UONCALL", "approve", "apv-1", "inc-1", null);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> send(click)).hasMessageContaining("ServiceUnavailable");
        Approval afterFailure = store.find("apv-1").orElseThrow();
        assertThat(afterFailure.status()).isEqualTo(ApprovalStatus.PENDING);
        assertThat(afterFailure.resuming()).as("the claim was given back").isNull();
        assertThat(resumed).isEmpty();

        DecideApproval.Outcome retry = send(click);

        assertThat(retry.status()).as("the retry is not a 409").isEqualTo(200);
        assertThat(resumed).hasSize(1);
        assertThat(store.find("apv-1").orElseThrow().status()).isEqualTo(ApprovalStatus.APPROVED);
    }

    @Test
    void aResumeThatTookEffectButWasNotRecordedIsRecordedByTheRetry() {
        // The first attempt resumed the execution, then the record write was lost (the function died in between).
        byte[] click = click("UONCALL", "approve", "apv-1", "inc-1", null);
        Approval pending = store.find("apv-1").orElseThrow();
        store.decide(pending.resuming(new Approval.Resuming(ApprovalStatus.APPROVED, "UONCALL", NOW, null)));
        tokenUsed = true;

        DecideApproval.Outcome retry = send(click);

        assertThat(retry.status()).isEqualTo(200);
        assertThat(resumed).as("resumed once only: by the first attempt").isEmpty();
        Approval recorded = store.find("apv-1").orElseThrow();
        assertThat(recorded.status()).isEqualTo(ApprovalStatus.APPROVED);
        assertThat(recorded.decidedBy()).isEqualTo("UONCALL");
        assertThat(send(click).status()).as("after that, a replay is refused").isEqualTo(409);
    }

    @Test
    void anotherApproverCannotDecideWhileADecisionIsBeingCarriedOut() {
        store.create(new Approval("apv-3", "inc-3", ApprovalStatus.PENDING, Set.of("UONCALL", "UBOB"), Set.of(),
                NOW.plusSeconds(900), TOKEN, null, null, null, 1));
        store.decide(store.find("apv-3").orElseThrow()
                .resuming(new Approval.Resuming(ApprovalStatus.APPROVED, "UONCALL", NOW, null)));

        DecideApproval.Outcome other = send(click("UBOB", "reject", "apv-3", "inc-3", "no"));

        assertThat(other.status()).isEqualTo(409);
        assertThat(other.reason()).contains("lost the race to decide");
        assertThat(resumed).isEmpty();
        assertThat(store.find("apv-3").orElseThrow().resuming().by()).isEqualTo("UONCALL");
    }

    @Test
    void anExecutionThatNoLongerWaitsLeavesTheApprovalPendingAndSaysSo() {
        tokenUsed = true;

        DecideApproval.Outcome late = send(click("UONCALL", "approve", "apv-1", "inc-1", null));

        assertThat(late.status()).isEqualTo(410);
        assertThat(late.reason()).startsWith("refused: ").contains("no longer waits");
        assertThat(store.find("apv-1").orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
        assertThat(store.find("apv-1").orElseThrow().resuming()).isNull();
    }

    @Test
    void whenTheActorIsUnknownTwoDistinctApproversMustAgreeBeforeAnythingResumes() {
        store.create(new Approval("apv-2", "inc-2b", ApprovalStatus.PENDING, Set.of("UONCALL", "UBOB"), Set.of(),
                NOW.plusSeconds(900), TOKEN, null, null, null, 1).withNeeded(2, "nobody trusted names the actor"));

        DecideApproval.Outcome first = send(click("UONCALL", "approve", "apv-2", "inc-2b", null));
        DecideApproval.Outcome again = send(click("UONCALL", "approve", "apv-2", "inc-2b", null));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.message()).contains("1 of 2").contains("nobody trusted names the actor");
        assertThat(again.status()).as("the same approver twice is one approver").isEqualTo(409);
        assertThat(resumed).isEmpty();
        assertThat(store.find("apv-2").orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
        assertThat(store.find("apv-2").orElseThrow().votes()).extracting(Approval.Vote::by).containsExactly("UONCALL");

        DecideApproval.Outcome second = send(click("UBOB", "approve", "apv-2", "inc-2b", null));

        assertThat(second.status()).isEqualTo(200);
        assertThat(resumed).hasSize(1);
        assertThat(store.find("apv-2").orElseThrow().status()).isEqualTo(ApprovalStatus.APPROVED);
    }

    @Test
    void aRejectionNeedsAReasonAndCarriesIt() {
        assertThat(send(click("UONCALL", "reject", "apv-1", "inc-1", null)).status()).isEqualTo(400);
        assertThat(store.find("apv-1").orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);

        DecideApproval.Outcome rejected = send(click("UONCALL", "reject", "apv-1", "inc-1", "partner feed, see CHG-1234"));

        assertThat(rejected.status()).isEqualTo(200);
        assertThat(resumed).containsExactly("reject " + TOKEN + " {\"approvalId\":\"apv-1\",\"by\":\"UONCALL\","
                + "\"at\":\"2026-11-25T10:00:00Z\",\"decision\":\"rejected\",\"reason\":\"partner feed, see CHG-1234\"}");
        assertThat(store.find("apv-1").orElseThrow().reason()).isEqualTo("partner feed, see CHG-1234");
    }

    @Test
    void refusesEachBadClickWithItsStatusAndChangesNothing() {
        byte[] good = click("UONCALL", "approve", "apv-1", "inc-1", null);
        String ts = Long.toString(NOW.getEpochSecond());
        Map<String, DecideApproval.Outcome> outcomes = new java.util.LinkedHashMap<>();
        outcomes.put("forged signature", decide.decide(ts, new RequestSignature("another-secret").sign(ts, good), good));
        outcomes.put("body altered after signing", decide.decide(ts, signature.sign(ts, good),
                click("UONCALL", "approve", "apv-1", "inc-1", "x")));
        outcomes.put("no signature", decide.decide(ts, null, good));
        outcomes.put("stale timestamp", send(good, NOW.getEpochSecond() - 301));
        outcomes.put("timestamp from the future", send(good, NOW.getEpochSecond() + 301));
        outcomes.put("unknown user", send(click("USTRANGER", "approve", "apv-1", "inc-1", null)));
        outcomes.put("the actor approving their own change", send(click("UALICE", "approve", "apv-1", "inc-1", null)));
        outcomes.put("approval for another incident", send(click("UONCALL", "approve", "apv-1", "inc-9", null)));
        outcomes.put("unknown approval id", send(click("UONCALL", "approve", "apv-nope", "inc-1", null)));
        outcomes.put("expired approval", send(click("UONCALL", "approve", "apv-old", "inc-2", null)));
        outcomes.put("not a click", send("payload=%7B%22type%22%3A%22view_submission%22%7D".getBytes(StandardCharsets.UTF_8)));

        assertThat(outcomes).extractingFromEntries(e -> e.getKey() + " " + e.getValue().status()).containsExactly(
                "forged signature 401", "body altered after signing 401", "no signature 401", "stale timestamp 401",
                "timestamp from the future 401", "unknown user 403", "the actor approving their own change 403",
                "approval for another incident 409", "unknown approval id 404", "expired approval 410", "not a click 400");
        assertThat(resumed).isEmpty();
        assertThat(store.find("apv-1").orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
        assertThat(store.find("apv-old").orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
        outcomes.values().forEach(o -> assertThat(o.reason()).startsWith("refused: ").doesNotContain(TOKEN));
    }
}
