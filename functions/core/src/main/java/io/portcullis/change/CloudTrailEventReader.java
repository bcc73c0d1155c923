package io.portcullis.change;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an EventBridge "AWS API Call via CloudTrail" event, exactly as EventBridge delivers it, into a {@link Change}
 * (and AWS Config's item and compliance events, through {@link ConfigEvents}).
 * Anything it cannot read is refused with the field that is wrong; it never throws on bad input.
 *
 * <p>Field shapes follow the CloudTrail record format ({@code userIdentity}, {@code requestParameters.ipPermissions.items},
 * {@code responseElements.securityGroupRuleSet.items}, {@code sessionCredentialFromConsole}).
 */
public final class CloudTrailEventReader {

    public static final String DETAIL_TYPE = "AWS API Call via CloudTrail";

    private static final Map<String, ChangeKind> SECURITY_GROUP_CALLS = Map.of(
            "AuthorizeSecurityGroupIngress", ChangeKind.INGRESS_ADDED,
            "RevokeSecurityGroupIngress", ChangeKind.INGRESS_REMOVED,
            "AuthorizeSecurityGroupEgress", ChangeKind.EGRESS_CHANGED,
            "RevokeSecurityGroupEgress", ChangeKind.EGRESS_CHANGED,
            "ModifySecurityGroupRules", ChangeKind.RULES_MODIFIED,
            "CreateSecurityGroup", ChangeKind.GROUP_CREATED);

    /** Other calls this release judges, by event source: read as {@link ChangeKind#CONFIGURATION}. */
    private static final Map<String, java.util.Set<String>> CONFIGURATION_CALLS = Map.of(
            "cloudtrail.amazonaws.com", java.util.Set.of("StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"),
            "ec2.amazonaws.com", java.util.Set.of("DeleteFlowLogs"),
            "s3.amazonaws.com", java.util.Set.of("PutBucketAcl", "PutBucketPolicy", "PutBucketPublicAccessBlock",
                    "DeleteBucketPublicAccessBlock", "DeleteBucketEncryption", "PutAccountPublicAccessBlock",
                    "DeleteAccountPublicAccessBlock"),
            "iam.amazonaws.com", java.util.Set.of("AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy",
                    "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion",
                    "UpdateAssumeRolePolicy",
                    "CreateRole", "CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile"));

    /** Events larger than this are refused before parsing; EventBridge's own limit is 256 KiB. */
    public static final int MAX_EVENT_BYTES = 256 * 1024;

    private final ObjectMapper json;
    private final OriginClassifier origins;

    public CloudTrailEventReader(ObjectMapper json, OriginClassifier origins) {
        this.json = json;
        this.origins = origins;
    }

    /** Every call this reader understands, by event source: the template's EventBridge rules must route them all. */
    public static Map<String, java.util.Set<String>> supportedCalls() {
        Map<String, java.util.Set<String>> all = new java.util.TreeMap<>();
        CONFIGURATION_CALLS.forEach((source, names) -> all.computeIfAbsent(source, k -> new java.util.TreeSet<>()).addAll(names));
        all.computeIfAbsent("ec2.amazonaws.com", k -> new java.util.TreeSet<>()).addAll(SECURITY_GROUP_CALLS.keySet());
        return all;
    }

    public ReadResult read(byte[] raw) {
        if (raw == null || raw.length == 0) {
            return new ReadResult.Refused("an empty event", "the event has no content");
        }
        if (raw.length > MAX_EVENT_BYTES) {
            return new ReadResult.Refused("an event of " + raw.length + " bytes",
                    "the event is larger than " + MAX_EVENT_BYTES + " bytes, more than EventBridge delivers");
        }
        JsonNode root;
        try {
            root = json.readTree(raw);
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            // Jackson's own limits (nesting depth, number and string length), named without its class names.
            return new ReadResult.Refused("an event that is not JSON", "the event is beyond what the JSON reader"
                    + " accepts: " + e.getOriginalMessage().replaceAll(",? from `[^`]*`", ""));
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            return new ReadResult.Refused("an event that is not JSON", "the event is not valid JSON"
                    + (at == null ? " (" + e.getOriginalMessage() + ")"
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (java.io.IOException e) {
            return new ReadResult.Refused("an unreadable event", "the event could not be read: " + e.getMessage());
        }
        return read(root);
    }

    /**
     * For an oversized AWS Config notification, the event rebuilt around the full message fetched from S3; any other
     * event unchanged. A fetch that fails leaves the event as it is, so it is refused with its S3 location.
     */
    public JsonNode expandOversized(JsonNode root, OversizedItems items) {
        JsonNode detail = root.path("detail");
        if (!"OversizedConfigurationItemChangeNotification".equals(detail.path("messageType").asText())
                || !ConfigEvents.ITEM_CHANGE.equals(root.path("detail-type").asText())) {
            return root;
        }
        String location = detail.path("s3DeliverySummary").path("s3BucketLocation").asText("");
        java.util.Optional<byte[]> fetched = items.fetch(location);
        if (fetched.isEmpty()) {
            return root;
        }
        try {
            JsonNode message = json.readTree(fetched.get());
            if (message == null || !message.isObject()) {
                return root;
            }
            com.fasterxml.jackson.databind.node.ObjectNode expanded = ((com.fasterxml.jackson.databind.node.ObjectNode) root).deepCopy();
            expanded.set("detail", message);
            return expanded;
        } catch (java.io.IOException e) {
            // Not JSON: refused with the S3 location.
            return root;
        }
    }

    public ReadResult read(JsonNode root) {
        String ref = describe(root);
        try {
            return new ReadResult.Read(toChange(root));
        } catch (EventFormatException e) {
            return new ReadResult.Refused(ref, e.getMessage());
        } catch (RuntimeException e) {
            // Bad input must be refused, never thrown: whatever slipped past the field checks lands here.
            return new ReadResult.Refused(ref, "the event could not be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** A name for the event in messages: its CloudTrail id and call when present, else the envelope id. */
    static String describe(JsonNode root) {
        if (root == null || !root.isObject()) {
            return "an event that is not a JSON object";
        }
        String type = text(root.path("detail-type"));
        if (ConfigEvents.ITEM_CHANGE.equals(type) || ConfigEvents.COMPLIANCE_CHANGE.equals(type)) {
            String id = text(root.path("id"));
            return "AWS Config event " + (id == null ? "without an id" : id);
        }
        JsonNode detail = root.path("detail");
        String eventId = text(detail.path("eventID"));
        String name = text(detail.path("eventName"));
        if (eventId != null) {
            return "event " + eventId + (name != null ? " (" + name + ")" : "");
        }
        String envelopeId = text(root.path("id"));
        return envelopeId != null ? "EventBridge event " + envelopeId : "an event without an id";
    }

    private Change toChange(JsonNode root) {
        if (!root.isObject()) {
            throw new EventFormatException("the event is not a JSON object");
        }
        String detailType = text(root.path("detail-type"));
        if (ConfigEvents.ITEM_CHANGE.equals(detailType)) {
            return ConfigEvents.itemChange(root);
        }
        if (ConfigEvents.COMPLIANCE_CHANGE.equals(detailType)) {
            return ConfigEvents.complianceChange(root);
        }
        if (!DETAIL_TYPE.equals(detailType)) {
            throw new EventFormatException("detail-type is " + (detailType == null ? "missing" : "'" + detailType + "'")
                    + "; this function reads '" + DETAIL_TYPE + "', '" + ConfigEvents.ITEM_CHANGE + "' and '"
                    + ConfigEvents.COMPLIANCE_CHANGE + "' events");
        }
        JsonNode detail = root.path("detail");
        if (!detail.isObject()) {
            throw new EventFormatException("'detail' is missing or not an object");
        }
        requireAwsSource(root);
        String eventId = required(detail, "eventID");
        String eventName = required(detail, "eventName");
        String eventSource = required(detail, "eventSource");
        Instant eventTime = instant(detail, "eventTime");
        String account = firstNonNull(text(detail.path("recipientAccountId")), text(root.path("account")));
        String region = firstNonNull(text(detail.path("awsRegion")), text(root.path("region")));
        if (account == null) {
            throw new EventFormatException("neither detail.recipientAccountId nor account is present");
        }
        if (region == null) {
            throw new EventFormatException("neither detail.awsRegion nor region is present");
        }
        Actor actor = actor(detail);
        Origin origin = origins.classify(actor, text(detail.path("userIdentity").path("invokedBy")),
                "true".equalsIgnoreCase(text(detail.path("sessionCredentialFromConsole"))));
        String errorCode = text(detail.path("errorCode"));

        ChangeKind kind = kindOf(eventSource, eventName);
        JsonNode request = detail.path("requestParameters");
        if (kind == ChangeKind.OTHER || errorCode != null) {
            ResourceRef resource = new ResourceRef(null, null, null, account, region);
            return new Change(eventId, eventName, eventSource, eventTime, actor, origin, resource, kind, List.of(),
                    errorCode, request);
        }
        if (kind == ChangeKind.CONFIGURATION) {
            if (!request.isObject() && "iam.amazonaws.com".equals(eventSource)
                    && (request.isMissingNode() || request.isNull())) {
                request = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            }
            if (!request.isObject()) {
                throw new EventFormatException("detail.requestParameters is missing or not an object");
            }
            return new Change(eventId, eventName, eventSource, eventTime, actor, origin,
                    locate(eventSource, eventName, request, account, region), kind, List.of(), null, request,
                    detail.path("responseElements"));
        }
        if (!request.isObject()) {
            throw new EventFormatException("detail.requestParameters is missing or not an object");
        }
        if (kind == ChangeKind.GROUP_CREATED) {
            String created = text(detail.path("responseElements").path("groupId"));
            if (created == null) {
                throw new EventFormatException("detail.responseElements.groupId (the new group) is missing");
            }
            return new Change(eventId, eventName, eventSource, eventTime, actor, origin,
                    ResourceRef.securityGroup(created, account, region), kind, List.of(), null, request);
        }
        if (kind == ChangeKind.RULES_MODIFIED) {
            JsonNode modify = request.path("ModifySecurityGroupRulesRequest");
            String group = text(modify.path("GroupId"));
            if (group == null) {
                throw new EventFormatException("detail.requestParameters.ModifySecurityGroupRulesRequest.GroupId is missing");
            }
            return new Change(eventId, eventName, eventSource, eventTime, actor, origin,
                    ResourceRef.securityGroup(group, account, region), kind, modifiedRules(modify), null, request);
        }
        List<IngressRule> rules = rules(request);
        List<JsonNode> ruleSet = items(detail.path("responseElements").path("securityGroupRuleSet"),
                "detail.responseElements.securityGroupRuleSet");
        String groupId = text(request.path("groupId"));
        if (groupId == null && !ruleSet.isEmpty()) {
            groupId = text(ruleSet.get(0).path("groupId"));
        }
        if (groupId == null) {
            throw new EventFormatException("detail.requestParameters.groupId is missing");
        }
        rules = withRuleIds(rules, ruleSet);
        return new Change(eventId, eventName, eventSource, eventTime, actor, origin,
                ResourceRef.securityGroup(groupId, account, region), kind, rules, null, request);
    }

    /**
     * Only AWS itself can put events with a {@code source} starting {@code aws.} on a bus; anything else is someone's
     * own PutEvents pretending to be CloudTrail or Config.
     */
    static void requireAwsSource(JsonNode root) {
        String source = text(root.path("source"));
        if (source == null || !source.startsWith("aws.")) {
            throw new EventFormatException("source is " + (source == null ? "missing" : "'" + source + "'")
                    + "; only events from AWS services (source aws.*) are trusted");
        }
    }

    private static ChangeKind kindOf(String eventSource, String eventName) {
        if ("ec2.amazonaws.com".equals(eventSource) && SECURITY_GROUP_CALLS.containsKey(eventName)) {
            return SECURITY_GROUP_CALLS.get(eventName);
        }
        return CONFIGURATION_CALLS.getOrDefault(eventSource, java.util.Set.of()).contains(eventName)
                ? ChangeKind.CONFIGURATION : ChangeKind.OTHER;
    }

    /** The resource a configuration call acts on, from the field CloudTrail records it in. */
    private static ResourceRef locate(String eventSource, String eventName, JsonNode request, String account,
                                      String region) {
        if ("cloudtrail.amazonaws.com".equals(eventSource)) {
            String trail = firstNonNull(text(request.path("name")), text(request.path("trailName")));
            if (trail == null) {
                throw new EventFormatException("detail.requestParameters.name (the trail) is missing");
            }
            return ResourceRef.trail(trail, account, region);
        }
        if ("iam.amazonaws.com".equals(eventSource)) {
            for (String kind : List.of("role", "user", "group")) {
                String name = text(request.path(kind + "Name"));
                if (name != null) {
                    return ResourceRef.iam(kind, name, account);
                }
            }
            String policy = text(request.path("policyArn"));
            if (policy != null) {
                return ResourceRef.iam("policy", policy, account);
            }
            // CreateAccessKey and CreateLoginProfile without a user name act on the caller: the root user when
            // the caller is root.
            return ResourceRef.iam("root", "root", account);
        }
        if ("s3.amazonaws.com".equals(eventSource)) {
            // The account-level calls go to S3 Control (host <account>.s3-control…) and name no bucket.
            if (eventName.contains("Account")) {
                return ResourceRef.accountPublicAccessBlock(account, region);
            }
            String bucket = text(request.path("bucketName"));
            if (bucket == null) {
                throw new EventFormatException("detail.requestParameters.bucketName is missing");
            }
            return ResourceRef.bucket(bucket, account, region);
        }
        String flowLog = firstFlowLogId(request);
        if (flowLog == null) {
            throw new EventFormatException("detail.requestParameters names no flow log id");
        }
        return ResourceRef.flowLog(flowLog, account, region);
    }

    /**
     * Recorded as {@code DeleteFlowLogsRequest.FlowLogId: {content, tag}} (one or a list) since 2024, and as
     * {@code flowLogId: [...]} before.
     */
    private static String firstFlowLogId(JsonNode request) {
        for (JsonNode candidate : List.of(request.path("DeleteFlowLogsRequest").path("FlowLogId"),
                request.path("flowLogId"), request.path("flowLogIds"), request.path("FlowLogIds"))) {
            JsonNode first = candidate.isArray() ? candidate.path(0) : candidate;
            String id = firstNonNull(text(first), text(first.path("content")));
            if (id == null && first.path("items").isArray()) {
                id = text(first.path("items").path(0).path("flowLogId"));
            }
            if (id != null) {
                return id;
            }
        }
        return null;
    }

    private static Actor actor(JsonNode detail) {
        JsonNode identity = detail.path("userIdentity");
        if (!identity.isObject()) {
            throw new EventFormatException("detail.userIdentity is missing or not an object");
        }
        JsonNode session = identity.path("sessionContext");
        boolean mfa = "true".equalsIgnoreCase(text(session.path("attributes").path("mfaAuthenticated")));
        return new Actor(text(identity.path("arn")), text(identity.path("type")),
                text(session.path("sessionIssuer").path("arn")), mfa,
                text(detail.path("sourceIPAddress")), text(detail.path("userAgent")),
                text(session.path("sourceIdentity")));
    }

    /** Both request forms: {@code ipPermissions.items[]}, and the legacy top-level {@code cidrIp}/{@code ipProtocol}/ports. */
    private static List<IngressRule> rules(JsonNode request) {
        List<IngressRule> rules = new ArrayList<>();
        List<JsonNode> permissions = items(request.path("ipPermissions"), "detail.requestParameters.ipPermissions");
        for (int i = 0; i < permissions.size(); i++) {
            String at = "detail.requestParameters.ipPermissions.items[" + i + "]";
            JsonNode p = permissions.get(i);
            IpProtocol protocol = protocol(p, at);
            PortRange ports = ports(p, protocol, at);
            for (JsonNode r : items(p.path("ipRanges"), at + ".ipRanges")) {
                rules.add(new IngressRule(null, protocol, ports, cidr(r, "cidrIp", at + ".ipRanges"), null,
                        text(r.path("description"))));
            }
            for (JsonNode r : items(p.path("ipv6Ranges"), at + ".ipv6Ranges")) {
                rules.add(new IngressRule(null, protocol, ports, cidr(r, "cidrIpv6", at + ".ipv6Ranges"), null,
                        text(r.path("description"))));
            }
            for (JsonNode g : items(p.path("groups"), at + ".groups")) {
                String source = firstNonNull(text(g.path("groupId")), text(g.path("groupName")));
                if (source != null) {
                    rules.add(new IngressRule(null, protocol, ports, null, source, text(g.path("description"))));
                }
            }
            for (JsonNode l : items(p.path("prefixListIds"), at + ".prefixListIds")) {
                String source = text(l.path("prefixListId"));
                if (source != null) {
                    rules.add(new IngressRule(null, protocol, ports, null, source, text(l.path("description"))));
                }
            }
        }
        if (request.hasNonNull("cidrIp")) {
            IpProtocol protocol = protocol(request, "detail.requestParameters");
            rules.add(new IngressRule(null, protocol, ports(request, protocol, "detail.requestParameters"),
                    cidr(request, "cidrIp", "detail.requestParameters"), null, null));
        }
        if (rules.isEmpty()) {
            throw new EventFormatException("detail.requestParameters has no ipPermissions and no cidrIp");
        }
        return rules;
    }

    /**
     * {@code ModifySecurityGroupRulesRequest.SecurityGroupRule}: one or a list of
     * {@code {SecurityGroupRuleId, SecurityGroupRule: {IpProtocol, FromPort, ToPort, CidrIpv4|CidrIpv6|…}}}.
     */
    private static List<IngressRule> modifiedRules(JsonNode modify) {
        JsonNode raw = modify.path("SecurityGroupRule");
        List<JsonNode> entries = new ArrayList<>();
        if (raw.isArray()) {
            raw.forEach(entries::add);
        } else if (raw.isObject()) {
            entries.add(raw);
        }
        if (entries.isEmpty()) {
            throw new EventFormatException("detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule is missing");
        }
        List<IngressRule> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String at = "detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule[" + i + "]";
            JsonNode entry = entries.get(i);
            JsonNode rule = entry.path("SecurityGroupRule");
            String id = text(entry.path("SecurityGroupRuleId"));
            String protocolText = text(rule.path("IpProtocol"));
            if (protocolText == null) {
                throw new EventFormatException(at + ".SecurityGroupRule.IpProtocol is missing");
            }
            IpProtocol protocol = IpProtocol.parse(protocolText);
            PortRange ports = PortRange.ALL;
            if (protocol.hasPorts()) {
                JsonNode from = rule.path("FromPort");
                JsonNode to = rule.path("ToPort");
                if (!from.isIntegralNumber() || !to.isIntegralNumber() || !from.canConvertToInt() || !to.canConvertToInt()) {
                    throw new EventFormatException(at + " needs integer FromPort and ToPort for protocol " + protocol.apiName());
                }
                try {
                    ports = new PortRange(from.intValue(), to.intValue());
                } catch (IllegalArgumentException e) {
                    throw new EventFormatException(at + ": " + e.getMessage());
                }
            }
            Cidr cidr = rule.hasNonNull("CidrIpv4") ? cidr(rule, "CidrIpv4", at)
                    : rule.hasNonNull("CidrIpv6") ? cidr(rule, "CidrIpv6", at) : null;
            String other = cidr != null ? null : firstNonNull(text(rule.path("ReferencedGroupId")), text(rule.path("PrefixListId")));
            if (cidr != null || other != null) {
                out.add(new IngressRule(id, protocol, ports, cidr, other, text(rule.path("Description"))));
            }
        }
        return out;
    }

    /** Gives each requested rule the {@code sgr-…} id EC2 returned for it, matched by permission. */
    private static List<IngressRule> withRuleIds(List<IngressRule> rules, List<JsonNode> ruleSet) {
        List<IngressRule> returned = new ArrayList<>();
        for (int i = 0; i < ruleSet.size(); i++) {
            JsonNode r = ruleSet.get(i);
            String at = "detail.responseElements.securityGroupRuleSet.items[" + i + "]";
            String id = text(r.path("securityGroupRuleId"));
            if (id == null || r.path("isEgress").asBoolean(false)) {
                continue;
            }
            IpProtocol protocol = protocol(r, at);
            PortRange ports = ports(r, protocol, at);
            Cidr cidr = r.hasNonNull("cidrIpv4") ? cidr(r, "cidrIpv4", at)
                    : r.hasNonNull("cidrIpv6") ? cidr(r, "cidrIpv6", at) : null;
            String other = cidr != null ? null : firstNonNull(text(r.path("referencedGroupInfo").path("groupId")),
                    text(r.path("prefixListId")));
            if (cidr != null || other != null) {
                returned.add(new IngressRule(id, protocol, ports, cidr, other, null));
            }
        }
        List<IngressRule> result = new ArrayList<>();
        for (IngressRule rule : rules) {
            String id = returned.stream().filter(rule::samePermissionAs).map(IngressRule::ruleId).findFirst().orElse(null);
            result.add(id == null ? rule : rule.withRuleId(id));
        }
        return result;
    }

    private static IpProtocol protocol(JsonNode node, String at) {
        String value = text(node.path("ipProtocol"));
        if (value == null) {
            throw new EventFormatException(at + ".ipProtocol is missing");
        }
        return IpProtocol.parse(value);
    }

    private static PortRange ports(JsonNode node, IpProtocol protocol, String at) {
        if (!protocol.hasPorts()) {
            return PortRange.ALL;
        }
        JsonNode from = node.path("fromPort");
        JsonNode to = node.path("toPort");
        if (!from.canConvertToInt() || !to.canConvertToInt() || !from.isIntegralNumber() || !to.isIntegralNumber()) {
            throw new EventFormatException(at + " needs integer fromPort and toPort for protocol " + protocol.apiName());
        }
        try {
            return new PortRange(from.intValue(), to.intValue());
        } catch (IllegalArgumentException e) {
            throw new EventFormatException(at + ": " + e.getMessage());
        }
    }

    private static Cidr cidr(JsonNode node, String field, String at) {
        String value = text(node.path(field));
        if (value == null) {
            throw new EventFormatException(at + "." + field + " is missing");
        }
        try {
            return Cidr.parse(value);
        } catch (IllegalArgumentException e) {
            throw new EventFormatException(at + "." + field + ": " + e.getMessage());
        }
    }

    /** CloudTrail wraps lists as {@code {"items": [...]}}; an absent or empty wrapper is an empty list. */
    private static List<JsonNode> items(JsonNode wrapper, String at) {
        if (wrapper.isMissingNode() || wrapper.isNull() || (wrapper.isObject() && wrapper.isEmpty())) {
            return List.of();
        }
        JsonNode items = wrapper.path("items");
        if (!wrapper.isObject() || !items.isArray()) {
            throw new EventFormatException(at + " is not of the form {\"items\": [...]}");
        }
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isObject()) {
                throw new EventFormatException(at + ".items[" + i + "] is not an object");
            }
            out.add(items.get(i));
        }
        return out;
    }

    private static String required(JsonNode node, String field) {
        String value = text(node.path(field));
        if (value == null) {
            throw new EventFormatException("detail." + field + " is missing or not a string");
        }
        return value;
    }

    private static Instant instant(JsonNode node, String field) {
        String value = required(node, field);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new EventFormatException("detail." + field + " '" + value + "' is not an ISO-8601 UTC time");
        }
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    /** A field of the event is missing or malformed; the message names it. */
    static final class EventFormatException extends RuntimeException {
        EventFormatException(String message) {
            super(message, null, false, false);
        }
    }
}
