package io.portcullis.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.rule.Finding;
import java.util.Optional;

/**
 * The last resort for a resource no registered action handles (e.g. an AWS Config verdict about the account as a
 * whole): nothing is changed, and every remediate step hands the incident to a person with what the findings say.
 * "No action for this" is never how an incident ends.
 */
final class PersonOnlyActions implements ResourceActions {

    @Override
    public boolean handles(Incident incident) {
        return true;
    }

    @Override
    public ObjectNode snapshot(Incident incident) {
        return Json.mapper().createObjectNode().put("recorded", false)
                .put("why", "no registered action reads " + incident.resource().type());
    }

    @Override
    public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
        String said = incident.findings().stream().map(Finding::explanation).distinct()
                .reduce((a, b) -> a + " " + b).orElse("");
        return ActionResult.needsPerson("Portcullis has no automatic fix for " + incident.resource().type() + " "
                + incident.resource().id() + ". " + said);
    }

    @Override
    public Optional<String> stillWrong(Incident incident) {
        return Optional.of("nothing was changed automatically");
    }

    @Override
    public ActionResult undo(RemediationAction action, Incident incident, JsonNode undo) {
        return ActionResult.nothingToDo("Nothing was changed on " + incident.resource().id() + ".");
    }
}
