package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.safeguard.Pager;
import java.time.Instant;
import java.util.Optional;

/** Putting an incident in front of a person: escalated, alerted in Slack, paged. */
record OnCall(StepContext context) {

    /** The worker's own logger, as before the steps left it: what on-call reads in the logs stays the same. */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.portcullis.playbook.PlaybookWorker");

    /** A page the detector raised about this incident (the blast-radius breaker opened), posted to on-call once. */
    StepOutcome page(StepRequest request, Incident incident) {
        String kind = Optional.ofNullable(request.text("kind")).orElse(StepRequest.PAGE);
        String text = Optional.ofNullable(request.text("text")).orElse("");
        if (incident.timeline().stream().anyMatch(t -> t.step().equals("paged") && t.detail().startsWith(kind + ":"))) {
            return new StepOutcome.Finished("on-call was already paged (" + kind + ")");
        }
        context.notifier.alert(null, incident, text);
        context.record(incident.incidentId(), null, "paged", ACTOR, kind + ": " + text);
        return new StepOutcome.Finished("paged on-call (" + kind + ")");
    }

    /**
     * No action can safely put this right: the incident goes in front of a person — escalated, on-call told in Slack
     * what happened and exactly what to do, and paged. Once per incident: a second step that also needs a person only
     * adds its words to the timeline and the thread.
     */
    StepOutcome needsPerson(StepRequest request, Incident incident, String whatToDo) {
        Instant now = context.clock.instant();
        boolean first = incident.status() != IncidentStatus.ESCALATED;
        String text = "A person must act on " + incident.resource().id() + " (" + incident.priority() + "): "
                + whatToDo;
        context.update(incident.incidentId(), i -> i.next(IncidentStatus.ESCALATED, new TimelineEntry(now,
                request.step(), ACTOR, "Escalated to a person: " + whatToDo)));
        if (first) {
            context.notifier.alert(request.slack().orElse(null), incident, text);
            page(incident, Pager.NEEDS_PERSON, text, now);
        } else {
            request.slack().ifPresent(t -> context.notifier.reply(t, whatToDo));
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("result", "needs-person");
        out.put("detail", whatToDo);
        return new StepOutcome.Done(out);
    }

    /** A page about one incident; a page that cannot go out is logged, the Slack alert has been sent anyway. */
    void page(Incident incident, String kind, String text, Instant now) {
        try {
            context.pager().page(new Pager.Page(kind, incident.resource().account(), incident.incidentId(), text, now));
            context.record(incident.incidentId(), null, "paged", ACTOR, kind + ": " + text);
        } catch (RuntimeException e) {
            LOG.error("Could not page on-call about incident {} ({}): {}", incident.incidentId(), kind, e.toString());
        }
    }
}
