package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.exception.PolicyException;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.Resolution;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.notify.SlackThread;
import io.portcullis.safeguard.Pager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * How a playbook ends without a fix: rejected in Slack (recorded as an exception), the gate timed out, escalated or
 * aborted on that time-out, or failed.
 */
record EndingSteps(StepContext context, OnCall onCall) {

    /** How long a rejection's exception lasts. */
    static final Duration EXCEPTION_FOR = Duration.ofDays(30);

    StepOutcome rejected(StepRequest request, Incident incident) {
        // The decision as the interaction endpoint wrote it (the failure's Cause carries it too, but is not relied on).
        Optional<Approval> decision = context.approvals.ofIncident(incident.incidentId()).stream()
                .filter(a -> !a.isUndo() && a.status() == ApprovalStatus.REJECTED)
                .max(java.util.Comparator.comparing(Approval::decidedAt));
        JsonNode cause = StepContext.parse(request.body().path("error").path("Cause").asText(""));
        String by = decision.map(Approval::decidedBy).orElse(cause.path("by").asText("on-call"));
        String reason = decision.map(Approval::reason).orElse(cause.path("reason").asText("no reason given"));
        Instant now = context.clock.instant();
        Instant until = now.plus(EXCEPTION_FOR);
        String rules = String.join(", ", incident.findings().stream().map(f -> f.ruleId()).distinct().toList());
        String text = "Rejected by " + by + ": " + reason + ". Recorded as an exception for " + rules + " on "
                + incident.resource().id() + " (owner " + by + ") until " + until.truncatedTo(ChronoUnit.SECONDS)
                + "; nothing was changed.";
        PolicyException exception = new PolicyException(rules, incident.resource().id(), null, null, List.of(), by,
                reason, LocalDate.ofInstant(until, ZoneOffset.UTC), "Slack rejection of " + incident.incidentId());
        context.update(incident.incidentId(), i -> i.next(IncidentStatus.REJECTED, new TimelineEntry(now, "exception",
                "slack:" + by, text)).decided(Resolution.REJECTED, decision.map(Approval::decidedAt).orElse(now))
                .withAcceptedRisk(exception));
        request.slack().ifPresent(t -> context.notifier.reply(t, text));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("exceptionUntil", until.truncatedTo(ChronoUnit.SECONDS).toString());
        out.put("owner", by);
        return new StepOutcome.Done(out);
    }

    StepOutcome timedOut(StepRequest request, Incident incident) {
        String onTimeout = Optional.ofNullable(request.text("onTimeout")).orElse("escalate");
        Instant now = context.clock.instant();
        String text = "Nobody decided in time; the protocol's timeout action: " + onTimeout + ".";
        context.approvals.pendingFor(incident.incidentId()).ifPresent(a -> {
            if (context.approvals.decide(a.decided(ApprovalStatus.EXPIRED, null, now, "timed out"))
                    && a.channel() != null) {
                context.notifier.decided(new SlackThread(a.channel(), a.messageTs()), "Timed out at "
                        + now.truncatedTo(ChronoUnit.SECONDS) + ". " + text);
            }
        });
        context.update(incident.incidentId(), i -> i.next(IncidentStatus.OPEN, new TimelineEntry(now, request.step(),
                ACTOR, text)).decided(Resolution.TIMED_OUT, now));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("onTimeout", onTimeout);
        return new StepOutcome.Done(out);
    }

    StepOutcome escalate(StepRequest request, Incident incident) {
        String text = "Nobody approved in time: escalated. The change on " + incident.resource().id()
                + " is still in place; a person must decide.";
        context.record(incident.incidentId(), IncidentStatus.ESCALATED, request.step(), ACTOR, text);
        context.notifier.alert(request.slack().orElse(null), incident, text);
        onCall.page(incident, Pager.ESCALATED, text, context.clock.instant());
        return new StepOutcome.Done(Json.mapper().createObjectNode().put("escalated", true));
    }

    StepOutcome abort(StepRequest request, Incident incident) {
        String text = "Nobody approved in time: aborted, nothing was changed on " + incident.resource().id() + ".";
        context.record(incident.incidentId(), IncidentStatus.ABORTED, request.step(), ACTOR, text);
        request.slack().ifPresent(t -> context.notifier.reply(t, text));
        return new StepOutcome.Done(Json.mapper().createObjectNode().put("aborted", true));
    }

    StepOutcome fail(StepRequest request, Incident incident) {
        JsonNode error = request.body().path("error");
        String cause = error.path("Error").asText("unknown error") + ": " + error.path("Cause").asText("");
        String text = "Playbook " + request.playbook() + " failed: " + cause + " A person must look; nothing more will"
                + " be done automatically.";
        context.record(incident.incidentId(), IncidentStatus.FAILED, "failed", ACTOR, text);
        context.notifier.alert(request.slack().orElse(null), incident, text);
        onCall.page(incident, Pager.PLAYBOOK_FAILED, text, context.clock.instant());
        return new StepOutcome.Done(Json.mapper().createObjectNode().put("failed", true));
    }
}
