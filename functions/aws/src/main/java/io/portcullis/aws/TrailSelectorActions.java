package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.audit.TrailSelectors;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.rule.AuditLoggingRule;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

/**
 * {@code restore-event-selectors}: a trail left without management events gets back the selectors the inventory saw
 * before the change, in their form (basic or advanced); without a record, its data-event selectors are kept and one
 * that records every management event (read and write) is added, in the form the trail uses. Refuses when the
 * selectors changed again after the snapshot. Undo: the selectors the fix replaced, while the trail still has the ones
 * it wrote.
 */
final class TrailSelectorActions {

    private final TrailState trails;
    private final LastKnownConfigurations inventory;

    TrailSelectorActions(Function<ResourceRef, CloudTrailClient> client, LastKnownConfigurations inventory) {
        this.trails = new TrailState(client);
        this.inventory = inventory;
    }

    static boolean applies(Incident incident) {
        return incident.findings().stream().anyMatch(f -> f.remediates(AuditLoggingRule.ID_EMPTIED));
    }

    ActionResult restore(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (!applies(incident)) {
            return ActionResult.nothingToDo("No finding of this incident is about the event selectors of trail "
                    + r.id() + ", so they are left as they are.");
        }
        ObjectNode live = trails.selectors(r);
        if (TrailSelectors.recordsManagementWrites(live)) {
            return ActionResult.nothingToDo("Trail " + r.id() + " records management events again ("
                    + TrailSelectors.describe(live) + ").");
        }
        if (snapshot != null && snapshot.has("selectors") && !TrailSelectors.same(live, snapshot.get("selectors"))) {
            return ActionResult.refused("The event selectors of trail " + r.id() + " changed again after the incident's"
                    + " snapshot (now " + TrailSelectors.describe(live) + "); somebody changed them since, so they are"
                    + " left as they are.");
        }
        Optional<JsonNode> record = inventory.before(r, incident.eventTime()).map(KnownConfiguration::configuration)
                .filter(c -> !TrailSelectors.normalised(c).isEmpty() && TrailSelectors.recordsManagementWrites(c));
        ObjectNode target = record.map(TrailSelectors::normalised).orElseGet(() -> TrailSelectors.withManagementEvents(live));
        String what = record.isPresent()
                ? "the event selectors of trail " + r.id() + " back as the inventory saw them ("
                        + TrailSelectors.describe(target) + ")"
                : "a selector that records every management event to trail " + r.id() + ", keeping its "
                        + TrailSelectors.describe(live) + " (Portcullis' inventory has no record of its selectors from"
                        + " before the change)";
        String verb = record.isPresent() ? "put" : "add";
        if (dryRun) {
            return ActionResult.wouldChange("Dry-run: would " + verb + " " + what + ".");
        }
        trails.putSelectors(r, target);
        ObjectNode undo = Json.mapper().createObjectNode().put("trail", r.arn());
        undo.set("before", live);
        undo.set("after", target);
        return ActionResult.changed((record.isPresent() ? "Put " : "Added ") + what + ".", undo);
    }

    Optional<String> stillWrong(Incident incident) {
        ObjectNode live = trails.selectors(incident.resource());
        return TrailSelectors.recordsManagementWrites(live) ? Optional.empty()
                : Optional.of("trail " + incident.resource().id() + " still records no management write events ("
                        + TrailSelectors.describe(live) + ")");
    }

    ActionResult undo(Incident incident, JsonNode undo) {
        ResourceRef r = incident.resource();
        ObjectNode live = trails.selectors(r);
        JsonNode before = undo.path("before");
        if (TrailSelectors.same(live, before)) {
            return ActionResult.nothingToDo("Trail " + r.id() + " already has the event selectors it had before the"
                    + " fix.");
        }
        if (!TrailSelectors.same(live, undo.path("after"))) {
            return ActionResult.refused("The event selectors of trail " + r.id() + " changed since the fix (now "
                    + TrailSelectors.describe(live) + "), so they are left as they are.");
        }
        if (TrailSelectors.normalised(before).isEmpty()) {
            return ActionResult.refused("Trail " + r.id() + " had no event selectors before the fix, and CloudTrail"
                    + " takes no empty list; its selectors are left as the fix wrote them.");
        }
        trails.putSelectors(r, before);
        return ActionResult.changed("Put the event selectors of trail " + r.id() + " back as they were before the fix ("
                + TrailSelectors.describe(before) + ").");
    }
}
