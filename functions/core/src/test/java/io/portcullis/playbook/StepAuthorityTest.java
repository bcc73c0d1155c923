package io.portcullis.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A step message is acted on only when its execution is waiting on exactly that message. */
class StepAuthorityTest {

    static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:portcullis-sg:inc-1-x";
    final Map<String, ExecutionState.Execution> executions = new HashMap<>();
    final StepAuthority authority = new StepAuthority(arn -> Optional.ofNullable(executions.get(arn)));

    static ObjectNode body(String token, String step, String type) {
        ObjectNode b = Json.mapper().createObjectNode().put("taskToken", token).put("execution", EXECUTION)
                .put("incidentId", "inc-1").put("playbook", "security-group-ingress").put("step", step)
                .put("type", type).put("dryRun", false);
        b.putNull("slack");
        return b;
    }

    static StepRequest request(ObjectNode body) {
        return StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow();
    }

    /** An execution that entered {@code step} and sent {@code sent}, oldest event first, as the emulator answers. */
    void waitingAt(String status, String step, ObjectNode sent, String... after) {
        List<ExecutionState.Event> events = new ArrayList<>();
        events.add(new ExecutionState.Event(1, "ExecutionStarted", null, "{\"incidentId\":\"inc-1\"}"));
        events.add(new ExecutionState.Event(2, "TaskStateEntered", "Snapshot", null));
        events.add(new ExecutionState.Event(3, "TaskScheduled", null, "{\"MessageBody\":"
                + body("old-token", "Snapshot", "snapshot") + "}"));
        events.add(new ExecutionState.Event(4, "TaskSucceeded", null, null));
        events.add(new ExecutionState.Event(5, "TaskStateExited", "Snapshot", null));
        events.add(new ExecutionState.Event(6, "TaskStateEntered", step, null));
        events.add(new ExecutionState.Event(7, "TaskScheduled", null, sent == null ? null
                : "{\"QueueUrl\":\"q\",\"MessageBody\":" + sent + "}"));
        events.add(new ExecutionState.Event(8, "TaskStarted", null, null));
        long id = 9;
        for (String type : after) {
            events.add(new ExecutionState.Event(id++, type, null, null));
        }
        executions.put(EXECUTION, new ExecutionState.Execution(status, events));
    }

    @Test
    void theMessageTheWaitingTaskSentIsActedOn() {
        waitingAt("RUNNING", "AwaitApproval", body("tok-7", "AwaitApproval", "approve"));

        assertThat(authority.refusal(request(body("tok-7", "AwaitApproval", "approve")))).isEmpty();
    }

    @Test
    void aRemediateStepForAnExecutionWaitingAtItsGateIsRefused() {
        waitingAt("RUNNING", "AwaitApproval", body("tok-7", "AwaitApproval", "approve"));

        assertThat(authority.refusal(request(body("tok-7", "RevokeOffendingIngress", "remediate")
                .put("action", "revoke-ingress")))).hasValueSatisfying(why -> assertThat(why)
                .contains("is at state AwaitApproval, not at step RevokeOffendingIngress"));
    }

    @Test
    void aCopyOfTheCurrentStepWithAnotherTokenOrAnotherActionIsRefusedWithoutPrintingTheToken() {
        waitingAt("RUNNING", "RevokeOffendingIngress", body("tok-7", "RevokeOffendingIngress", "remediate")
                .put("action", "revoke-ingress"));

        assertThat(authority.refusal(request(body("forged-token", "RevokeOffendingIngress", "remediate")
                .put("action", "revoke-ingress")))).hasValueSatisfying(why -> assertThat(why)
                .contains("taskToken differs").doesNotContain("tok-7").doesNotContain("forged-token"));
        assertThat(authority.refusal(request(body("tok-7", "RevokeOffendingIngress", "remediate")
                .put("action", "restore-ingress")))).hasValueSatisfying(why -> assertThat(why)
                .contains("action differs"));
    }

    @Test
    void numbersCompareByValueAndNestedDocumentsFieldByField() {
        ObjectNode sent = body("tok-7", "AwaitApproval", "approve").put("timeoutSeconds", 900);
        sent.putObject("slack").put("channel", "C1").put("ts", "1.2");
        waitingAt("RUNNING", "AwaitApproval", sent);
        ObjectNode received = body("tok-7", "AwaitApproval", "approve").put("timeoutSeconds", 900.0);
        received.putObject("slack").put("ts", "1.2").put("channel", "C1");

        assertThat(authority.refusal(request(received))).isEmpty();
    }

    @Test
    void aStepAlreadyAnsweredAFinishedExecutionOrNoExecutionIsRefused() {
        waitingAt("RUNNING", "Verify", body("tok-7", "Verify", "verify"), "TaskSucceeded");
        assertThat(authority.refusal(request(body("tok-7", "Verify", "verify"))))
                .hasValueSatisfying(why -> assertThat(why).contains("was already answered"));

        waitingAt("SUCCEEDED", "Verify", body("tok-7", "Verify", "verify"));
        assertThat(authority.refusal(request(body("tok-7", "Verify", "verify"))))
                .hasValueSatisfying(why -> assertThat(why).contains("is SUCCEEDED, not running"));

        executions.clear();
        assertThat(authority.refusal(request(body("tok-7", "Verify", "verify"))))
                .hasValueSatisfying(why -> assertThat(why).contains("there is no execution"));
        assertThat(authority.refusal(request(body("tok-7", "Verify", "verify").put("execution", ""))))
                .hasValueSatisfying(why -> assertThat(why).isEqualTo("the message names no execution"));
    }

    @Test
    void withoutTheSentBodyInTheHistoryTheExecutionMustStillBeTheIncidents() {
        waitingAt("RUNNING", "Verify", null);

        assertThat(authority.refusal(request(body("tok-7", "Verify", "verify")))).isEmpty();
        assertThat(authority.refusal(request(body("tok-7", "Verify", "verify").put("incidentId", "inc-2"))))
                .hasValueSatisfying(why -> assertThat(why).contains("is not incident inc-2's"));
    }

    @Test
    void undoAndPageMessagesAreCheckedWhereTheyRunNotHere() {
        ObjectNode undo = Json.mapper().createObjectNode().put("type", "undo").put("incidentId", "inc-1")
                .put("undoId", "apv-1");

        assertThat(authority.refusal(request(undo))).isEmpty();
    }
}
