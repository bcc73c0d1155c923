package io.portcullis.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.portcullis.json.Json;
import io.portcullis.rule.AuditLoggingRule;
import io.portcullis.rule.Finding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code restore-trail-settings} puts back on a trail: exactly the fields its findings judged (their facts name
 * each field and the value the UpdateTrail set), each to the value the inventory saw before the change or, without a
 * record, to a flag's safe value (on). A destination has no safe value: without a record it is a person's to put back.
 *
 * <p>Settings are in the inventory's shape, e.g. {@code {"s3BucketName": "org-trail-logs", "s3KeyPrefix": null,
 * "isMultiRegionTrail": true, "includeGlobalServiceEvents": true, "logFileValidationEnabled": true}}.
 */
public final class TrailSettings {

    /** The findings whose fields this restores. */
    public static final List<String> FINDINGS = List.of(AuditLoggingRule.ID_NARROWED,
            AuditLoggingRule.ID_VALIDATION_OFF, AuditLoggingRule.ID_DESTINATION_CHANGED);

    /** A finding fact (the UpdateTrail parameter) → the trail field it sets, as the inventory and GetTrail name it. */
    private static final Map<String, String> FIELD_OF = Map.of(
            "isMultiRegionTrail", "isMultiRegionTrail",
            "includeGlobalServiceEvents", "includeGlobalServiceEvents",
            "enableLogFileValidation", "logFileValidationEnabled",
            "s3BucketName", "s3BucketName",
            "s3KeyPrefix", "s3KeyPrefix");

    private static final Map<String, String> WORDS = Map.of(
            "isMultiRegionTrail", "multi-region",
            "includeGlobalServiceEvents", "global-service events",
            "logFileValidationEnabled", "log file validation",
            "s3BucketName", "log bucket",
            "s3KeyPrefix", "log key prefix");

    private TrailSettings() {
    }

    /**
     * What the plan found.
     *
     * @param before  the live value of each field to change (what Undo puts back)
     * @param after   the value to write to each field
     * @param moved   fields whose live value is neither what the change set nor what would be put back: somebody
     *                changed the trail since, and acting would overwrite what nobody judged
     * @param unknown fields still as the change set them, with nothing known to put back (a destination without a
     *                record)
     */
    public record Plan(ObjectNode before, ObjectNode after, List<String> moved, List<String> unknown) {

        public boolean changesNothing() {
            return after.isEmpty();
        }
    }

    /** Each trail field the findings judged, with the value the change set (the last finding's, if two name one). */
    public static Map<String, JsonNode> judged(List<Finding> findings) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Finding f : findings) {
            if (FINDINGS.stream().noneMatch(f::remediates)) {
                continue;
            }
            f.facts().forEach((fact, value) -> {
                String field = FIELD_OF.get(fact);
                if (field != null) {
                    out.put(field, flag(field) ? BooleanNode.valueOf(Boolean.parseBoolean(value)) : TextNode.valueOf(value));
                }
            });
        }
        return out;
    }

    /**
     * @param judged each field the findings judged, with the value the change set
     * @param live   the trail's settings now
     * @param record what the inventory saw before the change, if it saw anything
     */
    public static Plan plan(Map<String, JsonNode> judged, JsonNode live, Optional<JsonNode> record) {
        ObjectNode before = Json.mapper().createObjectNode();
        ObjectNode after = Json.mapper().createObjectNode();
        List<String> moved = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        judged.forEach((field, set) -> {
            JsonNode now = value(live, field);
            Optional<JsonNode> target = record.filter(r -> r.has(field)).map(r -> value(r, field))
                    .or(() -> flag(field) ? Optional.of(BooleanNode.TRUE) : Optional.empty());
            if (target.isPresent() && same(now, target.get())) {
                return;
            }
            if (!same(now, set)) {
                moved.add(field);
            } else if (target.isEmpty()) {
                unknown.add(field);
            } else {
                before.set(field, now);
                after.set(field, target.get());
            }
        });
        return new Plan(before, after, moved, unknown);
    }

    /** {@code multi-region (false → true), log bucket (attacker-logs → org-trail-logs)}. */
    public static String describeChange(JsonNode from, JsonNode to) {
        List<String> parts = new ArrayList<>();
        to.properties().forEach(e -> parts.add(WORDS.getOrDefault(e.getKey(), e.getKey()) + " ("
                + show(from.path(e.getKey())) + " → " + show(e.getValue()) + ")"));
        return String.join(", ", parts);
    }

    public static String words(List<String> fields) {
        return String.join(", ", fields.stream().map(f -> WORDS.getOrDefault(f, f)).toList());
    }

    private static String show(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() || (v.isTextual() && v.asText().isEmpty()) ? "none"
                : v.asText();
    }

    public static boolean flag(String field) {
        return field.equals("isMultiRegionTrail") || field.equals("includeGlobalServiceEvents")
                || field.equals("logFileValidationEnabled");
    }

    /** A field's value, with "no prefix" one value whether it reads as missing, null or empty. */
    private static JsonNode value(JsonNode settings, String field) {
        JsonNode v = settings.path(field);
        if (flag(field)) {
            return BooleanNode.valueOf(v.asBoolean(false));
        }
        return v.isTextual() && !v.asText().isEmpty() ? v : NullNode.getInstance();
    }

    private static boolean same(JsonNode a, JsonNode b) {
        return a.equals(b) || (isNone(a) && isNone(b));
    }

    private static boolean isNone(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() || (v.isTextual() && v.asText().isEmpty());
    }
}
