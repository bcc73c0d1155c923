package io.portcullis.faults;

import static io.portcullis.faults.Contained.BUDGET;
import static io.portcullis.faults.Contained.SDK_ATTEMPTS;
import static io.portcullis.faults.FaultProxy.Fault;
import static io.portcullis.faults.FaultProxy.everyOther;
import static io.portcullis.faults.FaultProxy.first;
import static io.portcullis.faults.FaultProxy.operation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.local.LocalRuntime;
import java.time.Duration;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transient faults between the functions and AWS — throttling as each service answers it, 500s, 503s, resets,
 * answers lost after the service acted, slow and stalled answers — on the remediation's revoke and on the incident
 * writes: the P1 security-group change is still contained once, verified and resolved, and the proxy shows the
 * faults were really there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransientFaultsIT {

    static final Duration LIMIT = Duration.ofSeconds(120);

    /** One deployment for every case (each case gets its own security group and fresh counts). */
    FaultyPortcullis p;

    @BeforeAll
    void deploy() {
        p = new FaultyPortcullis(BUDGET);
    }

    @BeforeEach
    void nextCase() {
        p.next();
    }

    @AfterAll
    void tearDown() {
        p.close();
    }

    static void inject(FaultyPortcullis p, Fault fault, Predicate<FaultProxy.Call> when, IntPredicate which) {
        switch (fault) {
            case SLOW -> p.proxy.delay(fault, Contained.SLOW, when, which);
            case STALLED -> p.proxy.delay(fault, Contained.STALL, when, which);
            default -> p.proxy.inject(fault, when, which);
        }
    }

    /**
     * One revoke of three world-open permissions; its first three attempts fail (the fourth, the last of the SDK's
     * budget, goes through). A lost or stalled answer means EC2 already revoked them: the retries find the rules gone
     * and the revoke is complete, recorded once.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"THROTTLING", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "RESET",
            "RESPONSE_LOST", "SLOW", "STALLED"})
    void theGroupIsContainedDespiteFaultsOnTheRevoke(Fault fault) {
        ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_THREE_PORTS);
        List<String> offending = p.offending;
        inject(p, fault, operation("ec2", "RevokeSecurityGroupIngress"), first(SDK_ATTEMPTS - 1));

        String incidentId = p.detect(event);
        LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

        assertThat(offending).hasSize(3);
        Contained.check(p, incidentId, offending, run);
        // A slow answer still arrives, so the one revoke needs no retry; every other fault costs an attempt.
        assertThat(p.proxy.injected(fault)).isEqualTo(fault == Fault.SLOW ? 1 : SDK_ATTEMPTS - 1);
        assertThat(Contained.failedTasks(run)).as("the SDK's retries absorbed them").isEmpty();
    }

    /**
     * Every write of an incident or an approval (the Undo offer) meets the fault on its first attempt (the SDK's
     * retry then goes through). A lost or stalled answer means DynamoDB wrote it: the retry's condition fails against
     * that very write, which must count as done, not as someone else's change (else the change is applied twice, or
     * the step fails).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"THROTTLING", "PROVISIONED_THROUGHPUT_EXCEEDED", "INTERNAL_ERROR",
            "SERVICE_UNAVAILABLE", "RESET", "RESPONSE_LOST", "SLOW", "STALLED"})
    void theGroupIsContainedAndRecordedOnceDespiteFaultsOnEveryIncidentAndApprovalWrite(Fault fault) {
        ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_SSH);
        inject(p, fault, FaultProxy.dynamoDbWritesTo(p.runtime.deployment().incidentsTable())
                .or(FaultProxy.dynamoDbWritesTo(p.runtime.deployment().approvalsTable())), everyOther());

        String incidentId = p.detect(event);
        LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

        Contained.check(p, incidentId, p.offending, run);
        // Detection, snapshot, start, revoke, verify, notify and resolve each write the incident; the Undo offer
        // writes an approval twice (created, then posted).
        assertThat(p.proxy.injected(fault)).isGreaterThanOrEqualTo(fault == Fault.SLOW ? 4 : 9);
    }

    /**
     * A repeat's one write (the incident's next version with the repeat's event id claim, in one transaction) meets
     * the fault on its first attempt. A lost or stalled answer means DynamoDB wrote both, and the SDK's retry is
     * cancelled by that very write: it must count as this repeat attached, not as a redelivery of it. The repeat is
     * counted once whatever the fault, a real redelivery afterwards is a duplicate, and the incident is still contained.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"THROTTLING", "INTERNAL_ERROR", "RESET", "RESPONSE_LOST", "STALLED"})
    void aRepeatWhoseWriteMeetsAFaultIsAttachedAndCountedOnce(Fault fault) {
        ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_SSH);
        String incidentId = p.detect(event);
        ObjectNode repeat = event.deepCopy();
        ((ObjectNode) repeat.path("detail")).put("eventID", java.util.UUID.randomUUID().toString());
        inject(p, fault, operation("dynamodb", "TransactWriteItems").and(c -> c.body().contains("seen|")), first(1));

        String attached = p.runtime.invokeDetector(repeat).path("outcome").asText();
        String redelivered = p.runtime.invokeDetector(repeat).path("outcome").asText();
        LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

        assertThat(p.proxy.injected(fault)).isEqualTo(1);
        assertThat(attached).isEqualTo("attached-to-open-incident");
        assertThat(redelivered).isEqualTo("duplicate");
        assertThat(p.incident(incidentId).occurrences()).isEqualTo(2);
        assertThat(p.incidentIds()).containsExactly(incidentId);
        assertThat(run.status()).isEqualTo(software.amazon.awssdk.services.sfn.model.ExecutionStatus.SUCCEEDED);
        assertThat(p.liveRuleIds()).containsExactly(p.sandbox.harmlessRuleId());
    }

    /** Every other request of every function, whatever the service, is reset. */
    @Test
    void theGroupIsContainedWhenEveryOtherCallOfEveryServiceIsReset() {
        ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_SSH);
        p.proxy.inject(Fault.RESET, call -> true, everyOther());

        String incidentId = p.detect(event);
        LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

        Contained.check(p, incidentId, p.offending, run);
        assertThat(p.proxy.journal()).filteredOn(e -> e.fault() != null).extracting(e -> e.call().service())
                .contains("ec2", "dynamodb", "states", "sqs");
        assertThat(p.proxy.injected(Fault.RESET)).isGreaterThanOrEqualTo(15);
    }

    /**
     * The revoke fails past the SDK's budget once (five throttles in a row): the worker answers Portcullis.Transient,
     * the state machine retries the step, and the retried step revokes.
     */
    @Test
    void aRevokeThrottledPastTheSdkBudgetIsRetriedByTheStateMachineAndContains() {
        ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_SSH);
        p.proxy.inject(Fault.THROTTLING, operation("ec2", "RevokeSecurityGroupIngress"), first(SDK_ATTEMPTS + 1));

        String incidentId = p.detect(event);
        LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

        Incident incident = Contained.check(p, incidentId, p.offending, run);
        assertThat(p.proxy.injected(Fault.THROTTLING)).isEqualTo(SDK_ATTEMPTS + 1);
        assertThat(Contained.failedTasks(run)).singleElement().satisfies(f -> assertThat(f)
                .startsWith("Portcullis.Transient: Ec2 RequestLimitExceeded (HTTP 503) after " + SDK_ATTEMPTS
                        + " attempts"));
        assertThat(incident.timeline()).filteredOn(t -> t.detail().startsWith("Remediation started: revoke-ingress"))
                .as("the write-ahead entry, once").hasSize(1);
    }

    /**
     * The revoke goes through, but the incident write that records it fails past the SDK's budget: the state machine
     * retries the step, which finds the rule gone and its own write-ahead entry, and records the revoke it made, so
     * the incident, the report and Undo know what was changed.
     */
    @Test
    void aRevokeWhoseRecordFailsPastTheSdkBudgetIsRecordedByTheRetriedStep() {
        ObjectNode event = p.applied(FaultyPortcullis.CONSOLE_SSH);
        Predicate<FaultProxy.Call> recordsTheRevoke = FaultProxy.dynamoDbWritesTo(
                p.runtime.deployment().incidentsTable()).and(c -> c.body().contains("\"Revoked "));
        p.proxy.inject(Fault.INTERNAL_ERROR, recordsTheRevoke, first(SDK_ATTEMPTS));

        String incidentId = p.detect(event);
        LocalRuntime.Execution run = p.runPlaybook(incidentId, LIMIT);

        Incident incident = Contained.check(p, incidentId, p.offending, run);
        assertThat(p.proxy.injected(Fault.INTERNAL_ERROR)).isEqualTo(SDK_ATTEMPTS);
        assertThat(Contained.failedTasks(run)).singleElement().satisfies(f -> assertThat(f)
                .startsWith("Portcullis.Transient: DynamoDb InternalServerError (HTTP 500)"));
        assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.detail())
                .contains("an earlier attempt of this step made the change and stopped before recording it"));
    }
}
