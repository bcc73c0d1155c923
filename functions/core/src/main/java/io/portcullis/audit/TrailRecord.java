package io.portcullis.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A trail as the inventory recorded it ({@code {"name", "trailArn", "homeRegion", "s3BucketName", "s3KeyPrefix",
 * "snsTopicName", "includeGlobalServiceEvents", "isMultiRegionTrail", "logFileValidationEnabled",
 * "cloudWatchLogsLogGroupArn", "cloudWatchLogsRoleArn", "kmsKeyId", "isOrganizationTrail", "isLogging",
 * "eventSelectors", "advancedEventSelectors"}}), told to a person as the commands that recreate it exactly: a deleted
 * trail is never recreated automatically (its bucket policy, KMS key policy and CloudWatch Logs role are decisions
 * about who can read the account's history).
 */
public final class TrailRecord {

    private TrailRecord() {
    }

    /** {@code name, bucket b/prefix, multi-region, global-service events, log file validation, KMS key k, …}. */
    public static String describe(JsonNode t) {
        List<String> parts = new ArrayList<>();
        parts.add(t.path("name").asText("(unnamed)") + " in " + t.path("homeRegion").asText("its home region"));
        parts.add("logs to bucket " + t.path("s3BucketName").asText("(unknown)")
                + (text(t, "s3KeyPrefix") != null ? "/" + text(t, "s3KeyPrefix") : ""));
        parts.add(t.path("isMultiRegionTrail").asBoolean(false) ? "multi-region" : "single-region");
        parts.add((t.path("includeGlobalServiceEvents").asBoolean(false) ? "with" : "without") + " global-service events");
        parts.add("log file validation " + (t.path("logFileValidationEnabled").asBoolean(false) ? "on" : "off"));
        parts.add(text(t, "kmsKeyId") != null ? "encrypted with KMS key " + text(t, "kmsKeyId") : "no KMS key");
        parts.add(text(t, "cloudWatchLogsLogGroupArn") != null ? "delivered to CloudWatch Logs group "
                + text(t, "cloudWatchLogsLogGroupArn") + " (role " + text(t, "cloudWatchLogsRoleArn") + ")"
                : "no CloudWatch Logs delivery");
        if (t.path("isOrganizationTrail").asBoolean(false)) {
            parts.add("an organization trail");
        }
        parts.add(TrailSelectors.describe(t));
        return String.join(", ", parts);
    }

    /** The AWS CLI commands that recreate the trail as recorded, its selectors, and start it logging. */
    public static String recreateCommands(JsonNode t) {
        String name = t.path("name").asText();
        List<String> create = new ArrayList<>(List.of("aws cloudtrail create-trail --name " + name,
                "--s3-bucket-name " + t.path("s3BucketName").asText()));
        if (text(t, "homeRegion") != null) {
            create.add("--region " + text(t, "homeRegion"));
        }
        if (text(t, "s3KeyPrefix") != null) {
            create.add("--s3-key-prefix " + text(t, "s3KeyPrefix"));
        }
        if (text(t, "snsTopicName") != null) {
            create.add("--sns-topic-name " + text(t, "snsTopicName"));
        }
        create.add(t.path("isMultiRegionTrail").asBoolean(false) ? "--is-multi-region-trail" : "--no-is-multi-region-trail");
        create.add(t.path("includeGlobalServiceEvents").asBoolean(false) ? "--include-global-service-events"
                : "--no-include-global-service-events");
        if (t.path("logFileValidationEnabled").asBoolean(false)) {
            create.add("--enable-log-file-validation");
        }
        if (text(t, "kmsKeyId") != null) {
            create.add("--kms-key-id " + text(t, "kmsKeyId"));
        }
        if (text(t, "cloudWatchLogsLogGroupArn") != null) {
            create.add("--cloud-watch-logs-log-group-arn " + text(t, "cloudWatchLogsLogGroupArn")
                    + " --cloud-watch-logs-role-arn " + text(t, "cloudWatchLogsRoleArn"));
        }
        if (t.path("isOrganizationTrail").asBoolean(false)) {
            create.add("--is-organization-trail");
        }
        List<String> commands = new ArrayList<>();
        commands.add(String.join(" ", create));
        ObjectNode selectors = TrailSelectors.normalised(t);
        if (selectors.has("advancedEventSelectors")) {
            commands.add("aws cloudtrail put-event-selectors --trail-name " + name + " --advanced-event-selectors '"
                    + pascal(selectors.get("advancedEventSelectors")) + "'");
        } else if (selectors.has("eventSelectors")) {
            commands.add("aws cloudtrail put-event-selectors --trail-name " + name + " --event-selectors '"
                    + pascal(selectors.get("eventSelectors")) + "'");
        }
        commands.add("aws cloudtrail start-logging --name " + name);
        return String.join("; then ", commands);
    }

    /** The selectors with the API's (and the CLI's JSON) field names: {@code ReadWriteType}, {@code FieldSelectors}. */
    static JsonNode pascal(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = Json.mapper().createArrayNode();
            node.forEach(n -> out.add(pascal(n)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = Json.mapper().createObjectNode();
            node.properties().forEach(e -> out.set(Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1),
                    pascal(e.getValue())));
            return out;
        }
        return node;
    }

    static String text(JsonNode t, String field) {
        JsonNode v = t.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
