package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.audit.TrailSelectors;
import io.portcullis.change.ResourceRef;
import io.portcullis.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/**
 * A trail's settings and event selectors read live, in the inventory's shape (so a fix compares the live trail with
 * the record field by field), and selectors written back from that shape.
 */
final class TrailState {

    private final Function<ResourceRef, CloudTrailClient> client;

    TrailState(Function<ResourceRef, CloudTrailClient> client) {
        this.client = client;
    }

    /** {@code GetTrail}: {@code {"name", "trailArn", "homeRegion", "s3BucketName", …}}; TrailNotFound when gone. */
    ObjectNode settings(ResourceRef r) {
        Trail t = client.apply(r).getTrail(g -> g.name(r.arn())).trail();
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("name", t.name());
        out.put("trailArn", t.trailARN());
        out.put("homeRegion", t.homeRegion());
        out.put("s3BucketName", t.s3BucketName());
        out.put("s3KeyPrefix", t.s3KeyPrefix());
        out.put("snsTopicName", t.snsTopicName());
        out.put("includeGlobalServiceEvents", t.includeGlobalServiceEvents());
        out.put("isMultiRegionTrail", t.isMultiRegionTrail());
        out.put("logFileValidationEnabled", t.logFileValidationEnabled());
        out.put("cloudWatchLogsLogGroupArn", t.cloudWatchLogsLogGroupArn());
        out.put("cloudWatchLogsRoleArn", t.cloudWatchLogsRoleArn());
        out.put("kmsKeyId", t.kmsKeyId());
        out.put("isOrganizationTrail", t.isOrganizationTrail());
        return out;
    }

    /** {@code GetEventSelectors}, normalised ({@link TrailSelectors#normalised}); TrailNotFound when gone. */
    ObjectNode selectors(ResourceRef r) {
        GetEventSelectorsResponse got = client.apply(r).getEventSelectors(g -> g.trailName(r.arn()));
        ObjectNode out = Json.mapper().createObjectNode();
        if (got.hasEventSelectors() && !got.eventSelectors().isEmpty()) {
            ArrayNode list = out.putArray("eventSelectors");
            for (EventSelector s : got.eventSelectors()) {
                ObjectNode n = list.addObject();
                n.put("readWriteType", s.readWriteTypeAsString());
                n.put("includeManagementEvents", s.includeManagementEvents());
                ArrayNode resources = n.putArray("dataResources");
                for (DataResource d : s.dataResources()) {
                    ArrayNode values = resources.addObject().put("type", d.type()).putArray("values");
                    d.values().forEach(values::add);
                }
                ArrayNode excluded = n.putArray("excludeManagementEventSources");
                s.excludeManagementEventSources().forEach(excluded::add);
            }
        }
        if (got.hasAdvancedEventSelectors() && !got.advancedEventSelectors().isEmpty()) {
            ArrayNode list = out.putArray("advancedEventSelectors");
            for (AdvancedEventSelector s : got.advancedEventSelectors()) {
                ObjectNode n = list.addObject();
                n.put("name", s.name());
                ArrayNode fields = n.putArray("fieldSelectors");
                for (AdvancedFieldSelector f : s.fieldSelectors()) {
                    ObjectNode fs = fields.addObject().put("field", f.field());
                    put(fs, "equals", f.equalsValue());
                    put(fs, "startsWith", f.startsWith());
                    put(fs, "endsWith", f.endsWith());
                    put(fs, "notEquals", f.notEquals());
                    put(fs, "notStartsWith", f.notStartsWith());
                    put(fs, "notEndsWith", f.notEndsWith());
                }
            }
        }
        return TrailSelectors.normalised(out);
    }

    /** {@code PutEventSelectors} with exactly these selectors, in their form (basic or advanced). */
    void putSelectors(ResourceRef r, JsonNode selectors) {
        ObjectNode n = TrailSelectors.normalised(selectors);
        if (n.has("advancedEventSelectors")) {
            List<AdvancedEventSelector> advanced = new ArrayList<>();
            for (JsonNode s : n.get("advancedEventSelectors")) {
                List<AdvancedFieldSelector> fields = new ArrayList<>();
                for (JsonNode f : s.path("fieldSelectors")) {
                    fields.add(AdvancedFieldSelector.builder().field(f.path("field").asText())
                            .equalsValue(strings(f.path("equals"))).startsWith(strings(f.path("startsWith")))
                            .endsWith(strings(f.path("endsWith"))).notEquals(strings(f.path("notEquals")))
                            .notStartsWith(strings(f.path("notStartsWith"))).notEndsWith(strings(f.path("notEndsWith")))
                            .build());
                }
                advanced.add(AdvancedEventSelector.builder().name(s.path("name").asText(null)).fieldSelectors(fields)
                        .build());
            }
            client.apply(r).putEventSelectors(p -> p.trailName(r.arn()).advancedEventSelectors(advanced));
            return;
        }
        List<EventSelector> basic = new ArrayList<>();
        for (JsonNode s : n.path("eventSelectors")) {
            List<DataResource> resources = new ArrayList<>();
            s.path("dataResources").forEach(d -> resources.add(DataResource.builder().type(d.path("type").asText())
                    .values(strings(d.path("values"))).build()));
            basic.add(EventSelector.builder().readWriteType(s.path("readWriteType").asText())
                    .includeManagementEvents(s.path("includeManagementEvents").asBoolean())
                    .dataResources(resources)
                    .excludeManagementEventSources(strings(s.path("excludeManagementEventSources"))).build());
        }
        client.apply(r).putEventSelectors(p -> p.trailName(r.arn()).eventSelectors(basic));
    }

    private static void put(ObjectNode node, String field, List<String> values) {
        if (values != null && !values.isEmpty()) {
            ArrayNode a = node.putArray(field);
            values.forEach(a::add);
        }
    }

    /** Null for an absent list, so the SDK leaves the field out of the request. */
    private static List<String> strings(JsonNode array) {
        if (!array.isArray() || array.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
