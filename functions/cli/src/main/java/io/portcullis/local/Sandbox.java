package io.portcullis.local;

import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * A throw-away VPC with a production-tagged security group that already has one harmless rule (HTTPS from inside
 * the VPC), created in the emulator for the demo and the end-to-end tests.
 */
public record Sandbox(String vpcId, String groupId, String groupName, String harmlessRuleId) {

    public static final String VPC_CIDR = "10.20.0.0/16";

    public static Sandbox create(Ec2Client ec2, String name, String environment) {
        String vpcId = ec2.createVpc(r -> r.cidrBlock(VPC_CIDR)).vpc().vpcId();
        String groupId = ec2.createSecurityGroup(r -> r.groupName(name).vpcId(vpcId)
                .description("Portcullis sandbox: web tier")
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                        .tags(Tag.builder().key("environment").value(environment).build(),
                                Tag.builder().key("Name").value(name).build()).build())).groupId();
        List<SecurityGroupRule> added = ec2.authorizeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(p -> p
                .ipProtocol("tcp").fromPort(443).toPort(443)
                .ipRanges(ip -> ip.cidrIp(VPC_CIDR).description("HTTPS from the VPC")))).securityGroupRules();
        return new Sandbox(vpcId, groupId, name, added.get(0).securityGroupRuleId());
    }
}
