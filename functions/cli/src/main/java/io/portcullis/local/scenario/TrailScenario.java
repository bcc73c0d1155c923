package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetTrailResponse;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.TrailNotFoundException;

/**
 * A CloudTrail trail as an organisation runs it: logging, multi-region, with global-service events and log-file
 * validation, one event selector for all management events, delivering to its own bucket (in the S3 CloudTrail
 * checks). Changed by {@code StopLogging}, {@code DeleteTrail}, {@code UpdateTrail} (the fields the event sets; a new
 * log bucket is one made for the run, standing for the event's) or {@code PutEventSelectors} (the event's selectors,
 * basic or advanced).
 */
final class TrailScenario implements Scenario {

    static final Set<String> CALLS = Set.of("StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors");

    private final ScenarioAws aws;
    private String name;
    private String arn;
    private String bucket;
    /** The bucket an UpdateTrail sends the logs to instead, or null. */
    private String elsewhere;

    TrailScenario(ScenarioAws aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "trail " + name + " (" + arn + "), logging to bucket " + bucket;
    }

    @Override
    public void createBefore(SampleEvent sample) {
        name = ScenarioAws.unique("org-trail");
        bucket = ScenarioAws.unique("portcullis-scenario-trail-logs");
        aws.cloudTrailS3().createBucket(r -> r.bucket(bucket));
        arn = aws.cloudTrail().createTrail(r -> r.name(name).s3BucketName(bucket).isMultiRegionTrail(true)
                .includeGlobalServiceEvents(true).enableLogFileValidation(true)).trailARN();
        aws.cloudTrail().startLogging(r -> r.name(name));
        aws.cloudTrail().putEventSelectors(r -> r.trailName(name).eventSelectors(EventSelector.builder()
                .readWriteType(ReadWriteType.ALL).includeManagementEvents(true).build()));
        if (sample.request().path("s3BucketName").isTextual()) {
            elsewhere = ScenarioAws.unique("portcullis-scenario-elsewhere");
            aws.cloudTrailS3().createBucket(r -> r.bucket(elsewhere));
        }
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        ObjectNode request = (ObjectNode) event.path("detail").path("requestParameters");
        for (String field : List.of("name", "trailName")) {
            if (request.path(field).isTextual()) {
                request.put(field, request.path(field).asText().startsWith("arn:") ? arn : name);
            }
        }
        if (elsewhere != null) {
            request.put("s3BucketName", elsewhere);
        }
        if (event.path("detail").path("responseElements") instanceof ObjectNode response) {
            if (response.has("trailARN")) {
                response.put("trailARN", arn);
            }
            if (response.has("name")) {
                response.put("name", name);
            }
            if (response.has("s3BucketName")) {
                response.put("s3BucketName", elsewhere != null ? elsewhere : bucket);
            }
        }
        return event;
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        SampleEvent aimed = new SampleEvent(null, event);
        JsonNode request = aimed.request();
        switch (aimed.eventName()) {
            // By name: moto 5.2.5 answers DeleteTrail with the ARN and deletes nothing (AWS takes either).
            case "StopLogging" -> aws.cloudTrail().stopLogging(r -> r.name(name));
            case "DeleteTrail" -> aws.cloudTrail().deleteTrail(r -> r.name(name));
            case "UpdateTrail" -> aws.cloudTrail().updateTrail(r -> {
                r.name(name);
                if (request.path("s3BucketName").isTextual()) {
                    r.s3BucketName(request.path("s3BucketName").asText());
                }
                if (request.path("isMultiRegionTrail").isBoolean()) {
                    r.isMultiRegionTrail(request.path("isMultiRegionTrail").asBoolean());
                }
                if (request.path("includeGlobalServiceEvents").isBoolean()) {
                    r.includeGlobalServiceEvents(request.path("includeGlobalServiceEvents").asBoolean());
                }
                if (request.path("enableLogFileValidation").isBoolean()) {
                    r.enableLogFileValidation(request.path("enableLogFileValidation").asBoolean());
                }
            });
            case "PutEventSelectors" -> {
                if (request.path("advancedEventSelectors").isArray()) {
                    aws.cloudTrail().putEventSelectors(r -> r.trailName(name)
                            .advancedEventSelectors(advanced(request.path("advancedEventSelectors"))));
                    return event;
                }
                List<EventSelector> selectors = new ArrayList<>();
                for (JsonNode s : request.path("eventSelectors")) {
                    List<DataResource> data = new ArrayList<>();
                    for (JsonNode d : s.path("dataResources")) {
                        List<String> values = new ArrayList<>();
                        d.path("values").forEach(v -> values.add(v.asText()));
                        data.add(DataResource.builder().type(d.path("type").asText()).values(values).build());
                    }
                    List<String> excluded = new ArrayList<>();
                    s.path("excludeManagementEventSources").forEach(v -> excluded.add(v.asText()));
                    selectors.add(EventSelector.builder().readWriteType(s.path("readWriteType").asText("All"))
                            .includeManagementEvents(s.path("includeManagementEvents").asBoolean(true))
                            .dataResources(data).excludeManagementEventSources(excluded).build());
                }
                aws.cloudTrail().putEventSelectors(r -> r.trailName(name).eventSelectors(selectors));
            }
            default -> throw new UnsupportedSample(aimed.describe() + " is not a trail change this scenario makes");
        }
        return event;
    }

    private static List<AdvancedEventSelector> advanced(JsonNode selectors) {
        List<AdvancedEventSelector> out = new ArrayList<>();
        for (JsonNode s : selectors) {
            List<AdvancedFieldSelector> fields = new ArrayList<>();
            for (JsonNode f : s.path("fieldSelectors")) {
                fields.add(AdvancedFieldSelector.builder().field(f.path("field").asText())
                        .equalsValue(strings(f.path("equals"))).startsWith(strings(f.path("startsWith")))
                        .endsWith(strings(f.path("endsWith"))).notEquals(strings(f.path("notEquals")))
                        .notStartsWith(strings(f.path("notStartsWith"))).notEndsWith(strings(f.path("notEndsWith")))
                        .build());
            }
            out.add(AdvancedEventSelector.builder().name(s.path("name").asText(null)).fieldSelectors(fields).build());
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out.isEmpty() ? null : out;
    }

    /**
     * {@code {"exists", "logging", "multiRegion", "globalServiceEvents", "logFileValidation", "bucket",
     * "eventSelectors": [{"readWriteType", "includeManagementEvents", "dataResources"}] | "advancedEventSelectors":
     * [{"name", "fieldSelectors": ["eventCategory equals [Data]"…] (sorted)}]}}; {@code {"exists": false}} once deleted. A trail
     * uses one form: putting basic selectors replaces advanced ones in AWS, but the emulator keeps both, so the
     * advanced ones are read only when there are no basic ones.
     */
    @Override
    public ObjectNode read() {
        ObjectNode out = Json.mapper().createObjectNode();
        GetTrailResponse trail;
        try {
            trail = aws.cloudTrail().getTrail(r -> r.name(arn));
        } catch (TrailNotFoundException e) {
            return out.put("exists", false);
        }
        var t = trail.trail();
        out.put("exists", true);
        out.put("logging", Boolean.TRUE.equals(aws.cloudTrail().getTrailStatus(r -> r.name(arn)).isLogging()));
        out.put("multiRegion", Boolean.TRUE.equals(t.isMultiRegionTrail()));
        out.put("globalServiceEvents", Boolean.TRUE.equals(t.includeGlobalServiceEvents()));
        out.put("logFileValidation", Boolean.TRUE.equals(t.logFileValidationEnabled()));
        out.put("bucket", t.s3BucketName());
        var got = aws.cloudTrail().getEventSelectors(r -> r.trailName(arn));
        if (got.eventSelectors().isEmpty() && !got.advancedEventSelectors().isEmpty()) {
            ArrayNode advanced = out.putArray("advancedEventSelectors");
            for (AdvancedEventSelector s : got.advancedEventSelectors()) {
                ArrayNode fields = advanced.addObject().put("name", s.name()).putArray("fieldSelectors");
                // A selector's fields are all required at once, in no order: sorted, as Undo may write them.
                s.fieldSelectors().stream().map(f -> f.field() + describe(f)).sorted().forEach(fields::add);
            }
            return out;
        }
        ArrayNode selectors = out.putArray("eventSelectors");
        for (EventSelector s : got.eventSelectors()) {
            ObjectNode selector = selectors.addObject().put("readWriteType", s.readWriteTypeAsString())
                    .put("includeManagementEvents", Boolean.TRUE.equals(s.includeManagementEvents()));
            ArrayNode data = selector.putArray("dataResources");
            s.dataResources().forEach(d -> data.add(d.type() + " " + String.join(",", d.values())));
        }
        return out;
    }

    /** " equals [Data]", " notStartsWith [arn:…]": the conditions of a field selector. */
    private static String describe(AdvancedFieldSelector f) {
        StringBuilder b = new StringBuilder();
        java.util.Map<String, List<String>> conditions = new java.util.LinkedHashMap<>();
        conditions.put("equals", f.equalsValue());
        conditions.put("startsWith", f.startsWith());
        conditions.put("endsWith", f.endsWith());
        conditions.put("notEquals", f.notEquals());
        conditions.put("notStartsWith", f.notStartsWith());
        conditions.put("notEndsWith", f.notEndsWith());
        conditions.forEach((op, values) -> {
            if (values != null && !values.isEmpty()) {
                b.append(' ').append(op).append(' ').append(values);
            }
        });
        return b.toString();
    }
}
