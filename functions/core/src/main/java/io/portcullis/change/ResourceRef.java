package io.portcullis.change;

/**
 * The AWS resource a change or finding is about.
 *
 * @param type    CloudFormation-style type, e.g. {@code AWS::EC2::SecurityGroup}
 * @param id      the resource id, e.g. {@code sg-0123456789abcdef0}
 * @param arn     the resource ARN
 * @param account the 12-digit account id
 * @param region  the region, e.g. {@code eu-west-1}
 */
public record ResourceRef(String type, String id, String arn, String account, String region) {

    public static final String SECURITY_GROUP = "AWS::EC2::SecurityGroup";

    public static ResourceRef securityGroup(String groupId, String account, String region) {
        return new ResourceRef(SECURITY_GROUP, groupId,
                "arn:aws:ec2:" + region + ":" + account + ":security-group/" + groupId, account, region);
    }
}
