package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.audit.TrailSettings;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.UpdateTrailRequest;

/**
 * {@code restore-trail-settings}: one {@code UpdateTrail} that puts back exactly the fields the incident's findings
 * judged ({@link TrailSettings}), as the inventory saw the trail before the change; without a record, the flags go
 * back on and the bucket goes to a person (it cannot be guessed). Refuses when the live trail no longer has what the
 * findings judged. Undo: one {@code UpdateTrail} back to the values the fix replaced, while the trail still has what
 * the fix wrote.
 */
final class TrailSettingsActions {

    private final Function<ResourceRef, CloudTrailClient> client;
    private final TrailState trails;
    private final LastKnownConfigurations inventory;

    TrailSettingsActions(Function<ResourceRef, CloudTrailClient> client, LastKnownConfigurations inventory) {
        this.client = client;
        this.trails = new TrailState(client);
        this.inventory = inventory;
    }

    ActionResult restore(Incident incident, boolean dryRun) {
        ResourceRef r = incident.resource();
        Map<String, JsonNode> judged = TrailSettings.judged(incident.findings());
        if (judged.isEmpty()) {
            return ActionResult.nothingToDo("No finding of this incident is about the settings of trail " + r.id()
                    + ", so they are left as they are.");
        }
        ObjectNode live = trails.settings(r);
        Optional<KnownConfiguration> record = inventory.before(r, incident.eventTime());
        TrailSettings.Plan plan = TrailSettings.plan(judged, live, record.map(KnownConfiguration::configuration));
        if (!plan.moved().isEmpty()) {
            return ActionResult.refused("The " + TrailSettings.words(plan.moved()) + " of trail " + r.id()
                    + " changed again since the change was judged (now " + values(live, plan.moved()) + "); somebody"
                    + " changed the trail since, so it is left as it is.");
        }
        String person = plan.unknown().isEmpty() ? null : personText(r, live, plan);
        if (plan.changesNothing()) {
            return person != null ? ActionResult.needsPerson(person)
                    : ActionResult.nothingToDo("The settings of trail " + r.id() + " that were judged are already as"
                            + " they were before the change.");
        }
        String what = TrailSettings.describeChange(plan.before(), plan.after()) + " on trail " + r.id()
                + (record.isPresent() ? ", as the inventory saw it " + record.get().since() : ", the safe value (Portcullis'"
                + " inventory has no record of the trail from before the change)");
        if (dryRun) {
            return ActionResult.wouldChange("Dry-run: would put back " + what + "."
                    + (person == null ? "" : " A person would be asked: " + person));
        }
        update(r, plan.after());
        ObjectNode undo = Json.mapper().createObjectNode().put("trail", r.arn());
        undo.set("before", plan.before());
        undo.set("after", plan.after());
        String done = "Put back " + what + ".";
        return person == null ? ActionResult.changed(done, undo) : ActionResult.changedAndNeedsPerson(done, undo, person);
    }

    /** The fields still as the change set them with nothing to put back, or still to put back. */
    Optional<String> stillWrong(Incident incident) {
        ResourceRef r = incident.resource();
        Map<String, JsonNode> judged = TrailSettings.judged(incident.findings());
        if (judged.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode live = trails.settings(r);
        TrailSettings.Plan plan = TrailSettings.plan(judged, live, inventory.before(r, incident.eventTime())
                .map(KnownConfiguration::configuration));
        if (plan.changesNothing() && plan.unknown().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("trail " + r.id() + " still has the " + TrailSettings.words(
                java.util.stream.Stream.concat(plan.after().properties().stream().map(Map.Entry::getKey),
                        plan.unknown().stream()).toList()) + " the change set");
    }

    ActionResult undo(Incident incident, JsonNode undo) {
        ResourceRef r = incident.resource();
        JsonNode before = undo.path("before");
        JsonNode after = undo.path("after");
        ObjectNode live = trails.settings(r);
        java.util.List<String> fields = new java.util.ArrayList<>();
        after.fieldNames().forEachRemaining(fields::add);
        if (fields.stream().allMatch(f -> same(live.path(f), before.path(f)))) {
            return ActionResult.nothingToDo("Trail " + r.id() + " already has the " + TrailSettings.words(fields)
                    + " it had before the fix.");
        }
        java.util.List<String> moved = fields.stream().filter(f -> !same(live.path(f), after.path(f))).toList();
        if (!moved.isEmpty()) {
            return ActionResult.refused("The " + TrailSettings.words(moved) + " of trail " + r.id() + " changed since"
                    + " the fix (now " + values(live, moved) + "), so it is left as it is.");
        }
        update(r, (ObjectNode) before);
        return ActionResult.changed("Put back " + TrailSettings.describeChange(after, before) + " on trail " + r.id()
                + ", as it was before the fix.");
    }

    /** One UpdateTrail naming only these fields; a key prefix put back to none is written as an empty prefix. */
    private void update(ResourceRef r, ObjectNode fields) {
        UpdateTrailRequest.Builder u = UpdateTrailRequest.builder().name(r.arn());
        fields.properties().forEach(e -> {
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "isMultiRegionTrail" -> u.isMultiRegionTrail(v.asBoolean());
                case "includeGlobalServiceEvents" -> u.includeGlobalServiceEvents(v.asBoolean());
                case "logFileValidationEnabled" -> u.enableLogFileValidation(v.asBoolean());
                case "s3BucketName" -> u.s3BucketName(v.asText());
                case "s3KeyPrefix" -> u.s3KeyPrefix(v.isNull() ? "" : v.asText());
                default -> throw new IllegalArgumentException("restore-trail-settings does not write " + e.getKey());
            }
        });
        client.apply(r).updateTrail(u.build());
    }

    private static String personText(ResourceRef r, ObjectNode live, TrailSettings.Plan plan) {
        return "Trail " + r.id() + " now delivers its logs to bucket " + live.path("s3BucketName").asText()
                + (live.path("s3KeyPrefix").isTextual() && !live.path("s3KeyPrefix").asText().isEmpty()
                ? "/" + live.path("s3KeyPrefix").asText() : "") + ", and Portcullis' inventory has no record of where"
                + " they went before (the " + TrailSettings.words(plan.unknown()) + " cannot be guessed). Point it back"
                + " at your log-archive bucket (aws cloudtrail update-trail --name " + r.arn() + " --s3-bucket-name"
                + " <log-archive bucket>), and check what was written to " + live.path("s3BucketName").asText()
                + " and who can read it.";
    }

    private static String values(JsonNode live, java.util.List<String> fields) {
        return String.join(", ", fields.stream().map(f -> f + " " + (live.path(f).isNull() || live.path(f).isMissingNode()
                ? "none" : live.path(f).asText())).toList());
    }

    private static boolean same(JsonNode a, JsonNode b) {
        return a.equals(b) || (none(a) && none(b));
    }

    private static boolean none(JsonNode v) {
        return v.isNull() || v.isMissingNode() || (v.isTextual() && v.asText().isEmpty());
    }
}
