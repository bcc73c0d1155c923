package io.portcullis.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * Replays a sample CloudTrail event from {@code events/} against a sandbox: the sample is aimed at the sandbox's
 * security group with a fresh event id and time, and, for an ingress call that succeeded, the same call is first made
 * for real in the emulator so the live state matches the event and the response carries EC2's real rule ids.
 */
public final class EventReplay {

    private EventReplay() {
    }

    public static ObjectNode load(Path file) {
        try {
            return (ObjectNode) Json.mapper().readTree(file.toFile());
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("cannot read sample event " + file + ": " + e.getMessage(), e);
        }
    }

    /** A copy aimed at {@code groupId}, with a new event id and the current time. */
    public static ObjectNode retarget(ObjectNode sample, String groupId) {
        ObjectNode event = sample.deepCopy();
        String now = Instant.now().toString();
        event.put("id", UUID.randomUUID().toString());
        event.put("time", now);
        ObjectNode detail = (ObjectNode) event.path("detail");
        detail.put("eventID", UUID.randomUUID().toString());
        detail.put("eventTime", now);
        if (detail.path("requestParameters").isObject() && "ec2.amazonaws.com".equals(detail.path("eventSource").asText())) {
            ((ObjectNode) detail.path("requestParameters")).put("groupId", groupId);
        }
        JsonNode items = detail.path("responseElements").path("securityGroupRuleSet").path("items");
        items.forEach(i -> ((ObjectNode) i).put("groupId", groupId));
        return event;
    }

    /**
     * Makes the event's {@code AuthorizeSecurityGroupIngress} call in the emulator and writes EC2's answer into the
     * event's {@code responseElements}, as CloudTrail would have recorded it.
     */
    public static ObjectNode applyIngress(Ec2Client ec2, ObjectNode event) {
        JsonNode detail = event.path("detail");
        String groupId = detail.path("requestParameters").path("groupId").asText();
        List<IpPermission> permissions = new ArrayList<>();
        for (JsonNode p : detail.path("requestParameters").path("ipPermissions").path("items")) {
            IpPermission.Builder b = IpPermission.builder().ipProtocol(p.path("ipProtocol").asText());
            if (p.has("fromPort")) {
                b.fromPort(p.path("fromPort").asInt()).toPort(p.path("toPort").asInt());
            }
            List<IpRange> v4 = new ArrayList<>();
            p.path("ipRanges").path("items").forEach(r -> v4.add(IpRange.builder().cidrIp(r.path("cidrIp").asText())
                    .description(r.path("description").asText(null)).build()));
            List<Ipv6Range> v6 = new ArrayList<>();
            p.path("ipv6Ranges").path("items").forEach(r -> v6.add(Ipv6Range.builder()
                    .cidrIpv6(r.path("cidrIpv6").asText()).description(r.path("description").asText(null)).build()));
            permissions.add(b.ipRanges(v4).ipv6Ranges(v6).build());
        }
        List<SecurityGroupRule> rules = ec2.authorizeSecurityGroupIngress(r -> r.groupId(groupId)
                .ipPermissions(permissions)).securityGroupRules();
        ObjectNode response = ((ObjectNode) detail).putObject("responseElements");
        response.put("requestId", UUID.randomUUID().toString());
        response.put("_return", true);
        ArrayNode items = response.putObject("securityGroupRuleSet").putArray("items");
        for (SecurityGroupRule rule : rules) {
            ObjectNode item = items.addObject();
            item.put("groupOwnerId", rule.groupOwnerId());
            item.put("groupId", rule.groupId());
            item.put("securityGroupRuleId", rule.securityGroupRuleId());
            item.put("isEgress", Boolean.TRUE.equals(rule.isEgress()));
            item.put("ipProtocol", rule.ipProtocol());
            item.put("fromPort", rule.fromPort());
            item.put("toPort", rule.toPort());
            if (rule.cidrIpv4() != null) {
                item.put("cidrIpv4", rule.cidrIpv4());
            }
            if (rule.cidrIpv6() != null) {
                item.put("cidrIpv6", rule.cidrIpv6());
            }
            if (rule.description() != null) {
                item.put("description", rule.description());
            }
        }
        return event;
    }
}
