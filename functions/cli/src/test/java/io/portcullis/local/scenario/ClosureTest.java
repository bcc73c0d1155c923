package io.portcullis.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.Actor;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.Resolution;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The closure rule, on outcomes as the runner reports them. */
class ClosureTest {

    static final ResourceRef BUCKET = ResourceRef.bucket("sandbox", "123456789012", "us-east-1");
    static final ObjectNode PRIVATE = state("private");
    static final ObjectNode PUBLIC = state("public");
    static final Closure.Expectation APPROVING = new Closure.Expectation(ScenarioRun.Decision.APPROVE, false);

    static ObjectNode state(String acl) {
        return Json.mapper().createObjectNode().put("acl", acl);
    }

    static Incident incident(IncidentStatus status, Priority priority, Response response, Instant verified,
                             Resolution resolution, String last) {
        Finding f = Finding.of("s3-public-acl", RuleFamily.S3, Severity.CRITICAL, Exposure.INTERNET, BUCKET, Map.of(),
                "public");
        Instant now = Instant.now();
        return new Incident("inc-1", 3, status, RemediationMode.ENFORCE, "1", "PutBucketAcl", now,
                new Actor("arn:aws:iam::123456789012:user/dana", "IAMUser", null, false, "203.0.113.9", null),
                Origin.CONSOLE, BUCKET, "production", List.of(f), priority, response,
                new io.portcullis.protocol.Decision(priority, response, 2, "row", Map.of()), now, verified, verified,
                null, null, now, resolution, List.of(), last, List.of(new TimelineEntry(now, "last", "portcullis", last)),
                List.of(), List.of(), 1, null);
    }

    static LocalRuntime.Execution execution(ExecutionStatus status) {
        return new LocalRuntime.Execution("arn:execution", status, List.of("Snapshot"), List.of());
    }

    static RunOutcome outcome(Incident i, LocalRuntime.Execution e, List<RunOutcome.SlackMessage> slack,
                              List<JsonNode> pages, ObjectNode end, boolean undoWanted, boolean undoOffered,
                              List<RunOutcome.Click> clicks, ObjectNode afterUndo) {
        return new RunOutcome("events/x.json", "PutBucketAcl", "bucket sandbox", Json.mapper().createObjectNode()
                .put("outcome", "incident-opened"), i, e, List.of(), clicks, undoWanted, undoOffered, slack, pages,
                PRIVATE, PUBLIC, end, PRIVATE, afterUndo);
    }

    static final List<RunOutcome.SlackMessage> ANNOUNCED = List.of(new RunOutcome.SlackMessage("C1", "announce", "P1"));

    @Test
    void aFixVerifiedByReReadingTheResourceCloses() {
        Closure.Verdict v = Closure.judge(outcome(incident(IncidentStatus.RESOLVED, Priority.P2, Response.APPROVAL,
                Instant.now(), Resolution.APPROVED, "Resolved"), execution(ExecutionStatus.SUCCEEDED), ANNOUNCED,
                List.of(), PRIVATE, false, false, List.of(), null), APPROVING);

        assertThat(v.met()).isTrue();
        assertThat(v.outcome()).isEqualTo("resolved");
    }

    @Test
    void aResolvedIncidentWhoseResourceStillReadsWrongDoesNotClose() {
        Closure.Verdict v = Closure.judge(outcome(incident(IncidentStatus.RESOLVED, Priority.P2, Response.APPROVAL,
                Instant.now(), Resolution.APPROVED, "Resolved"), execution(ExecutionStatus.SUCCEEDED), ANNOUNCED,
                List.of(), PUBLIC, false, false, List.of(), null), APPROVING);

        assertThat(v.met()).isFalse();
        assertThat(v.why()).contains("{\"acl\":\"public\"}").contains("{\"acl\":\"private\"}");
    }

    @Test
    void anAutomaticFixMustOfferAnUndoThatPutsBackTheFixesSnapshot() {
        Incident fixed = incident(IncidentStatus.RESOLVED, Priority.P1, Response.AUTO, Instant.now(),
                Resolution.AUTOMATIC, "Resolved");
        RunOutcome.Click undo = new RunOutcome.Click("undo", "U0ONCALL1", 200);

        Closure.Verdict noUndo = Closure.judge(outcome(fixed, execution(ExecutionStatus.SUCCEEDED), ANNOUNCED, List.of(),
                PRIVATE, true, false, List.of(), null), APPROVING);
        Closure.Verdict notRestored = Closure.judge(outcome(fixed, execution(ExecutionStatus.SUCCEEDED), ANNOUNCED,
                List.of(), PRIVATE, true, true, List.of(undo), PRIVATE), APPROVING);
        Closure.Verdict restored = Closure.judge(outcome(fixed, execution(ExecutionStatus.SUCCEEDED), ANNOUNCED,
                List.of(), PRIVATE, true, true, List.of(undo), PUBLIC), APPROVING);

        assertThat(noUndo.met()).isFalse();
        assertThat(noUndo.why()).contains("no Undo was offered");
        assertThat(notRestored.met()).isFalse();
        assertThat(restored.met()).isTrue();
        assertThat(restored.outcome()).isEqualTo("resolved, undone");
    }

    @Test
    void failedNeverClosesInTheEmulator() {
        Closure.Verdict v = Closure.judge(outcome(incident(IncidentStatus.FAILED, Priority.P1, Response.AUTO, null,
                Resolution.AUTOMATIC, "Playbook failed: no action for this"), execution(ExecutionStatus.FAILED),
                ANNOUNCED, List.of(), PUBLIC, true, false, List.of(), null), APPROVING);

        assertThat(v.met()).isFalse();
        assertThat(v.outcome()).isEqualTo("FAILED");
        assertThat(v.why()).contains("no action for this").contains("nobody was paged");
    }

    @Test
    void anIncidentNoPlaybookPickedUpIsNobodyTold() {
        Closure.Verdict v = Closure.judge(outcome(incident(IncidentStatus.OPEN, Priority.P2, Response.APPROVAL, null,
                null, "on-call must act"), null, List.of(), List.of(), PUBLIC, false, false, List.of(), null), APPROVING);

        assertThat(v.met()).isFalse();
        assertThat(v.outcome()).isEqualTo("nobody told");
    }

    @Test
    void anEscalationNeedsASlackAlertAndForP1OrP2APage() {
        Incident escalated = incident(IncidentStatus.ESCALATED, Priority.P1, Response.AUTO, null, Resolution.AUTOMATIC,
                "Trail deleted: recreate it");
        List<RunOutcome.SlackMessage> alerted = List.of(ANNOUNCED.get(0),
                new RunOutcome.SlackMessage("C1", "alert", ":warning: Portcullis alert for inc-1"));
        JsonNode page = Json.mapper().createObjectNode().put("incidentId", "inc-1");

        Closure.Verdict unpaged = Closure.judge(outcome(escalated, execution(ExecutionStatus.SUCCEEDED), alerted,
                List.of(), PUBLIC, true, false, List.of(), null), APPROVING);
        Closure.Verdict untold = Closure.judge(outcome(escalated, execution(ExecutionStatus.SUCCEEDED), ANNOUNCED,
                List.of(page), PUBLIC, true, false, List.of(), null), APPROVING);
        Closure.Verdict inFrontOfAPerson = Closure.judge(outcome(escalated, execution(ExecutionStatus.SUCCEEDED),
                alerted, List.of(page), PUBLIC, true, false, List.of(), null), APPROVING);

        assertThat(unpaged.met()).isFalse();
        assertThat(unpaged.why()).contains("no page");
        assertThat(untold.met()).isFalse();
        assertThat(untold.why()).contains("no Slack alert");
        assertThat(inFrontOfAPerson.met()).isTrue();
        assertThat(inFrontOfAPerson.outcome()).isEqualTo("escalated");
    }

    @Test
    void onlyP4EndsRecorded() {
        Closure.Verdict p4 = Closure.judge(outcome(incident(IncidentStatus.OPEN, Priority.P4, Response.RECORD, null,
                Resolution.RECORDED, "recorded"), null, List.of(), List.of(), PUBLIC, false, false, List.of(), null),
                APPROVING);
        Closure.Verdict p2 = Closure.judge(outcome(incident(IncidentStatus.OPEN, Priority.P2, Response.RECORD, null,
                Resolution.RECORDED, "recorded"), null, List.of(), List.of(), PUBLIC, false, false, List.of(), null),
                APPROVING);

        assertThat(p4.met()).isTrue();
        assertThat(p2.met()).isFalse();
    }

    @Test
    void waitingAtTheGateClosesOnlyWhenNobodyWasToAnswerIt() {
        Incident waiting = incident(IncidentStatus.AWAITING_APPROVAL, Priority.P2, Response.APPROVAL, null, null, "asked");
        List<RunOutcome.SlackMessage> asked = List.of(ANNOUNCED.get(0),
                new RunOutcome.SlackMessage("C0LOCALONCALL", "approval", "Approval needed"));

        Closure.Verdict left = Closure.judge(outcome(waiting, execution(ExecutionStatus.RUNNING), asked, List.of(), PUBLIC,
                false, false, List.of(), null), new Closure.Expectation(ScenarioRun.Decision.NONE, false));
        Closure.Verdict stuck = Closure.judge(outcome(waiting, execution(ExecutionStatus.RUNNING), asked, List.of(),
                PUBLIC, false, false, List.of(new RunOutcome.Click("approve", "U0ONCALL1", 403)), null), APPROVING);

        assertThat(left.met()).isTrue();
        assertThat(left.why()).contains("C0LOCALONCALL");
        assertThat(stuck.met()).isFalse();
    }

    @Test
    void aRejectionClosesWhenItWasAskedForAndNothingChanged() {
        Incident rejected = incident(IncidentStatus.REJECTED, Priority.P2, Response.APPROVAL, null, Resolution.REJECTED,
                "Rejected");
        Closure.Expectation rejecting = new Closure.Expectation(ScenarioRun.Decision.REJECT, false);

        assertThat(Closure.judge(outcome(rejected, execution(ExecutionStatus.SUCCEEDED), ANNOUNCED, List.of(), PUBLIC,
                false, false, List.of(), null), rejecting).met()).isTrue();
        assertThat(Closure.judge(outcome(rejected, execution(ExecutionStatus.SUCCEEDED), ANNOUNCED, List.of(), PRIVATE,
                false, false, List.of(), null), rejecting).met()).isFalse();
        assertThat(Closure.judge(outcome(rejected, execution(ExecutionStatus.SUCCEEDED), ANNOUNCED, List.of(), PUBLIC,
                false, false, List.of(), null), APPROVING).met()).isFalse();
    }
}
