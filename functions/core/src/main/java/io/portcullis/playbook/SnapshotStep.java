package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import java.util.Optional;

/** The snapshot step: records the resource's before-state, which remediate and Undo work from. */
record SnapshotStep(StepContext context) {

    StepOutcome run(StepRequest request, Incident incident) {
        Jurisdiction jurisdiction = context.jurisdiction();
        if (!jurisdiction.covers(incident.resource())) {
            // Nothing to read: this worker's role has no access there. The remediate steps hand it to a person.
            context.record(incident.incidentId(), null, request.step(), ACTOR, "No before-state recorded: "
                    + jurisdiction.outside(incident.resource()) + ".");
            return new StepOutcome.Done(Json.mapper().createObjectNode().put("outOfReach", true));
        }
        Optional<ResourceActions> a = context.actionsFor(incident);
        if (a.isEmpty()) {
            return new StepOutcome.Failed(StepOutcome.STEP_FAILED, "no remediation actions for "
                    + incident.resource().type());
        }
        ObjectNode before = a.get().snapshot(incident);
        context.record(incident.incidentId(), null, request.step(), ACTOR,
                "Recorded the before-state of " + incident.resource().id() + ".");
        return new StepOutcome.Done(before);
    }
}
