package io.portcullis.aws;

import io.portcullis.change.ResourceRef;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.remediation.SecurityGroupInspector;
import io.portcullis.remediation.SecurityGroupRemediator;
import io.portcullis.remediation.SecurityGroupState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeSecurityGroupsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * Security groups over EC2: {@code DescribeSecurityGroups} and {@code DescribeSecurityGroupRules} to read,
 * {@code RevokeSecurityGroupIngress} by rule id to remove exactly the offending rules, {@code ModifySecurityGroupRules}
 * to put a modified rule back. One client per region, built
 * on first use.
 */
public final class Ec2SecurityGroups implements SecurityGroupInspector, SecurityGroupRemediator {

    private final Function<Region, Ec2Client> clientFactory;
    private final Map<String, Ec2Client> clients = new ConcurrentHashMap<>();

    public Ec2SecurityGroups(Function<Region, Ec2Client> clientFactory) {
        this.clientFactory = clientFactory;
    }

    private Ec2Client client(ResourceRef group) {
        return clients.computeIfAbsent(group.region(), r -> clientFactory.apply(Region.of(r)));
    }

    @Override
    public Optional<SecurityGroupState> describe(ResourceRef group) {
        Ec2Client ec2 = client(group);
        DescribeSecurityGroupsResponse groups;
        try {
            groups = ec2.describeSecurityGroups(r -> r.groupIds(group.id()));
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && "InvalidGroup.NotFound".equals(e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
        if (!groups.hasSecurityGroups() || groups.securityGroups().isEmpty()) {
            return Optional.empty();
        }
        SecurityGroup sg = groups.securityGroups().get(0);
        Map<String, String> tags = new LinkedHashMap<>();
        sg.tags().forEach(t -> tags.put(t.key(), t.value()));
        List<IngressRule> ingress = new ArrayList<>();
        ec2.describeSecurityGroupRulesPaginator(r -> r.filters(Filter.builder().name("group-id").values(group.id()).build()))
                .securityGroupRules().forEach(rule -> {
                    if (!Boolean.TRUE.equals(rule.isEgress())) {
                        toIngressRule(rule).ifPresent(ingress::add);
                    }
                });
        return Optional.of(new SecurityGroupState(group, sg.groupName(), tags, ingress));
    }

    static Optional<IngressRule> toIngressRule(SecurityGroupRule rule) {
        IpProtocol protocol = IpProtocol.parse(rule.ipProtocol());
        PortRange ports = protocol.hasPorts() && rule.fromPort() != null && rule.toPort() != null
                && rule.fromPort() >= 0 ? new PortRange(rule.fromPort(), rule.toPort()) : PortRange.ALL;
        Cidr cidr = rule.cidrIpv4() != null ? Cidr.parse(rule.cidrIpv4())
                : rule.cidrIpv6() != null ? Cidr.parse(rule.cidrIpv6()) : null;
        String other = rule.referencedGroupInfo() != null ? rule.referencedGroupInfo().groupId() : rule.prefixListId();
        if (cidr == null && other == null) {
            return Optional.empty();
        }
        return Optional.of(new IngressRule(rule.securityGroupRuleId(), protocol, ports, cidr, cidr == null ? other : null,
                rule.description()));
    }

    /**
     * One {@code RevokeSecurityGroupIngress} call with every rule id: EC2 applies it whole or not at all (an unknown
     * id fails the call before any rule is removed), so a group is never left with half of an offending change.
     *
     * <p>If EC2 answers that a rule is not there, the call is taken up again for the rules that still are: after a
     * lost response the SDK's retry finds its own first attempt's work done, and a rule someone else removed in the
     * meantime must not keep the rest in place. When none is left, the revoke is complete.
     */
    @Override
    public void revokeIngress(ResourceRef group, List<String> ruleIds) {
        if (ruleIds.isEmpty()) {
            return;
        }
        Ec2Client ec2 = client(group);
        try {
            ec2.revokeSecurityGroupIngress(r -> r.groupId(group.id()).securityGroupRuleIds(ruleIds));
        } catch (Ec2Exception e) {
            if (!isRuleNotFound(e)) {
                throw e;
            }
            List<String> left = describe(group).map(s -> s.ingress().stream().map(IngressRule::ruleId)
                    .filter(ruleIds::contains).toList()).orElse(List.of());
            if (!left.isEmpty() && left.size() < ruleIds.size()) {
                ec2.revokeSecurityGroupIngress(r -> r.groupId(group.id()).securityGroupRuleIds(left));
            } else if (!left.isEmpty()) {
                throw e; // every rule is still there: the error was about something else
            }
        }
    }

    /** EC2's answer when a rule id is unknown (moto answers {@code InvalidPermission.NotFound}). */
    private static boolean isRuleNotFound(Ec2Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return "InvalidSecurityGroupRuleId.NotFound".equals(code) || "InvalidPermission.NotFound".equals(code);
    }

    /**
     * One {@code ModifySecurityGroupRules} call: each rule, by its id, gets exactly this protocol, ports (-1 to -1 for
     * every protocol), source and description.
     */
    @Override
    public void modifyIngress(ResourceRef group, List<IngressRule> rules) {
        if (rules.isEmpty()) {
            return;
        }
        List<software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate> updates = new ArrayList<>();
        for (IngressRule rule : rules) {
            var definition = software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest.builder()
                    .ipProtocol(rule.protocol().apiName()).description(rule.description());
            if (rule.protocol().hasPorts()) {
                definition.fromPort(rule.ports().from()).toPort(rule.ports().to());
            } else {
                definition.fromPort(-1).toPort(-1);
            }
            if (rule.cidr() != null && rule.cidr().isIpv6()) {
                definition.cidrIpv6(rule.cidr().toString());
            } else if (rule.cidr() != null) {
                definition.cidrIpv4(rule.cidr().toString());
            } else if (rule.otherSource().startsWith("pl-")) {
                definition.prefixListId(rule.otherSource());
            } else {
                definition.referencedGroupId(rule.otherSource());
            }
            updates.add(software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate.builder()
                    .securityGroupRuleId(rule.ruleId()).securityGroupRule(definition.build()).build());
        }
        client(group).modifySecurityGroupRules(m -> m.groupId(group.id()).securityGroupRules(updates));
    }

    @Override
    public void restoreIngress(ResourceRef group, List<IngressRule> rules) {
        if (rules.isEmpty()) {
            return;
        }
        List<software.amazon.awssdk.services.ec2.model.IpPermission> permissions = new ArrayList<>();
        for (IngressRule rule : rules) {
            var p = software.amazon.awssdk.services.ec2.model.IpPermission.builder().ipProtocol(rule.protocol().apiName());
            if (rule.protocol().hasPorts()) {
                p.fromPort(rule.ports().from()).toPort(rule.ports().to());
            }
            String description = rule.description();
            if (rule.cidr() != null && rule.cidr().isIpv6()) {
                p.ipv6Ranges(r -> r.cidrIpv6(rule.cidr().toString()).description(description));
            } else if (rule.cidr() != null) {
                p.ipRanges(r -> r.cidrIp(rule.cidr().toString()).description(description));
            } else if (rule.otherSource().startsWith("pl-")) {
                p.prefixListIds(r -> r.prefixListId(rule.otherSource()).description(description));
            } else {
                p.userIdGroupPairs(r -> r.groupId(rule.otherSource()).description(description));
            }
            permissions.add(p.build());
        }
        client(group).authorizeSecurityGroupIngress(r -> r.groupId(group.id()).ipPermissions(permissions));
    }
}
