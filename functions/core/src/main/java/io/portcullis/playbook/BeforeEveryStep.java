package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.Resolution;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.safeguard.KillSwitch;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** What the worker does before any step: carry an approval decision on, and obey the kill switch. */
record BeforeEveryStep(StepContext context) {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.portcullis.playbook.PlaybookWorker");

    /** The incident as the step should see it. */
    Incident prepare(StepRequest request, Incident incident) {
        return obeyKillSwitch(request, recordDecision(request, incident));
    }

    /**
     * The first step after an approval records who approved and when (the interaction endpoint only writes the
     * approval; the execution carries the decision on). Who and when come from the decided approval record, never from
     * the message: without an APPROVED record of this incident nothing is recorded.
     */
    private Incident recordDecision(StepRequest request, Incident incident) {
        JsonNode decision = request.body().path("decision");
        if (!"approved".equals(decision.path("decision").asText())
                || incident.timeline().stream().anyMatch(t -> t.step().equals("approved"))) {
            return incident;
        }
        Optional<Approval> approved = Decisions.of(context, incident, decision.path("approvalId").asText(null),
                ApprovalStatus.APPROVED);
        if (approved.isEmpty()) {
            LOG.error("Step {} of incident {} carries an approval, but no APPROVED approval of the incident is in the"
                    + " approvals table: not recorded", request.step(), incident.incidentId());
            return incident;
        }
        String by = approved.get().decidedBy();
        Instant at = approved.get().decidedAt();
        return context.update(incident.incidentId(), i -> i.next(IncidentStatus.OPEN, new TimelineEntry(at, "approved",
                "slack:" + by, "Approved in Slack by " + by + " at " + at.truncatedTo(ChronoUnit.SECONDS) + "."))
                .decided(Resolution.APPROVED, at));
    }

    /**
     * With the kill switch at dry-run (or unreadable), an incident whose playbook has changed nothing yet turns
     * dry-run for good: every later step reads the incident's mode, so remediate, verify and resolve agree. One that
     * already changed the resource finishes what it started. Undo is a person's decision and is not held back.
     */
    private Incident obeyKillSwitch(StepRequest request, Incident incident) {
        if ("undo".equals(request.type()) || StepRequest.PAGE.equals(request.type())) {
            return incident;
        }
        // Read at every step, even of a dry-run incident: an unreadable switch raises the alarm from here too.
        KillSwitch.Position position = context.killSwitch().position(incident.resource().account());
        if (position.mode() != RemediationMode.DRY_RUN || incident.mode() == RemediationMode.DRY_RUN
                || context.mode == RemediationMode.DRY_RUN || incident.remediatedAt() != null
                || incident.status().isFinal()) {
            return incident;
        }
        Instant now = context.clock.instant();
        return context.update(incident.incidentId(), i -> i.mode() == RemediationMode.DRY_RUN
                || i.remediatedAt() != null ? i
                : i.withMode(RemediationMode.DRY_RUN).next(i.status(), new TimelineEntry(now, "kill-switch", ACTOR,
                        "Dry-run from here on: " + position.reason() + ". Nothing will be changed.")));
    }
}
