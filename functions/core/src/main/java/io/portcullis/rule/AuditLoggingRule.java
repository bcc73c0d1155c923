package io.portcullis.rule;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Audit logging tampered with: a trail stopped, deleted or emptied of management events is critical (Portcullis
 * and every investigation go blind); a trail narrowed to one region or without global-service (IAM) events, a trail
 * whose logs now go to another bucket, and deleted VPC flow logs, are high; log-file validation switched off is medium.
 *
 * <p>Each UpdateTrail finding names, in its facts, the trail fields it judged and the value the call set
 * ({@code isMultiRegionTrail: false}, {@code s3BucketName: other-bucket}), so that a fix puts back those fields and only
 * those.
 */
public final class AuditLoggingRule implements Rule {

    public static final String ID_STOPPED = "audit-trail-stopped";
    public static final String ID_DELETED = "audit-trail-deleted";
    public static final String ID_EMPTIED = "audit-trail-management-events-off";
    public static final String ID_NARROWED = "audit-trail-narrowed";
    public static final String ID_VALIDATION_OFF = "audit-trail-validation-off";
    public static final String ID_FLOW_LOGS_DELETED = "audit-flow-logs-deleted";
    public static final String ID_DESTINATION_CHANGED = "audit-trail-destination-changed";

    @Override
    public String id() {
        return "audit-logging";
    }

    @Override
    public java.util.Set<String> findingIds() {
        return java.util.Set.of(ID_STOPPED, ID_DELETED, ID_EMPTIED, ID_NARROWED, ID_VALIDATION_OFF, ID_FLOW_LOGS_DELETED,
                ID_DESTINATION_CHANGED);
    }

    @Override
    public List<Finding> evaluate(Change change) {
        if (change.kind() != ChangeKind.CONFIGURATION) {
            return List.of();
        }
        String trail = change.resource().id();
        JsonNode r = change.request();
        List<Finding> out = new ArrayList<>();
        switch (change.eventName()) {
            case "StopLogging" -> out.add(finding(change, ID_STOPPED, Severity.CRITICAL, Map.of(),
                    "CloudTrail trail " + trail + " was stopped, so API activity in " + change.resource().region()
                            + " is no longer recorded; start logging again and find out why it was stopped."));
            case "DeleteTrail" -> out.add(finding(change, ID_DELETED, Severity.CRITICAL, Map.of(),
                    "CloudTrail trail " + trail + " was deleted, so the API activity it recorded is no longer captured;"
                            + " recreate it and find out who needed it gone."));
            case "PutEventSelectors" -> {
                if (managementEventsOff(r)) {
                    out.add(finding(change, ID_EMPTIED, Severity.CRITICAL, Map.of("includeManagementEvents", "false"),
                            "CloudTrail trail " + trail + " no longer records management events, so changes to the"
                                    + " account go unrecorded; restore a selector that includes management events."));
                }
            }
            case "UpdateTrail" -> {
                if (r.path("isMultiRegionTrail").isBoolean() && !r.path("isMultiRegionTrail").asBoolean()) {
                    out.add(finding(change, ID_NARROWED, Severity.HIGH, Map.of("isMultiRegionTrail", "false"),
                            "CloudTrail trail " + trail + " now records only its home region, so activity in every"
                                    + " other region goes unrecorded; make it multi-region again."));
                }
                if (r.path("includeGlobalServiceEvents").isBoolean() && !r.path("includeGlobalServiceEvents").asBoolean()) {
                    out.add(finding(change, ID_NARROWED, Severity.HIGH, Map.of("includeGlobalServiceEvents", "false"),
                            "CloudTrail trail " + trail + " no longer records global-service events such as IAM"
                                    + " changes; turn includeGlobalServiceEvents back on."));
                }
                if (r.path("enableLogFileValidation").isBoolean() && !r.path("enableLogFileValidation").asBoolean()) {
                    out.add(finding(change, ID_VALIDATION_OFF, Severity.MEDIUM, Map.of("enableLogFileValidation", "false"),
                            "CloudTrail trail " + trail + " no longer signs its log files, so tampering with them"
                                    + " cannot be detected; turn log file validation back on."));
                }
                // Naming a bucket at all: the call does not say which bucket the trail wrote to before (the inventory
                // does), and logs sent somewhere new are logs someone else may read or delete.
                if (r.path("s3BucketName").isTextual() && !r.path("s3BucketName").asText().isBlank()) {
                    Map<String, String> facts = new java.util.LinkedHashMap<>();
                    facts.put("s3BucketName", r.path("s3BucketName").asText());
                    if (r.path("s3KeyPrefix").isTextual()) {
                        facts.put("s3KeyPrefix", r.path("s3KeyPrefix").asText());
                    }
                    out.add(finding(change, ID_DESTINATION_CHANGED, Severity.HIGH, facts,
                            "CloudTrail trail " + trail + " now delivers its log files to bucket "
                                    + r.path("s3BucketName").asText() + ", where whoever owns it can read or delete"
                                    + " them; send them back to the bucket it used before."));
                }
            }
            case "DeleteFlowLogs" -> out.add(finding(change, ID_FLOW_LOGS_DELETED, Severity.HIGH, Map.of(),
                    "VPC flow log " + change.resource().id() + " was deleted, so network traffic is no longer"
                            + " recorded; recreate it."));
            default -> {
            }
        }
        return out;
    }

    /**
     * True when no basic or advanced selector still records management write events (a basic selector with
     * {@code readWriteType: ReadOnly} records reads only, so changes go unrecorded).
     */
    public static boolean managementEventsOff(JsonNode request) {
        JsonNode basic = request.path("eventSelectors");
        JsonNode advanced = request.path("advancedEventSelectors");
        if (basic.isArray() && !basic.isEmpty()) {
            for (JsonNode s : basic) {
                boolean management = !s.has("includeManagementEvents") || s.path("includeManagementEvents").asBoolean(true);
                boolean writes = !"ReadOnly".equals(s.path("readWriteType").asText());
                if (management && writes) {
                    return false;
                }
            }
            return true;
        }
        if (advanced.isArray() && !advanced.isEmpty()) {
            for (JsonNode s : advanced) {
                boolean management = false;
                boolean readsOnly = false;
                for (JsonNode field : s.path("fieldSelectors")) {
                    String name = field.path("field").asText();
                    for (JsonNode v : field.path("equals")) {
                        management |= "eventCategory".equals(name) && "Management".equals(v.asText());
                        readsOnly |= "readOnly".equals(name) && "true".equalsIgnoreCase(v.asText());
                    }
                }
                if (management && !readsOnly) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static Finding finding(Change change, String id, Severity severity, Map<String, String> facts, String text) {
        return Finding.of(id, RuleFamily.AUDIT_LOGGING, severity, Exposure.INTERNAL, change.resource(), facts, text);
    }
}
