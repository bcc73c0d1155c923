package io.portcullis.rule;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.iam.PolicyDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * IAM privilege and trust: admin-equivalent permissions granted (AWS managed AdministratorAccess or IAMFullAccess
 * attached; an inline policy, a new default policy version, or an older version made default again (its document
 * read live by the detector into {@code policyDocument}) allowing {@code *}, {@code iam:*} or {@code iam:PassRole}
 * on {@code *}) are high; a trust policy open to any principal, and an access key for the root user, are critical; a
 * trust policy open to an account outside the organisation (not this account, not in the accounts file) is high; a
 * console password created for a user is low (recorded, so the weekly report can check MFA).
 */
public final class IamPrivilegeRule implements Rule {

    public static final String ID_ADMIN_GRANTED = "iam-admin-granted";
    public static final String ID_TRUST_ANYONE = "iam-trust-anyone";
    public static final String ID_TRUST_EXTERNAL = "iam-trust-external-account";
    public static final String ID_ROOT_ACCESS_KEY = "iam-root-access-key";
    public static final String ID_LOGIN_PROFILE = "iam-console-password-created";

    private final Set<String> organisationAccounts;
    private final Set<String> adminManaged;

    /**
     * @param organisationAccounts the accounts of the organisation (the accounts file); the change's own always counts
     * @param adminManaged         managed policy ARNs whose attachment makes the holder an administrator (rules.yaml)
     */
    public IamPrivilegeRule(Set<String> organisationAccounts, Set<String> adminManaged) {
        this.organisationAccounts = Set.copyOf(organisationAccounts);
        this.adminManaged = Set.copyOf(adminManaged);
    }

    @Override
    public String id() {
        return "iam-privilege";
    }

    @Override
    public java.util.Set<String> findingIds() {
        return java.util.Set.of(ID_ADMIN_GRANTED, ID_TRUST_ANYONE, ID_TRUST_EXTERNAL, ID_ROOT_ACCESS_KEY, ID_LOGIN_PROFILE);
    }

    @Override
    public List<Finding> evaluate(Change change) {
        if (change.kind() != ChangeKind.CONFIGURATION || !"iam.amazonaws.com".equals(change.eventSource())) {
            return List.of();
        }
        JsonNode r = change.request();
        String who = change.resource().type().replace("AWS::IAM::", "").toLowerCase(java.util.Locale.ROOT)
                + " " + change.resource().id();
        List<Finding> out = new ArrayList<>();
        switch (change.eventName()) {
            case "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy" -> {
                String arn = r.path("policyArn").asText("");
                if (adminManaged.contains(arn)) {
                    out.add(admin(change, Map.of("policyArn", arn), "The AWS managed policy "
                            + arn.substring(arn.lastIndexOf('/') + 1) + " was attached to " + who
                            + ", which makes it an administrator; attach a policy scoped to what it needs."));
                }
            }
            case "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy" -> adminDocument(r.path("policyDocument")).ifPresent(why ->
                    out.add(admin(change, Map.of("policyName", r.path("policyName").asText(""), "why", why),
                            "The inline policy " + r.path("policyName").asText("") + " on " + who + " " + why
                                    + ", which makes it an administrator; scope it to what it needs.")));
            case "CreatePolicyVersion" -> {
                if (r.path("setAsDefault").asBoolean(false)) {
                    adminDocument(r.path("policyDocument")).ifPresent(why -> out.add(admin(change, Map.of("why", why),
                            "A new default version of policy " + change.resource().id() + " " + why
                                    + ", so everything it is attached to is now an administrator; set the previous"
                                    + " version back as default.")));
                }
            }
            case "SetDefaultPolicyVersion" -> adminDocument(r.path("policyDocument")).ifPresent(why -> out.add(admin(change,
                    Map.of("versionId", r.path("versionId").asText(""), "why", why), "Version "
                            + r.path("versionId").asText("") + " of policy " + change.resource().id()
                            + " was made the default and " + why + ", so everything it is attached to is now an"
                            + " administrator; set the previous version back as default.")));
            case "UpdateAssumeRolePolicy", "CreateRole" -> out.addAll(trust(change,
                    r.path(change.eventName().equals("CreateRole") ? "assumeRolePolicyDocument" : "policyDocument"), who));
            case "CreateAccessKey" -> {
                if ("Root".equals(change.actor().type()) && !r.has("userName")) {
                    out.add(Finding.of(ID_ROOT_ACCESS_KEY, RuleFamily.IAM, Severity.CRITICAL, Exposure.INTERNAL,
                            change.resource(), Map.of(), "An access key was created for the root user of account "
                                    + change.resource().account() + ", which can do anything and cannot be limited;"
                                    + " delete it and use roles."));
                }
            }
            case "CreateLoginProfile" -> out.add(Finding.of(ID_LOGIN_PROFILE, RuleFamily.IAM, Severity.LOW,
                    Exposure.INTERNAL, change.resource(), Map.of(), "A console password was created for " + who
                            + "; make sure the user has MFA."));
            default -> {
            }
        }
        return out;
    }

    private static Optional<String> adminDocument(JsonNode document) {
        return PolicyDocument.parse(document).flatMap(PolicyDocument::adminEquivalence);
    }

    private static Finding admin(Change change, Map<String, String> facts, String text) {
        return Finding.of(ID_ADMIN_GRANTED, RuleFamily.IAM, Severity.HIGH, Exposure.INTERNAL, change.resource(), facts, text);
    }

    private List<Finding> trust(Change change, JsonNode document, String who) {
        Optional<PolicyDocument> doc = PolicyDocument.parse(document);
        if (doc.isEmpty()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        for (PolicyDocument.Statement s : doc.get().statements()) {
            if (!s.allow() || s.conditionKeys().stream().anyMatch(PolicyDocument.RESTRICTING_KEYS::contains)) {
                continue;
            }
            if (s.hasPrincipalAnyone()) {
                out.add(Finding.of(ID_TRUST_ANYONE, RuleFamily.IAM, Severity.CRITICAL, Exposure.INTERNET,
                        change.resource(), Map.of("principal", "*"), "The trust policy of " + who
                                + " lets any AWS principal assume it; name the accounts or roles that need it."));
                return out;
            }
            for (String principal : s.principals()) {
                String account = accountOf(principal);
                if (account != null && !account.equals(change.resource().account())
                        && !organisationAccounts.contains(account)) {
                    out.add(Finding.of(ID_TRUST_EXTERNAL, RuleFamily.IAM, Severity.HIGH, Exposure.WIDE,
                            change.resource(), Map.of("principal", principal), "The trust policy of " + who
                                    + " lets account " + account + ", outside your organisation, assume it;"
                                    + " remove it unless that account is a partner you meant to trust."));
                    return out;
                }
            }
        }
        return out;
    }

    /** The account of {@code 123456789012} or {@code arn:aws:iam::123456789012:…}; null for services and federations. */
    static String accountOf(String principal) {
        return PolicyDocument.accountOf(principal);
    }
}
