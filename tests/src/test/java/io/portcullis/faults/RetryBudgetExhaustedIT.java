package io.portcullis.faults;

import static io.portcullis.faults.Contained.BUDGET;
import static io.portcullis.faults.Contained.SDK_ATTEMPTS;
import static io.portcullis.faults.FaultProxy.Fault;
import static io.portcullis.faults.FaultProxy.always;
import static io.portcullis.faults.FaultProxy.operation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.local.LocalRuntime;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Faults that outlast every retry: the failure is loud (the incident FAILED with the cause, on-call alerted in Slack,
 * or through the alert queue when the incident itself cannot be written) and the group is never half-changed.
 */
class RetryBudgetExhaustedIT {

    /** The state machine's retries sleep up to 2 + 4 + 8 + 16 s (full jitter) per failing step. */
    static final Duration LIMIT = Duration.ofSeconds(240);

    /**
     * Three world-open permissions in one change; EC2 throttles every revoke. After the SDK's four attempts times the
     * state machine's five, the playbook gives up: nothing was revoked (EC2 revokes the three in one call, all or
     * none), the incident is FAILED naming EC2's error, and on-call is alerted in Slack.
     */
    @Test
    void aRevokeThrottledPastEveryRetryLeavesAllThreePermissionsFailsTheIncidentAndAlerts() {
        try (FaultyPortcullis p = new FaultyPortcullis(BUDGET)) {
            ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_THREE_PORTS);
            List<String> offending = p.offending;
            p.proxy.inject(Fault.THROTTLING, operation("ec2", "RevokeSecurityGroupIngress"), always());

            String incidentId = p.detect(event);
            LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

            assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(run.states()).containsSubsequence("RevokeOffendingIngress", "MarkFailed", "Failed")
                    .doesNotContain("Verify", "Resolve", "MarkFailed.Alert");
            int stepAttempts = 1 + Contained.stepRetries(p.runtime);
            assertThat(p.proxy.injected(Fault.THROTTLING)).as("the whole budget, and no more")
                    .isEqualTo(SDK_ATTEMPTS * stepAttempts);
            assertThat(p.proxy.succeeded("RevokeSecurityGroupIngress")).isZero();

            assertThat(p.liveRuleIds()).as("all or nothing: nothing").containsAll(offending)
                    .contains(p.sandbox.harmlessRuleId()).hasSize(4);

            Incident incident = p.incident(incidentId);
            assertThat(incident.status()).isEqualTo(IncidentStatus.FAILED);
            assertThat(incident.outcome()).contains("security-group-ingress failed")
                    .contains("Ec2 RequestLimitExceeded (HTTP 503) after " + SDK_ATTEMPTS + " attempts")
                    .contains("A person must look");
            assertThat(incident.revokedRules()).isEmpty();
            assertThat(incident.remediatedAt()).isNull();
            assertThat(p.alerts(incidentId)).singleElement().satisfies(alert -> assertThat(alert.text())
                    .contains(incidentId).contains("RequestLimitExceeded"));
            p.report(incidentId);
        }
    }

    /**
     * EC2 keeps failing and so does DynamoDB for the write that would mark the incident FAILED: the playbook still
     * raises the alert, on the alert queue (MarkFailed.Alert), naming the incident, EC2's error and DynamoDB's.
     */
    @Test
    void whenTheIncidentCannotEvenBeMarkedFailedTheAlertLeavesThroughTheAlertQueue() {
        try (FaultyPortcullis p = new FaultyPortcullis(BUDGET)) {
            ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_SSH);
            p.proxy.inject(Fault.INTERNAL_ERROR, operation("ec2", "RevokeSecurityGroupIngress"), always());
            Predicate<FaultProxy.Call> marksFailed = FaultProxy.dynamoDbWritesTo(
                    p.runtime.deployment().incidentsTable()).and(c -> c.body().contains("\"FAILED\""));
            p.proxy.inject(Fault.SERVICE_UNAVAILABLE, marksFailed, always());

            String incidentId = p.detect(event);
            LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

            assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(run.states()).containsSubsequence("RevokeOffendingIngress", "MarkFailed", "MarkFailed.Alert",
                    "Failed");
            assertThat(p.alertQueue()).singleElement().satisfies(body -> assertThat(body).contains(incidentId)
                    .contains("Ec2 InternalError (HTTP 500)").contains("DynamoDb ServiceUnavailable (HTTP 503)"));
            assertThat(p.liveRuleIds()).containsAll(p.offending);
            int budget = SDK_ATTEMPTS * (1 + Contained.stepRetries(p.runtime));
            assertThat(p.proxy.injected(Fault.INTERNAL_ERROR)).as("every attempt of the revoke").isEqualTo(budget);
            assertThat(p.proxy.injected(Fault.SERVICE_UNAVAILABLE)).as("every attempt to mark it failed")
                    .isEqualTo(budget);
            assertThat(p.incident(incidentId).status()).as("the store refused every attempt to say so")
                    .isNotEqualTo(IncidentStatus.FAILED);
            p.report(incidentId);
        }
    }

    /**
     * Someone removed one of the three permissions before Portcullis got to them: the playbook revokes the two left,
     * records only those two (Undo must not bring back what the person removed), and resolves.
     */
    @Test
    void aGroupSomeoneAlreadyPartlyFixedIsFinishedAndOnlyWhatPortcullisRevokedIsRecorded() {
        try (FaultyPortcullis p = new FaultyPortcullis(BUDGET)) {
            ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_THREE_PORTS);
            List<String> offending = p.offending;
            String detected = p.detect(event);
            p.direct.ec2().revokeSecurityGroupIngress(r -> r.groupId(p.sandbox.groupId())
                    .securityGroupRuleIds(offending.get(1)));

            LocalRuntime.Execution run = p.runPlaybook(detected, LIMIT);

            Contained.check(p, detected, List.of(offending.get(0), offending.get(2)), run);
        }
    }
}
