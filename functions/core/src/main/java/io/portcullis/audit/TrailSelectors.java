package io.portcullis.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import io.portcullis.rule.AuditLoggingRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A trail's event selectors, in the shape the inventory records and CloudTrail's events carry them:
 * {@code {"eventSelectors": [{"readWriteType", "includeManagementEvents", "dataResources": [{"type", "values"}],
 * "excludeManagementEventSources"}]}} or {@code {"advancedEventSelectors": [{"name", "fieldSelectors": [{"field",
 * "equals", "startsWith", …}]}]}}. A trail uses one form or the other: the form with entries is the one in force
 * (CloudTrail replaces one with the other; an emulator may keep the stale one, which is ignored).
 */
public final class TrailSelectors {

    static final List<String> OPERATORS = List.of("equals", "startsWith", "endsWith", "notEquals", "notStartsWith",
            "notEndsWith");

    private TrailSelectors() {
    }

    /**
     * The selectors in force, with CloudTrail's defaults written out (read/write All, management events included, no
     * data resources) and each advanced selector's field selectors in field order, so two reads of the same selectors
     * are equal however they were written. {@code {}} when there are none.
     */
    public static ObjectNode normalised(JsonNode selectors) {
        ObjectNode out = Json.mapper().createObjectNode();
        JsonNode basic = selectors.path("eventSelectors");
        JsonNode advanced = selectors.path("advancedEventSelectors");
        if (basic.isArray() && !basic.isEmpty()) {
            ArrayNode list = out.putArray("eventSelectors");
            for (JsonNode s : basic) {
                ObjectNode n = list.addObject();
                n.put("readWriteType", s.path("readWriteType").asText("All"));
                n.put("includeManagementEvents", s.path("includeManagementEvents").asBoolean(true));
                ArrayNode resources = n.putArray("dataResources");
                for (JsonNode d : s.path("dataResources")) {
                    ObjectNode r = resources.addObject().put("type", d.path("type").asText());
                    ArrayNode values = r.putArray("values");
                    d.path("values").forEach(v -> values.add(v.asText()));
                }
                ArrayNode excluded = n.putArray("excludeManagementEventSources");
                s.path("excludeManagementEventSources").forEach(v -> excluded.add(v.asText()));
            }
        } else if (advanced.isArray() && !advanced.isEmpty()) {
            ArrayNode list = out.putArray("advancedEventSelectors");
            for (JsonNode s : advanced) {
                ObjectNode n = list.addObject();
                if (s.path("name").isTextual() && !s.path("name").asText().isEmpty()) {
                    n.put("name", s.path("name").asText());
                }
                List<JsonNode> fields = new ArrayList<>();
                s.path("fieldSelectors").forEach(fields::add);
                fields.sort(Comparator.comparing(f -> f.path("field").asText()));
                ArrayNode fieldSelectors = n.putArray("fieldSelectors");
                for (JsonNode f : fields) {
                    ObjectNode fs = fieldSelectors.addObject().put("field", f.path("field").asText());
                    for (String op : OPERATORS) {
                        if (f.path(op).isArray() && !f.path(op).isEmpty()) {
                            ArrayNode values = fs.putArray(op);
                            f.path(op).forEach(v -> values.add(v.asText()));
                        }
                    }
                }
            }
        }
        return out;
    }

    public static boolean same(JsonNode a, JsonNode b) {
        return normalised(a).equals(normalised(b));
    }

    public static boolean advanced(JsonNode selectors) {
        return normalised(selectors).has("advancedEventSelectors");
    }

    /**
     * Whether a selector records management write events. No selectors at all reads as CloudTrail's default for a
     * trail, which records every management event.
     */
    public static boolean recordsManagementWrites(JsonNode selectors) {
        return !AuditLoggingRule.managementEventsOff(normalised(selectors));
    }

    /**
     * The selectors with one added that records every management event (read and write), in the form the trail
     * uses; every selector already there (the data events) is kept as it is.
     */
    public static ObjectNode withManagementEvents(JsonNode selectors) {
        ObjectNode out = normalised(selectors);
        if (out.has("advancedEventSelectors")) {
            ObjectNode s = ((ArrayNode) out.get("advancedEventSelectors")).addObject()
                    .put("name", "Management events (restored by Portcullis)");
            s.putArray("fieldSelectors").addObject().put("field", "eventCategory").putArray("equals").add("Management");
            return out;
        }
        ArrayNode basic = out.has("eventSelectors") ? (ArrayNode) out.get("eventSelectors") : out.putArray("eventSelectors");
        ObjectNode s = basic.addObject().put("readWriteType", "All").put("includeManagementEvents", true);
        s.putArray("dataResources");
        s.putArray("excludeManagementEventSources");
        return out;
    }

    /** In words, e.g. {@code 2 basic selectors} or {@code 1 advanced selector ("Log S3 data events")}. */
    public static String describe(JsonNode selectors) {
        ObjectNode n = normalised(selectors);
        if (n.has("advancedEventSelectors")) {
            List<String> names = new ArrayList<>();
            n.get("advancedEventSelectors").forEach(s -> names.add(s.path("name").asText("unnamed")));
            int count = names.size();
            return count + " advanced selector" + (count == 1 ? "" : "s") + " (" + String.join(", ", names) + ")";
        }
        int count = n.path("eventSelectors").size();
        return count == 0 ? "no selectors" : count + " basic selector" + (count == 1 ? "" : "s");
    }
}
