package io.portcullis.playbook;

import io.portcullis.rule.RuleFamily;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The registered remediation actions a playbook's {@code remediate} step may name, each with the rule family it
 * serves and the IAM permissions it needs (the template grants those, and only those, to the function that runs it).
 * Every action undoes only the offending part and refuses to act when the live state no longer matches the finding;
 * every change it makes can be undone (Undo, offered in Slack, puts back exactly what it changed, and only while the
 * resource is as the fix left it), and Undo's calls are declared too.
 */
public enum RemediationAction {
    REVOKE_INGRESS("revoke-ingress", RuleFamily.SECURITY_GROUP, true,
            "Revoke exactly the offending ingress rules, by rule id.",
            List.of("ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:RevokeSecurityGroupIngress"),
            List.of("ec2:AuthorizeSecurityGroupIngress")),
    RESTORE_PUBLIC_ACCESS_BLOCK("restore-public-access-block", RuleFamily.S3, true,
            "Turn the four public access block settings back on (bucket or account).",
            List.of("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
                    "s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"),
            List.of()),
    REMOVE_PUBLIC_STATEMENTS("remove-public-statements", RuleFamily.S3, true,
            "Remove only the bucket-policy statements that allow anyone, keep the rest.",
            List.of("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"),
            List.of()),
    REMOVE_PUBLIC_ACL_GRANTS("remove-public-acl-grants", RuleFamily.S3, true,
            "Remove only the AllUsers and AuthenticatedUsers grants from the bucket ACL.",
            List.of("s3:GetBucketAcl", "s3:PutBucketAcl"),
            List.of()),
    RESTORE_DEFAULT_ENCRYPTION("restore-default-encryption", RuleFamily.S3, true,
            "Put the bucket's default encryption back as the inventory last saw it before the change (same algorithm,"
                    + " KMS key and bucket-key setting), or SSE-S3 when it saw none; only while the live encryption is"
                    + " what the snapshot recorded.",
            List.of("s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"),
            List.of()),
    DETACH_POLICY("detach-policy", RuleFamily.IAM, true,
            "Detach the admin-equivalent managed policy from the user, role or group.",
            List.of("iam:ListAttachedUserPolicies", "iam:ListAttachedRolePolicies", "iam:ListAttachedGroupPolicies",
                    "iam:DetachUserPolicy", "iam:DetachRolePolicy", "iam:DetachGroupPolicy"),
            List.of("iam:AttachUserPolicy", "iam:AttachRolePolicy", "iam:AttachGroupPolicy")),
    RESTORE_DEFAULT_POLICY_VERSION("restore-default-policy-version", RuleFamily.IAM, true,
            "Make the newest version that is not admin-equivalent the default again (IAM keeps no record of the"
                    + " previous default).",
            List.of("iam:ListPolicyVersions", "iam:GetPolicyVersion", "iam:SetDefaultPolicyVersion"),
            List.of()),
    RESTORE_TRUST_POLICY("restore-trust-policy", RuleFamily.IAM, true,
            "Take only the offending principal (anyone, or the outside account) out of the role's trust policy.",
            List.of("iam:GetRole", "iam:UpdateAssumeRolePolicy"),
            List.of()),
    DEACTIVATE_ACCESS_KEY("deactivate-access-key", RuleFamily.IAM, true,
            "Deactivate (not delete) the access key the finding names, also another user's; the root user's keys"
                    + " go to a person (only root can change them).",
            List.of("iam:ListAccessKeys", "iam:UpdateAccessKey"),
            List.of()),
    REMOVE_INLINE_POLICY("remove-inline-policy", RuleFamily.IAM, true,
            "Put back the previous document of the admin-equivalent inline policy (as the inventory saw it, when that"
                    + " was not admin-equivalent), else delete the inline policy; only while it is the document judged.",
            List.of("iam:GetUserPolicy", "iam:GetRolePolicy", "iam:GetGroupPolicy", "iam:PutUserPolicy",
                    "iam:PutRolePolicy", "iam:PutGroupPolicy", "iam:DeleteUserPolicy", "iam:DeleteRolePolicy",
                    "iam:DeleteGroupPolicy"),
            List.of()),
    DELETE_LOGIN_PROFILE("delete-login-profile", RuleFamily.IAM, true,
            "Delete the console password of a user without an MFA device (nothing to do once the user has one);"
                    + " a deleted password cannot be put back, so there is no Undo.",
            List.of("iam:ListMFADevices", "iam:GetLoginProfile", "iam:DeleteLoginProfile"),
            List.of()),
    REVERT_MODIFIED_RULE("revert-modified-rule", RuleFamily.SECURITY_GROUP, true,
            "Modify a rule changed by ModifySecurityGroupRules back to its previous definition, as the inventory saw the"
                    + " group before the change; without a record a person is asked.",
            List.of("ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:ModifySecurityGroupRules"),
            List.of()),
    START_LOGGING("start-logging", RuleFamily.AUDIT_LOGGING, true,
            "Start the trail logging again; a deleted trail goes to a person with what to recreate.",
            List.of("cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"),
            List.of("cloudtrail:StopLogging")),
    RESTORE_TRAIL_SETTINGS("restore-trail-settings", RuleFamily.AUDIT_LOGGING, true,
            "Put back the trail settings the findings judged (multi-region, global-service events, log file"
                    + " validation, log bucket) as the inventory saw them before the change; without a record turn the"
                    + " flags back on and ask a person for the bucket.",
            List.of("cloudtrail:GetTrail", "cloudtrail:UpdateTrail"),
            List.of()),
    RESTORE_EVENT_SELECTORS("restore-event-selectors", RuleFamily.AUDIT_LOGGING, true,
            "Put the trail's event selectors back as the inventory saw them (basic or advanced); without a record keep"
                    + " the data-event selectors and add one that records every management event.",
            List.of("cloudtrail:GetEventSelectors", "cloudtrail:PutEventSelectors"),
            List.of()),
    /*
     * CreateFlowLogs also needs, per AWS's VPC guide: iam:PassRole for a CloudWatch Logs destination's delivery role,
     * logs:CreateLogDelivery for an S3 or Firehose destination (and logs:DeleteLogDelivery to delete one), and
     * ec2:CreateTags to tag the flow log as it is created.
     */
    RECREATE_FLOW_LOG("recreate-flow-log", RuleFamily.AUDIT_LOGGING, true,
            "Recreate a deleted flow log with the configuration the inventory last saw (same resource, traffic,"
                    + " destination, format, interval, role, tags); without a record a person is told where to find it.",
            List.of("ec2:DescribeFlowLogs", "ec2:CreateFlowLogs", "ec2:CreateTags", "iam:PassRole",
                    "logs:CreateLogDelivery"),
            List.of("ec2:DeleteFlowLogs", "logs:DeleteLogDelivery"));

    private final String key;
    private final RuleFamily family;
    private final boolean runsToday;
    private final String description;
    private final List<String> permissions;
    private final List<String> undoPermissions;

    RemediationAction(String key, RuleFamily family, boolean runsToday, String description, List<String> permissions,
                      List<String> undoPermissions) {
        this.key = key;
        this.family = family;
        this.runsToday = runsToday;
        this.description = description;
        this.permissions = List.copyOf(permissions);
        this.undoPermissions = List.copyOf(undoPermissions);
    }

    public String key() {
        return key;
    }

    public RuleFamily family() {
        return family;
    }

    /** Whether a function runs it in this release (the others are declared, validated, and wait for their worker). */
    public boolean runsToday() {
        return runsToday;
    }

    public String description() {
        return description;
    }

    public List<String> permissions() {
        return permissions;
    }

    /**
     * What Undo of this action calls besides {@link #permissions()} (Undo also reads the live state first, with the
     * action's own read calls).
     */
    public List<String> undoPermissions() {
        return undoPermissions;
    }

    public static Optional<RemediationAction> byKey(String key) {
        return Arrays.stream(values()).filter(a -> a.key.equals(key)).findFirst();
    }
}
