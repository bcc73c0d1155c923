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
    public static final String TRAIL = "AWS::CloudTrail::Trail";
    public static final String FLOW_LOG = "AWS::EC2::FlowLog";

    /** A trail named by its name or its ARN, as CloudTrail calls accept either. */
    public static ResourceRef trail(String nameOrArn, String account, String region) {
        if (nameOrArn.startsWith("arn:")) {
            String name = nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
            return new ResourceRef(TRAIL, name, nameOrArn, account, region);
        }
        return new ResourceRef(TRAIL, nameOrArn, "arn:aws:cloudtrail:" + region + ":" + account + ":trail/" + nameOrArn,
                account, region);
    }

    public static final String BUCKET = "AWS::S3::Bucket";
    public static final String ACCOUNT_PUBLIC_ACCESS_BLOCK = "AWS::S3::AccountPublicAccessBlock";

    public static ResourceRef bucket(String name, String account, String region) {
        return new ResourceRef(BUCKET, name, "arn:aws:s3:::" + name, account, region);
    }

    public static ResourceRef accountPublicAccessBlock(String account, String region) {
        return new ResourceRef(ACCOUNT_PUBLIC_ACCESS_BLOCK, account, "arn:aws:s3:" + region + ":" + account
                + ":account-public-access-block", account, region);
    }

    /** An IAM user, role or group ({@code user}, {@code role}, {@code group}); {@code root} for the root user. */
    public static ResourceRef iam(String kind, String name, String account) {
        if (kind.equals("root")) {
            return new ResourceRef("AWS::IAM::User", "root", "arn:aws:iam::" + account + ":root", account, "global");
        }
        String type = switch (kind) {
            case "user" -> "AWS::IAM::User";
            case "role" -> "AWS::IAM::Role";
            case "group" -> "AWS::IAM::Group";
            default -> "AWS::IAM::ManagedPolicy";
        };
        String arn = name.startsWith("arn:") ? name : "arn:aws:iam::" + account + ":" + kind + "/" + name;
        String id = name.startsWith("arn:") ? name.substring(name.lastIndexOf('/') + 1) : name;
        return new ResourceRef(type, id, arn, account, "global");
    }

    public static final String VPC = "AWS::EC2::VPC";
    /** The type AWS Config gives an account it judges as a whole (e.g. "no trail logging"). */
    public static final String ACCOUNT = "AWS::::Account";

    public static ResourceRef vpc(String id, String account, String region) {
        return new ResourceRef(VPC, id, "arn:aws:ec2:" + region + ":" + account + ":vpc/" + id, account, region);
    }

    /** An account as a whole, named by its root principal's ARN (an account has no ARN of its own). */
    public static ResourceRef account(String account, String region) {
        return new ResourceRef(ACCOUNT, account, "arn:aws:iam::" + account + ":root", account, region);
    }

    public static ResourceRef flowLog(String id, String account, String region) {
        return new ResourceRef(FLOW_LOG, id, "arn:aws:ec2:" + region + ":" + account + ":vpc-flow-log/" + id, account, region);
    }

    public static ResourceRef securityGroup(String groupId, String account, String region) {
        return new ResourceRef(SECURITY_GROUP, groupId,
                "arn:aws:ec2:" + region + ":" + account + ":security-group/" + groupId, account, region);
    }
}
