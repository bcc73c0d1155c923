package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;

/** The snapshot step: records the resource's before-state, which remediate and Undo work from. */
record SnapshotStep(StepContext context) {

    StepOutcome run(StepRequest request, Incident incident) {
        Reach.Result reach = context.reach(incident);
        if (reach instanceof Reach.Outside outside) {
            // Nothing to read: Portcullis cannot act there. The remediate steps hand it to a person.
            context.record(incident.incidentId(), null, request.step(), ACTOR, "No before-state recorded: "
                    + outside.why() + ".");
            return new StepOutcome.Done(Json.mapper().createObjectNode().put("outOfReach", true));
        }
        ObjectNode before = StepContext.handler((Reach.Within) reach, incident).snapshot(incident);
        context.record(incident.incidentId(), null, request.step(), ACTOR,
                "Recorded the before-state of " + incident.resource().id() + ".");
        return new StepOutcome.Done(before);
    }
}
