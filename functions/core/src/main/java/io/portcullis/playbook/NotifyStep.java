package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.notify.SlackThread;
import java.time.Instant;

/** The notify step: tells on-call in Slack what was found and what happens next, then the person who made the change. */
record NotifyStep(StepContext context, TellTheActor tellTheActor) {

    NotifyStep(StepContext context) {
        this(context, new TellTheActor(context.notifier, context.directory, io.portcullis.rule.Advice::defaults,
                context.clock));
    }

    StepOutcome run(StepRequest request, Incident incident) {
        TellTheActor.Found actor = tellTheActor.find(incident);
        SlackThread thread = context.notifier.announce(incident, next(context.dryRun(request, incident), incident),
                tellTheActor.forOnCall(incident, actor));
        Instant now = context.clock.instant();
        // Telling on-call is not an outcome: the incident's outcome stays what was found or done.
        Incident told = context.update(incident.incidentId(), i -> i.noted(new TimelineEntry(now, request.step(),
                ACTOR, "Told on-call in Slack (" + thread.channel() + ").")).acknowledged(now));
        // The person who made the change hears it after on-call, from the same step (once per incident).
        tellTheActor.tell(told, actor, thread, context.dryRun(request, incident), context.approvers().configured(),
                change -> context.update(incident.incidentId(), change));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("channel", thread.channel());
        out.put("ts", thread.ts());
        return new StepOutcome.Done(out);
    }

    /** What will happen and when, for the first message. */
    static String next(boolean dryRun, Incident incident) {
        String target = incident.resource().id();
        String dry = dryRun ? " Dry-run mode: nothing will be changed, only reported." : "";
        if (incident.status() == IncidentStatus.ESCALATED) {
            return "Portcullis could not put " + target + " right by itself and paged on-call: " + incident.outcome()
                    + (incident.remediatedAt() != null ? " What it could undo, it undid and verified; Undo below." : "");
        }
        return switch (incident.response()) {
            case AUTO -> (incident.remediatedAt() != null
                    ? "Portcullis removed the offending change on " + target + " and verified it is gone; Undo below."
                    : incident.verifiedAt() != null
                    // Events arrive out of order: someone had already taken the change back when the playbook ran.
                    ? "The offending change on " + target + " was already gone when Portcullis looked; nothing was"
                            + " changed."
                    : "Portcullis is removing the offending change on " + target + " now; Undo will be offered here.")
                    + dry;
            case APPROVAL -> "Waiting for on-call's approval before changing " + target + "." + dry;
            case SCHEDULED -> "The fix for " + target + " is scheduled for the next low-tide window." + dry;
            case RECORD -> "Recorded for the weekly report; nothing will be changed.";
        };
    }
}
