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
    /** How far the execution's gate timer may run ahead of the approval's recorded expiry. */
    static final Duration TIMER_SKEW = Duration.ofMinutes(5);

    StepOutcome rejected(StepRequest request, Incident incident) {
        // Who rejected and why come from the decided approval record only: the failure's Cause carries them too, but
        // anyone who can write a message could write those.
        JsonNode cause = StepContext.parse(request.body().path("error").path("Cause").asText(""));
        Optional<Approval> decision = Decisions.of(context, incident, cause.path("approvalId").asText(null),
                ApprovalStatus.REJECTED);
        if (decision.isEmpty()) {
            String why = "no REJECTED approval of " + incident.incidentId() + " is in the approvals table";
            context.record(incident.incidentId(), null, request.step(), ACTOR, "Refused to record a rejection: " + why
                    + ". Nothing was recorded as an exception.");
            return new StepOutcome.Failed(StepOutcome.REFUSED, "rejection refused: " + why);
        }
        String by = decision.get().decidedBy();
        String reason = Optional.ofNullable(decision.get().reason()).orElse("no reason given");
        Instant now = context.clock.instant();
        Instant until = now.plus(EXCEPTION_FOR);
        String rules = String.join(", ", incident.findings().stream().map(f -> f.ruleId()).distinct().toList());
        String text = "Rejected by " + by + ": " + reason + ". Recorded as an exception for " + rules + " on "
                + incident.resource().id() + " (owner " + by + ") until " + until.truncatedTo(ChronoUnit.SECONDS)
                + "; nothing was changed.";
        PolicyException exception = new PolicyException(rules, incident.resource().id(), null, null, List.of(), by,
                reason, LocalDate.ofInstant(until, ZoneOffset.UTC), "Slack rejection of " + incident.incidentId());
        context.update(incident.incidentId(), i -> i.next(IncidentStatus.REJECTED, new TimelineEntry(now, "exception",
                "slack:" + by, text)).decided(Resolution.REJECTED, decision.get().decidedAt())
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
        // A gate times out only if there is one: a pending approval of this incident past (or within a few minutes of,
        // the execution's timer and this clock differ) its expiry, or one already closed as expired.
        Optional<Approval> pending = context.approvals.pendingFor(incident.incidentId());
        boolean due = pending.map(a -> !a.expiresAt().isAfter(now.plus(TIMER_SKEW))).orElse(false)
                || Decisions.of(context, incident, null, ApprovalStatus.EXPIRED).isPresent();
        if (!due) {
            String why = pending.map(a -> "approval " + a.approvalId() + " of " + incident.incidentId()
                    + " is open until " + a.expiresAt()).orElse("no approval of " + incident.incidentId()
                    + " is waiting in the approvals table");
            context.record(incident.incidentId(), null, request.step(), ACTOR, "Refused a time-out: " + why + ".");
            return new StepOutcome.Failed(StepOutcome.REFUSED, "time-out refused: " + why);
        }
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
