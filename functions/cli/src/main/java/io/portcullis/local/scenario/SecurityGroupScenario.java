package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.local.EventReplay;
import io.portcullis.local.Sandbox;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate;

/**
 * A production security group in a sandbox VPC ({@link Sandbox}: tagged {@code environment=production}, one harmless
 * HTTPS-from-the-VPC rule), changed by {@code AuthorizeSecurityGroupIngress}, {@code ModifySecurityGroupRules} (the
 * modified rule exists before, open to the VPC only), an AWS Config configuration item (the ingress it lists is
 * added) or a NON_COMPLIANT Config rule verdict (the ingress that breaks that rule is added).
 */
final class SecurityGroupScenario implements Scenario {

    static final Set<String> CALLS = Set.of("AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules");

    /** The Config rules about security groups, and an ingress rule that makes a group NON_COMPLIANT with each. */
    static final Map<String, IpPermission> BREAKS = Map.of(
            "restricted-ssh", world(22), "restricted-common-ports", world(3389),
            "vpc-sg-open-only-to-authorized-ports", world(8080));

    private final ScenarioAws aws;
    private Sandbox sandbox;
    /** ModifySecurityGroupRules: the sample's rule id → the sandbox rule standing for it. */
    private final Map<String, String> modified = new LinkedHashMap<>();

    SecurityGroupScenario(ScenarioAws aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return sandbox == null ? "a production security group"
                : "security group " + sandbox.groupId() + " (" + sandbox.groupName() + ") in VPC " + sandbox.vpcId()
                        + ", tagged environment=production";
    }

    @Override
    public void createBefore(SampleEvent sample) {
        sandbox = Sandbox.create(aws.ec2(), ScenarioAws.unique("web-prod"), "production");
        // The rule a ModifySecurityGroupRules widens exists first, open to the VPC only.
        for (JsonNode entry : modifyEntries(sample.json())) {
            JsonNode rule = entry.path("SecurityGroupRule");
            IpPermission.Builder p = IpPermission.builder().ipProtocol(rule.path("IpProtocol").asText("tcp"));
            if (rule.has("FromPort")) {
                p.fromPort(rule.path("FromPort").asInt()).toPort(rule.path("ToPort").asInt());
            }
            p.ipRanges(IpRange.builder().cidrIp(Sandbox.VPC_CIDR).description("from the VPC").build());
            String id = aws.ec2().authorizeSecurityGroupIngress(r -> r.groupId(sandbox.groupId()).ipPermissions(p.build()))
                    .securityGroupRules().get(0).securityGroupRuleId();
            modified.put(entry.path("SecurityGroupRuleId").asText(), id);
        }
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        ObjectNode detail = (ObjectNode) event.path("detail");
        String groupId = sandbox.groupId();
        String arn = ResourceRef.securityGroup(groupId, aws.account(), aws.region()).arn();
        switch (sample.detailType()) {
            case SampleEvent.CONFIG_ITEM -> {
                ObjectNode item = (ObjectNode) detail.path("configurationItem");
                item.put("resourceId", groupId).put("resourceName", sandbox.groupName()).put("ARN", arn);
                if (item.path("configuration") instanceof ObjectNode c) {
                    c.put("groupId", groupId).put("groupName", sandbox.groupName()).put("vpcId", sandbox.vpcId());
                }
                item.path("relationships").forEach(r -> {
                    if ("AWS::EC2::VPC".equals(r.path("resourceType").asText())) {
                        ((ObjectNode) r).put("resourceId", sandbox.vpcId());
                    }
                });
                event.putArray("resources").add(arn);
            }
            case SampleEvent.CONFIG_COMPLIANCE -> SampleEvent.aimVerdict(event, groupId);
            default -> {
                if (detail.path("requestParameters") instanceof ObjectNode request && request.has("groupId")) {
                    request.put("groupId", groupId);
                }
                detail.path("responseElements").path("securityGroupRuleSet").path("items")
                        .forEach(i -> ((ObjectNode) i).put("groupId", groupId));
                for (JsonNode entry : modifyEntries(event)) {
                    ((ObjectNode) entry).put("SecurityGroupRuleId",
                            modified.getOrDefault(entry.path("SecurityGroupRuleId").asText(), ""));
                }
                if (detail.path("requestParameters").path("ModifySecurityGroupRulesRequest") instanceof ObjectNode m) {
                    m.put("GroupId", groupId);
                }
            }
        }
        return event;
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        SampleEvent aimed = new SampleEvent(null, event);
        switch (aimed.detailType()) {
            case SampleEvent.CONFIG_ITEM -> addMissing(configPermissions(
                    aimed.detail().path("configurationItem").path("configuration").path("ipPermissions")));
            case SampleEvent.CONFIG_COMPLIANCE -> {
                if (aimed.nonCompliant()) {
                    addMissing(List.of(BREAKS.get(aimed.eventName())));
                }
            }
            default -> {
                if (aimed.eventName().equals("ModifySecurityGroupRules")) {
                    List<SecurityGroupRuleUpdate> updates = new ArrayList<>();
                    for (JsonNode entry : modifyEntries(event)) {
                        JsonNode rule = entry.path("SecurityGroupRule");
                        SecurityGroupRuleRequest.Builder r = SecurityGroupRuleRequest.builder()
                                .ipProtocol(rule.path("IpProtocol").asText()).description(rule.path("Description").asText(null))
                                .cidrIpv4(rule.path("CidrIpv4").asText(null)).cidrIpv6(rule.path("CidrIpv6").asText(null));
                        if (rule.has("FromPort")) {
                            r.fromPort(rule.path("FromPort").asInt()).toPort(rule.path("ToPort").asInt());
                        }
                        updates.add(SecurityGroupRuleUpdate.builder()
                                .securityGroupRuleId(entry.path("SecurityGroupRuleId").asText())
                                .securityGroupRule(r.build()).build());
                    }
                    aws.ec2().modifySecurityGroupRules(m -> m.groupId(sandbox.groupId()).securityGroupRules(updates));
                } else {
                    EventReplay.applyIngress(aws.ec2(), event);
                }
            }
        }
        return event;
    }

    /** {@code {"ingress": [{"permission": "tcp port 443 from 10.20.0.0/16", "description": …}, …]}}, in order. */
    @Override
    public ObjectNode read() {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode ingress = out.putArray("ingress");
        new Ec2SecurityGroups(r -> aws.ec2()).describe(ResourceRef.securityGroup(sandbox.groupId(), aws.account(),
                        aws.region())).map(s -> s.ingress()).orElse(List.of()).stream()
                .sorted(Comparator.comparing(IngressRule::describe))
                .forEach(r -> {
                    ObjectNode rule = ingress.addObject().put("permission", r.describe());
                    if (r.description() != null) {
                        rule.put("description", r.description());
                    }
                });
        return out;
    }

    /**
     * The rules before the change, and those the change added that no finding names: a call may add a world-open
     * rule and an office one at once, and the fix takes only the first. Without rules in the findings (a Config
     * rule's verdict names none) everything the change added is the offending part.
     */
    @Override
    public ObjectNode fixed(ObjectNode before, ObjectNode after, Incident incident) {
        Set<String> offending = new java.util.HashSet<>();
        if (incident != null) {
            incident.findings().forEach(f -> f.evidence().forEach(r -> offending.add(r.describe())));
        }
        ObjectNode fixed = before.deepCopy();
        ArrayNode ingress = (ArrayNode) fixed.path("ingress");
        for (JsonNode rule : after.path("ingress")) {
            boolean added = !contains(before.path("ingress"), rule);
            if (added && !offending.isEmpty() && !offending.contains(rule.path("permission").asText())) {
                ingress.add(rule);
            }
        }
        List<JsonNode> sorted = new ArrayList<>();
        ingress.forEach(sorted::add);
        sorted.sort(Comparator.comparing(r -> r.path("permission").asText()));
        ingress.removeAll().addAll(sorted);
        return fixed;
    }

    private static boolean contains(JsonNode list, JsonNode element) {
        for (JsonNode e : list) {
            if (e.equals(element)) {
                return true;
            }
        }
        return false;
    }

    /** The permissions not on the live group yet, added (a Config item lists the whole group after the change). */
    private void addMissing(List<IpPermission> wanted) {
        List<IngressRule> live = new Ec2SecurityGroups(r -> aws.ec2()).describe(ResourceRef.securityGroup(
                sandbox.groupId(), aws.account(), aws.region())).map(s -> s.ingress()).orElse(List.of());
        for (IpPermission p : wanted) {
            if (live.stream().noneMatch(rule(p)::samePermissionAs)) {
                aws.ec2().authorizeSecurityGroupIngress(r -> r.groupId(sandbox.groupId()).ipPermissions(p));
            }
        }
    }

    /** A one-source permission as the domain's rule. */
    private static IngressRule rule(IpPermission p) {
        IpProtocol protocol = IpProtocol.parse(p.ipProtocol());
        PortRange ports = protocol.hasPorts() && p.fromPort() != null ? new PortRange(p.fromPort(), p.toPort())
                : PortRange.ALL;
        String cidr = !p.ipRanges().isEmpty() ? p.ipRanges().get(0).cidrIp() : p.ipv6Ranges().get(0).cidrIpv6();
        return new IngressRule(null, protocol, ports, Cidr.parse(cidr), null, null);
    }

    /** Config's form: {@code ipv4Ranges[].cidrIp} (or {@code ipRanges[]}), {@code ipv6Ranges[].cidrIpv6}; one source each. */
    private static List<IpPermission> configPermissions(JsonNode permissions) {
        List<IpPermission> out = new ArrayList<>();
        for (JsonNode p : permissions) {
            List<String> cidrs = new ArrayList<>();
            p.path("ipv4Ranges").forEach(r -> cidrs.add(r.path("cidrIp").asText()));
            if (cidrs.isEmpty()) {
                p.path("ipRanges").forEach(r -> cidrs.add(r.isTextual() ? r.asText() : r.path("cidrIp").asText()));
            }
            p.path("ipv6Ranges").forEach(r -> cidrs.add(r.path("cidrIpv6").asText()));
            for (String cidr : cidrs) {
                IpPermission.Builder b = IpPermission.builder().ipProtocol(p.path("ipProtocol").asText("-1"));
                if (p.has("fromPort")) {
                    b.fromPort(p.path("fromPort").asInt()).toPort(p.path("toPort").asInt());
                }
                b = cidr.contains(":") ? b.ipv6Ranges(Ipv6Range.builder().cidrIpv6(cidr).build())
                        : b.ipRanges(IpRange.builder().cidrIp(cidr).build());
                out.add(b.build());
            }
        }
        return out;
    }

    private static IpPermission world(int port) {
        return IpPermission.builder().ipProtocol("tcp").fromPort(port).toPort(port)
                .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build();
    }

    /** {@code ModifySecurityGroupRulesRequest.SecurityGroupRule}: one entry or a list of them. */
    private static List<JsonNode> modifyEntries(ObjectNode event) {
        JsonNode raw = event.path("detail").path("requestParameters").path("ModifySecurityGroupRulesRequest")
                .path("SecurityGroupRule");
        List<JsonNode> out = new ArrayList<>();
        if (raw.isArray()) {
            raw.forEach(out::add);
        } else if (raw.isObject()) {
            out.add(raw);
        }
        return out;
    }
}
