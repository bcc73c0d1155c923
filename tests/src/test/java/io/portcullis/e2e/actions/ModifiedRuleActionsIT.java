package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.testing.InMemoryLastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.playbook.SecurityGroupActions;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.SecurityGroupIngressRule;
import io.portcullis.rule.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Security-group fixes against the emulator's EC2: revert-modified-rule puts a rule ModifySecurityGroupRules changed
 * back to what the inventory saw (and Undo modifies it again); revoke-ingress finds an AWS Config item's rules, which
 * carry no ids, on the live group by permission.
 */
class ModifiedRuleActionsIT {

    static final Instant SWEPT = Instant.now().minusSeconds(3600);

    final Ec2Client ec2 = AWS.ec2(Region.US_EAST_1);
    final Ec2SecurityGroups groups = new Ec2SecurityGroups(AWS::ec2);
    final InMemoryLastKnownConfigurations inventory = new InMemoryLastKnownConfigurations();
    final SecurityGroupActions actions = new SecurityGroupActions(groups, groups, inventory);
    final ResourceRef group;

    ModifiedRuleActionsIT() {
        String id = ec2.createSecurityGroup(c -> c.groupName(unique("db-prod")).description("database")).groupId();
        group = ResourceRef.securityGroup(id, ACCOUNT, "us-east-1");
        ec2.authorizeSecurityGroupIngress(a -> a.groupId(id).ipPermissions(p -> p.ipProtocol("tcp").fromPort(3306)
                .toPort(3306).ipRanges(r -> r.cidrIp("10.20.0.0/16").description("MySQL from the app subnets"))));
    }

    List<IngressRule> live() {
        return groups.describe(group).orElseThrow().ingress();
    }

    IngressRule mysql() {
        return live().stream().filter(r -> r.ports().equals(new PortRange(3306, 3306))).findFirst().orElseThrow();
    }

    /** The sweep saw the group as it is now. */
    void sweep() {
        ObjectNode config = Json.mapper().createObjectNode();
        config.set("ingress", Json.mapper().valueToTree(live()));
        inventory.record(group, config, SWEPT);
    }

    void modify(IngressRule to) {
        groups.modifyIngress(group, List.of(to));
    }

    static Incident incident(ResourceRef group, String eventName, IngressRule offending) {
        Finding f = new Finding(SecurityGroupIngressRule.ID_CRITICAL, RuleFamily.SECURITY_GROUP, Severity.CRITICAL,
                Exposure.INTERNET, group, List.of(offending), Map.of(), "test finding");
        String event = UUID.randomUUID().toString();
        return new Incident(Incident.idFor(event), 1, IncidentStatus.OPEN, RemediationMode.ENFORCE, event, eventName,
                Instant.now(), null, null, group, "production", List.of(f), Priority.P1, Response.AUTO, null,
                Instant.now(), null, null, null, null, null, null, List.of(), null, List.of(), List.of(),
                List.of(offending), 1, null);
    }

    @Test
    void aModifiedRuleGoesBackToItsPreviousDefinitionAndUndoModifiesItAgain() {
        IngressRule before = mysql();
        sweep();
        IngressRule world = new IngressRule(before.ruleId(), IpProtocol.TCP, new PortRange(3306, 3306),
                Cidr.parse("0.0.0.0/0"), null, "widened for the migration");
        modify(world);
        Incident incident = incident(group, "ModifySecurityGroupRules", world);
        assertThat(actions.stillWrong(incident)).isPresent();

        ActionResult revoke = actions.apply(RemediationAction.REVOKE_INGRESS, incident, null, false);
        ActionResult fixed = actions.apply(RemediationAction.REVERT_MODIFIED_RULE, incident, null, false);

        assertThat(revoke.kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(mysql()).isEqualTo(before);
        assertThat(live()).hasSize(1);
        assertThat(actions.stillWrong(incident)).isEmpty();

        ActionResult undone = actions.undo(RemediationAction.REVERT_MODIFIED_RULE, incident, fixed.undo());

        assertThat(undone.kind()).isEqualTo(Kind.CHANGED);
        assertThat(mysql()).isEqualTo(world);
        assertThat(actions.undo(RemediationAction.REVERT_MODIFIED_RULE, incident, fixed.undo()).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void aRuleChangedAgainIsRefusedBeforeTheFixAndAfterIt() {
        IngressRule before = mysql();
        sweep();
        IngressRule world = new IngressRule(before.ruleId(), IpProtocol.TCP, new PortRange(3306, 3306),
                Cidr.parse("0.0.0.0/0"), null, "widened");
        IngressRule partner = new IngressRule(before.ruleId(), IpProtocol.TCP, new PortRange(3306, 3306),
                Cidr.parse("192.0.2.0/24"), null, "partner");
        Incident incident = incident(group, "ModifySecurityGroupRules", world);
        modify(partner);

        ActionResult refused = actions.apply(RemediationAction.REVERT_MODIFIED_RULE, incident, null, false);

        assertThat(refused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(mysql()).isEqualTo(partner);

        modify(world);
        ActionResult fixed = actions.apply(RemediationAction.REVERT_MODIFIED_RULE, incident, null, false);
        modify(partner);
        ActionResult undo = actions.undo(RemediationAction.REVERT_MODIFIED_RULE, incident, fixed.undo());

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(undo.kind()).isEqualTo(Kind.REFUSED);
        assertThat(mysql()).isEqualTo(partner);
    }

    @Test
    void aConfigItemsRuleWithoutAnIdIsFoundOnTheLiveGroupByPermissionRevokedAndPutBackOnUndo() {
        ec2.authorizeSecurityGroupIngress(a -> a.groupId(group.id()).ipPermissions(p -> p.ipProtocol("tcp").fromPort(22)
                .toPort(22).ipRanges(r -> r.cidrIp("0.0.0.0/0"))));
        IngressRule fromConfig = new IngressRule(null, IpProtocol.TCP, new PortRange(22, 22), Cidr.parse("0.0.0.0/0"),
                null, null);
        Incident incident = incident(group, "ConfigurationItemChange", fromConfig);

        ActionResult revoked = actions.apply(RemediationAction.REVOKE_INGRESS, incident, null, false);

        assertThat(revoked.kind()).isEqualTo(Kind.CHANGED);
        assertThat(live()).extracting(IngressRule::source).containsExactly("10.20.0.0/16");
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.undo(RemediationAction.REVOKE_INGRESS, incident, revoked.undo()).kind()).isEqualTo(Kind.CHANGED);
        assertThat(live()).extracting(IngressRule::source).containsExactlyInAnyOrder("10.20.0.0/16", "0.0.0.0/0");
    }
}
