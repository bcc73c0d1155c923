package io.portcullis.local.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.portcullis.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * A sample event from {@code events/}, exactly as EventBridge delivers it: a CloudTrail "AWS API Call via CloudTrail"
 * or an AWS Config item or compliance change. A scenario aims a fresh copy of it at its own sandbox resource.
 *
 * @param file the sample's file (for messages)
 * @param json the event
 */
public record SampleEvent(Path file, ObjectNode json) {

    public static final String CONFIG_ITEM = "Config Configuration Item Change";
    public static final String CONFIG_COMPLIANCE = "Config Rules Compliance Change";

    /** Reads a sample; a file that is missing or not a JSON object is refused with the reason. */
    public static SampleEvent load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UnsupportedSample(file + ": no such file");
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new UnsupportedSample(file + ": not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UnsupportedSample(file + ": cannot be read: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new UnsupportedSample(file + ": not a JSON object, so not an event as EventBridge delivers it");
        }
        return new SampleEvent(file, object);
    }

    public String detailType() {
        return json.path("detail-type").asText("");
    }

    public boolean isConfig() {
        return detailType().equals(CONFIG_ITEM) || detailType().equals(CONFIG_COMPLIANCE);
    }

    public ObjectNode detail() {
        return json.path("detail") instanceof ObjectNode d ? d : json.putObject("detail");
    }

    /** CloudTrail's {@code eventSource}; for Config, {@code config.amazonaws.com}. */
    public String source() {
        return isConfig() ? "config.amazonaws.com" : detail().path("eventSource").asText("");
    }

    /**
     * CloudTrail's {@code eventName}; for a Config compliance change its rule's name, for a configuration item
     * {@code ConfigurationItemChange}.
     */
    public String eventName() {
        if (detailType().equals(CONFIG_COMPLIANCE)) {
            return detail().path("configRuleName").asText("");
        }
        return detailType().equals(CONFIG_ITEM) ? "ConfigurationItemChange" : detail().path("eventName").asText("");
    }

    /**
     * The change, in a few words: the CloudTrail call, "Config item change", or "Config rule restricted-ssh
     * NON_COMPLIANT".
     */
    public String change() {
        if (detailType().equals(CONFIG_COMPLIANCE)) {
            return "Config rule " + eventName() + " " + detail().path("newEvaluationResult").path("complianceType")
                    .asText("?");
        }
        return detailType().equals(CONFIG_ITEM) ? "Config item change" : eventName();
    }

    /** The resource type a Config event is about (empty for CloudTrail). */
    public String configResourceType() {
        return detailType().equals(CONFIG_ITEM) ? detail().path("configurationItem").path("resourceType").asText("")
                : detail().path("resourceType").asText("");
    }

    /** A Config rule's verdict is NON_COMPLIANT: the resource breaks the rule (a COMPLIANT one changes nothing). */
    public boolean nonCompliant() {
        return "NON_COMPLIANT".equals(detail().path("newEvaluationResult").path("complianceType").asText());
    }

    public JsonNode request() {
        return detail().path("requestParameters");
    }

    /** The call failed (CloudTrail's {@code errorCode}): it changed nothing, so a scenario makes no call either. */
    public boolean failed() {
        return !isConfig() && detail().hasNonNull("errorCode");
    }

    /** "AttachRolePolicy (iam.amazonaws.com)", for messages. */
    public String describe() {
        return isConfig() ? detailType() + " " + eventName() + " on " + configResourceType()
                : eventName() + " (" + source() + ")";
    }

    /**
     * A copy with a new EventBridge id and CloudTrail event id, the current time, and this region, so the detector
     * judges it as a new call in the deployment's own region. Config events get a new state id and times.
     */
    public ObjectNode fresh(String region) {
        ObjectNode event = json.deepCopy();
        String now = Instant.now().toString();
        event.put("id", UUID.randomUUID().toString());
        event.put("time", now);
        event.put("region", region);
        ObjectNode detail = (ObjectNode) event.path("detail");
        if (detailType().equals(CONFIG_ITEM)) {
            ObjectNode item = (ObjectNode) detail.path("configurationItem");
            item.put("configurationItemCaptureTime", now);
            item.put("configurationStateId", System.currentTimeMillis());
            item.put("awsRegion", region);
            detail.put("notificationCreationTime", now);
        } else if (detailType().equals(CONFIG_COMPLIANCE)) {
            detail.put("awsRegion", region);
            detail.put("notificationCreationTime", now);
            ObjectNode result = (ObjectNode) detail.path("newEvaluationResult");
            result.put("resultRecordedTime", now);
            result.put("configRuleInvokedTime", now);
            if (result.path("evaluationResultIdentifier") instanceof ObjectNode id) {
                id.put("orderingTimestamp", now);
            }
        } else {
            detail.put("eventID", UUID.randomUUID().toString());
            detail.put("eventTime", now);
            detail.put("awsRegion", region);
        }
        return event;
    }

    /**
     * Points a (fresh copy of a) Config compliance change at another resource: the resource it judges and its
     * evaluation result's qualifier.
     */
    public static void aimVerdict(ObjectNode event, String resourceId) {
        ObjectNode detail = (ObjectNode) event.path("detail");
        detail.put("resourceId", resourceId);
        if (detail.path("newEvaluationResult").path("evaluationResultIdentifier")
                .path("evaluationResultQualifier") instanceof ObjectNode q) {
            q.put("resourceId", resourceId);
        }
    }

    /**
     * Replaces {@code from} by {@code to} in every text value below {@code node} (a bucket's name is in its
     * {@code bucketName}, its {@code Host} and its policy's resource ARNs).
     */
    public static void replaceText(JsonNode node, String from, String to) {
        if (from == null || from.isEmpty() || from.equals(to)) {
            return;
        }
        if (node instanceof ObjectNode object) {
            for (String name : object.properties().stream().map(java.util.Map.Entry::getKey).toList()) {
                JsonNode value = object.get(name);
                if (value.isTextual()) {
                    object.put(name, value.asText().replace(from, to));
                } else {
                    replaceText(value, from, to);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(array.get(i).asText().replace(from, to)));
                } else {
                    replaceText(array.get(i), from, to);
                }
            }
        }
    }
}
