package io.portcullis.faults;

import static io.portcullis.faults.Contained.BUDGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.local.LocalRuntime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;

/**
 * A function killed between "incident recorded" and "remediated" — its process gone mid-way, nothing after the kill
 * point run, nothing acknowledged — and its input delivered again, as Lambda and SQS do: the job completes exactly
 * once (one incident, one revoke that changed the group, one playbook run to the end, one Undo offer).
 */
class KilledHandlerIT {

    static final Duration LIMIT = Duration.ofSeconds(120);

    /** The detector recorded the incident and died before starting its playbook; Lambda retries the event. */
    @Test
    void theDetectorDiesAfterRecordingTheIncidentAndTheRetriedEventStartsThePlaybookOnce() {
        try (FaultyPortcullis p = new FaultyPortcullis(BUDGET)) {
            ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_SSH);
            p.calls.killAfter("TransactWriteItems", r -> true);

            Throwable died = catchThrowable(() -> p.detect(event));
            assertThat(died).isInstanceOf(FaultyPortcullis.Killed.class);
            String incidentId = p.incidentIds().get(0);
            assertThat(p.incident(incidentId).status()).isEqualTo(IncidentStatus.OPEN);
            assertThat(p.executions(incidentId)).as("no playbook yet").isZero();

            String again = p.detect(event);
            LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

            assertThat(again).isEqualTo(incidentId);
            Contained.check(p, incidentId, p.offending, run);
            assertThat(p.proxy.succeeded("StartExecution")).isEqualTo(1);
        }
    }

    /**
     * The worker revoked the rules and died before recording it; SQS delivers the step again after its visibility
     * timeout. The redelivered step finds the rules gone and its own write-ahead entry, makes no second revoke, and
     * records the revoke the first delivery made.
     */
    @Test
    void theWorkerDiesBetweenTheRevokeAndItsRecordAndTheRedeliveredStepRecordsItWithoutRevokingAgain() {
        try (FaultyPortcullis p = new FaultyPortcullis(BUDGET)) {
            ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_THREE_PORTS);
            List<String> offending = p.offending;
            String incidentId = p.detect(event);
            p.calls.killAfter("RevokeSecurityGroupIngress", r -> true);

            Throwable died = catchThrowable(() -> p.runPlaybook(incidentId, LIMIT));
            assertThat(died).isInstanceOf(FaultyPortcullis.Killed.class);
            assertThat(p.liveRuleIds()).containsExactly(p.sandbox.harmlessRuleId());
            assertThat(p.incident(incidentId).revokedRules()).as("not recorded yet").isEmpty();

            p.visibilityTimeoutPasses();
            LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

            Incident incident = Contained.check(p, incidentId, offending, run);
            assertThat(p.calls.completed("RevokeSecurityGroupIngress")).isEqualTo(1);
            assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.detail())
                    .contains("an earlier attempt of this step made the change and stopped before recording it"));
        }
    }

    /** The worker recorded the revoke and died before answering the execution; SQS delivers the step again. */
    @Test
    void theWorkerDiesAfterRecordingTheRevokeAndTheRedeliveredStepChangesNothing() {
        try (FaultyPortcullis p = new FaultyPortcullis(BUDGET)) {
            ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_SSH);
            String incidentId = p.detect(event);
            p.calls.killAfter("PutItem", r -> r instanceof PutItemRequest put && outcome(put).startsWith("Revoked "));

            Throwable died = catchThrowable(() -> p.runPlaybook(incidentId, LIMIT));
            assertThat(died).isInstanceOf(FaultyPortcullis.Killed.class);
            assertThat(p.incident(incidentId).revokedRules()).hasSize(1);

            p.visibilityTimeoutPasses();
            LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

            Incident incident = Contained.check(p, incidentId, p.offending, run);
            assertThat(p.calls.completed("RevokeSecurityGroupIngress")).isEqualTo(1);
            assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.detail()).contains("already gone"));
        }
    }

    /**
     * The worker answered the execution and died before SQS heard the message was done; SQS delivers it again.
     * The execution has moved on: the late answer is refused, nothing is changed twice.
     */
    @Test
    void theWorkerDiesAfterAnsweringTheExecutionAndTheRedeliveredStepIsHarmless() {
        try (FaultyPortcullis p = new FaultyPortcullis(BUDGET)) {
            ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_SSH);
            String incidentId = p.detect(event);
            p.calls.killAfter("SendTaskSuccess", r -> r instanceof SendTaskSuccessRequest s
                    && s.output().contains("\"result\":\"changed\""));

            Throwable died = catchThrowable(() -> p.runPlaybook(incidentId, LIMIT));
            assertThat(died).isInstanceOf(FaultyPortcullis.Killed.class);

            p.visibilityTimeoutPasses();
            LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

            Contained.check(p, incidentId, p.offending, run);
            assertThat(p.calls.completed("RevokeSecurityGroupIngress")).isEqualTo(1);
        }
    }

    static String outcome(PutItemRequest put) {
        AttributeValue outcome = put.item().get("outcome");
        return outcome == null || outcome.s() == null ? "" : outcome.s();
    }
}
