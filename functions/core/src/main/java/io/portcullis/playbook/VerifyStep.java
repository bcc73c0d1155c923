package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import java.time.Instant;
import java.util.Optional;

/** The verify step: re-reads the resource and says whether the offending change is gone. */
record VerifyStep(StepContext context) {

    StepOutcome run(StepRequest request, Incident incident) {
        ObjectNode out = Json.mapper().createObjectNode();
        if (context.dryRun(request, incident)) {
            out.put("verified", false);
            context.record(incident.incidentId(), null, request.step(), ACTOR,
                    "Dry-run: nothing was changed, nothing to verify.");
            return new StepOutcome.Done(out);
        }
        Reach.Result reach = context.reach(incident);
        if (reach instanceof Reach.Outside outside) {
            out.put("verified", false);
            context.record(incident.incidentId(), null, request.step(), ACTOR, "Not verified: " + outside.why()
                    + "; a person was asked to act.");
            return new StepOutcome.Done(out);
        }
        Optional<String> wrong = StepContext.handler((Reach.Within) reach, incident).stillWrong(incident);
        Instant now = context.clock.instant();
        if (wrong.isPresent() && incident.status() == IncidentStatus.ESCALATED) {
            // A person was asked to act on what no action could change: what is still wrong is theirs to put right.
            out.put("verified", false);
            context.record(incident.incidentId(), null, request.step(), ACTOR, "Re-read " + incident.resource().id()
                    + ": " + wrong.get() + " Waiting for the person on-call was asked to act.");
            return new StepOutcome.Done(out);
        }
        if (wrong.isPresent()) {
            context.record(incident.incidentId(), null, request.step(), ACTOR,
                    "Verification failed: " + wrong.get() + ".");
            return new StepOutcome.Failed(StepOutcome.VERIFY_FAILED, wrong.get());
        }
        context.update(incident.incidentId(), i -> i.next(i.status(), new TimelineEntry(now, request.step(), ACTOR,
                        i.remediatedAt() == null && i.revokedRules().isEmpty()
                                ? "Re-read " + i.resource().id() + ": the offending change is not there (it was gone"
                                        + " before Portcullis acted); Portcullis changed nothing."
                                : "Re-read " + i.resource().id() + ": the offending change is gone; nothing else was"
                                        + " touched."))
                .withRemediation(i.revokedRules(), i.remediatedAt(), now, i.resolvedAt()));
        out.put("verified", true);
        return new StepOutcome.Done(out);
    }
}
