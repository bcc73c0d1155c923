package io.portcullis.change;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * AWS Config's EventBridge events, read into {@link Change}s: "Config Configuration Item Change" (state drift,
 * whatever caused it: a security group's ingress, a bucket's or an IAM identity's state as {@link ConfigItemStates}
 * reads it; the oversized form, which points to S3, is refused with the S3 location until it is fetched)
 * and "Config Rules Compliance Change" (a managed rule's NON_COMPLIANT verdict). Config events carry no CloudTrail
 * event id: the key is the resource and Config's own state id or evaluation time.
 */
final class ConfigEvents {

    static final String ITEM_CHANGE = "Config Configuration Item Change";
    static final String COMPLIANCE_CHANGE = "Config Rules Compliance Change";

    private static final Actor CONFIG = new Actor(null, "AWSService", null, false, "config.amazonaws.com", null);


    /** The IAM identities whose items are judged, by Config resource type: user, role or group. */
    private static final java.util.Map<String, String> IAM_KINDS = java.util.Map.of("AWS::IAM::User", "user",
            "AWS::IAM::Role", "role", "AWS::IAM::Group", "group");

    private ConfigEvents() {
    }

    static Change itemChange(JsonNode root) {
        CloudTrailEventReader.requireAwsSource(root);
        JsonNode detail = root.path("detail");
        String messageType = detail.path("messageType").asText("");
        if (messageType.equals("OversizedConfigurationItemChangeNotification")) {
            throw new CloudTrailEventReader.EventFormatException("the configuration item is oversized and delivered by S3 at "
                    + detail.path("s3DeliverySummary").path("s3BucketLocation").asText("(no location)")
                    + "; fetch it and replay it as a ConfigurationItemChangeNotification");
        }
        JsonNode item = detail.path("configurationItem");
        if (!item.isObject()) {
            throw new CloudTrailEventReader.EventFormatException("detail.configurationItem is missing or not an object");
        }
        String type = required(item, "resourceType", "detail.configurationItem");
        String id = required(item, "resourceId", "detail.configurationItem");
        String account = required(item, "awsAccountId", "detail.configurationItem");
        String region = required(item, "awsRegion", "detail.configurationItem");
        String state = item.path("configurationStateId").asText("");
        Instant time = instant(item.path("configurationItemCaptureTime"), "detail.configurationItem.configurationItemCaptureTime");
        String status = item.path("configurationItemStatus").asText("");
        String eventId = "config-" + id + "-" + (state.isEmpty() ? time.toEpochMilli() : state);
        if (status.startsWith("ResourceDeleted")) {
            return new Change(eventId, "ConfigurationItemChange", "config.amazonaws.com", time, CONFIG, Origin.UNKNOWN,
                    new ResourceRef(type, id, item.path("ARN").asText(null), account, region), ChangeKind.OTHER,
                    List.of(), null, item);
        }
        // Buckets and IAM identities are judged on their state as a whole, by the rules that judge their calls.
        if (type.equals(ResourceRef.BUCKET)) {
            return new Change(eventId, "ConfigurationItemChange", "config.amazonaws.com", time, CONFIG, Origin.UNKNOWN,
                    ResourceRef.bucket(id, account, region), ChangeKind.STATE, List.of(), null,
                    ConfigItemStates.bucket(item));
        }
        String iamKind = IAM_KINDS.get(type);
        if (iamKind != null) {
            // IAM items are keyed by the entity's unique id (AROA…); the name is what every IAM call takes.
            String name = item.path("resourceName").asText(item.path("configuration").path(iamKind + "Name").asText(""));
            if (name.isBlank()) {
                throw new CloudTrailEventReader.EventFormatException("detail.configurationItem.resourceName (the "
                        + iamKind + "'s name) is missing");
            }
            return new Change(eventId, "ConfigurationItemChange", "config.amazonaws.com", time, CONFIG, Origin.UNKNOWN,
                    ResourceRef.iam(iamKind, name, account), ChangeKind.STATE, List.of(), null,
                    ConfigItemStates.iam(item, iamKind));
        }
        if (!type.equals(ResourceRef.SECURITY_GROUP)) {
            return new Change(eventId, "ConfigurationItemChange", "config.amazonaws.com", time, CONFIG, Origin.UNKNOWN,
                    new ResourceRef(type, id, item.path("ARN").asText(null), account, region), ChangeKind.OTHER,
                    List.of(), null, item);
        }
        List<IngressRule> rules = securityGroupIngress(item.path("configuration").path("ipPermissions"));
        return new Change(eventId, "ConfigurationItemChange", "config.amazonaws.com", time, CONFIG, Origin.UNKNOWN,
                ResourceRef.securityGroup(id, account, region), ChangeKind.STATE, rules, null, item);
    }

    static Change complianceChange(JsonNode root) {
        CloudTrailEventReader.requireAwsSource(root);
        JsonNode detail = root.path("detail");
        String rule = required(detail, "configRuleName", "detail");
        String type = required(detail, "resourceType", "detail");
        String id = required(detail, "resourceId", "detail");
        String account = required(detail, "awsAccountId", "detail");
        String region = required(detail, "awsRegion", "detail");
        JsonNode result = detail.path("newEvaluationResult");
        String compliance = result.path("complianceType").asText("");
        Instant time = instant(result.path("resultRecordedTime").isMissingNode() ? root.path("time")
                : result.path("resultRecordedTime"), "detail.newEvaluationResult.resultRecordedTime");
        String eventId = "config-" + rule + "-" + id + "-" + time.toEpochMilli();
        ResourceRef resource = switch (type) {
            case ResourceRef.SECURITY_GROUP -> ResourceRef.securityGroup(id, account, region);
            case ResourceRef.BUCKET -> ResourceRef.bucket(id, account, region);
            case ResourceRef.VPC -> ResourceRef.vpc(id, account, region);
            case ResourceRef.ACCOUNT -> ResourceRef.account(account, region);
            // Other types (e.g. AWS::IAM::Policy, named by its id only) have no ARN the event can tell.
            default -> new ResourceRef(type, id, null, account, region);
        };
        return new Change(eventId, rule, "config.amazonaws.com", time, CONFIG, Origin.UNKNOWN, resource,
                compliance.equals("NON_COMPLIANT") ? ChangeKind.COMPLIANCE : ChangeKind.OTHER, List.of(), null, detail);
    }

    /** Config's security-group {@code ipPermissions}: {@code ipv4Ranges[].cidrIp} (or {@code ipRanges[]}), {@code ipv6Ranges[].cidrIpv6}. */
    private static List<IngressRule> securityGroupIngress(JsonNode permissions) {
        List<IngressRule> out = new ArrayList<>();
        if (!permissions.isArray()) {
            return out;
        }
        for (int i = 0; i < permissions.size(); i++) {
            JsonNode p = permissions.get(i);
            String at = "detail.configurationItem.configuration.ipPermissions[" + i + "]";
            IpProtocol protocol = IpProtocol.parse(p.path("ipProtocol").asText("-1"));
            PortRange ports = PortRange.ALL;
            if (protocol.hasPorts()) {
                if (!p.path("fromPort").isIntegralNumber() || !p.path("toPort").isIntegralNumber()) {
                    throw new CloudTrailEventReader.EventFormatException(at + " needs integer fromPort and toPort");
                }
                try {
                    ports = new PortRange(p.path("fromPort").intValue(), p.path("toPort").intValue());
                } catch (IllegalArgumentException e) {
                    throw new CloudTrailEventReader.EventFormatException(at + ": " + e.getMessage());
                }
            }
            List<String> cidrs = new ArrayList<>();
            p.path("ipv4Ranges").forEach(r -> cidrs.add(r.path("cidrIp").asText(null)));
            if (cidrs.isEmpty()) {
                p.path("ipRanges").forEach(r -> cidrs.add(r.isTextual() ? r.asText() : r.path("cidrIp").asText(null)));
            }
            p.path("ipv6Ranges").forEach(r -> cidrs.add(r.path("cidrIpv6").asText(null)));
            for (String c : cidrs) {
                if (c == null) {
                    continue;
                }
                try {
                    out.add(new IngressRule(null, protocol, ports, Cidr.parse(c), null, null));
                } catch (IllegalArgumentException e) {
                    throw new CloudTrailEventReader.EventFormatException(at + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    private static String required(JsonNode node, String field, String at) {
        JsonNode v = node.path(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new CloudTrailEventReader.EventFormatException(at + "." + field + " is missing or not a string");
        }
        return v.asText();
    }

    /** Times Config could really have written (so that epoch milliseconds never overflow). */
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

    private static Instant instant(JsonNode node, String at) {
        try {
            Instant t = Instant.parse(node.asText(""));
            if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
                throw new CloudTrailEventReader.EventFormatException(at + " '" + t + "' is out of range");
            }
            return t;
        } catch (DateTimeParseException e) {
            throw new CloudTrailEventReader.EventFormatException(at + " '" + node.asText("") + "' is not an ISO-8601 UTC time");
        }
    }
}
