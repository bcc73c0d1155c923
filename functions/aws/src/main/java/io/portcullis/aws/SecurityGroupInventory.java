package io.portcullis.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.inventory.InventorySource;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.json.Json;
import io.portcullis.network.IngressRule;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The ingress rules of every security group of one region, recorded under {@link ResourceRef#securityGroup} as
 *
 * <pre>
 * {"ingress": [{"ruleId": "sgr-…", "protocol": "TCP", "ports": {"from": 5432, "to": 5432}, "cidr": "10.20.0.0/16",
 *               "description": "PostgreSQL from the VPC"}, …]}
 * </pre>
 *
 * <p>each rule as {@code Json.mapper().valueToTree(IngressRule)} writes it (the form the playbooks read rules in:
 * {@code otherSource} instead of {@code cidr} for a group or prefix-list source, fields without a value left out),
 * sorted by rule id. Two paginated calls whatever the number of groups: {@code DescribeSecurityGroups} for every group
 * (a group without any rule is recorded too, as {@code "ingress": []}, so the rules it lost are not taken for its
 * current ones), and {@code DescribeSecurityGroupRules} for every rule, with its {@code sgr-} id.
 */
public final class SecurityGroupInventory implements InventorySource {

    private final Supplier<Ec2Client> ec2;
    private final String account;
    private final String region;
    private final Clock clock;

    /** @param ec2 a client in {@code region} */
    public SecurityGroupInventory(Supplier<Ec2Client> ec2, String account, String region, Clock clock) {
        this.ec2 = new Lazy<>(ec2);
        this.account = account;
        this.region = region;
        this.clock = clock;
    }

    @Override
    public List<KnownConfiguration> readAll() {
        Map<String, List<IngressRule>> groups = new TreeMap<>();
        ec2.get().describeSecurityGroupsPaginator(r -> r.maxResults(1000)).securityGroups()
                .forEach(g -> groups.put(g.groupId(), new ArrayList<>()));
        ec2.get().describeSecurityGroupRulesPaginator(r -> r.maxResults(1000)).securityGroupRules().forEach(rule -> {
            // A group created between the two calls still counts: its rules name it.
            List<IngressRule> ingress = groups.computeIfAbsent(rule.groupId(), g -> new ArrayList<>());
            if (!Boolean.TRUE.equals(rule.isEgress())) {
                Ec2SecurityGroups.toIngressRule(rule).ifPresent(ingress::add);
            }
        });
        Instant read = clock.instant();
        List<KnownConfiguration> out = new ArrayList<>();
        groups.forEach((groupId, rules) -> {
            ObjectNode c = Json.mapper().createObjectNode();
            ArrayNode ingress = c.putArray("ingress");
            rules.stream().sorted(Comparator.comparing(IngressRule::ruleId, Comparator.nullsLast(String::compareTo)))
                    .forEach(rule -> ingress.add(Json.mapper().valueToTree(rule)));
            out.add(new KnownConfiguration(ResourceRef.securityGroup(groupId, account, region), c, read));
        });
        return out;
    }
}
