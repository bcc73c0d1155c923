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
 * trust policy open to an account outside the organisation (not this account, not in the accounts file) is high; an
 * access key created for another IAM user than the caller (a known takeover path) is high; a console password
 * created or changed for a user without an MFA device is high, with one (or when MFA could not be read) low.
 *
 * <p>AWS Config items of users, roles and groups are judged the same way, on the state they record: every
 * admin-equivalent managed or inline policy, and the role's trust policy.
 */
public final class IamPrivilegeRule implements Rule {

    public static final String ID_ADMIN_GRANTED = "iam-admin-granted";
    public static final String ID_TRUST_ANYONE = "iam-trust-anyone";
    public static final String ID_TRUST_EXTERNAL = "iam-trust-external-account";
    public static final String ID_ROOT_ACCESS_KEY = "iam-root-access-key";
    public static final String ID_LOGIN_PROFILE = "iam-console-password-created";
    public static final String ID_PASSWORD_WITHOUT_MFA = "iam-console-password-without-mfa";
    public static final String ID_ACCESS_KEY_FOR_OTHER = "iam-access-key-for-another-user";

    /**
     * The request field the detector completes a login-profile change with: how many MFA devices the user has, read
     * live ({@code ListMFADevices}). Absent when it could not be read (offline evaluation has no AWS): the password is
     * then judged as a low finding that says MFA was not checked. The detector removes any value the event brought.
     */
    public static final String LIVE_MFA_DEVICES = "portcullis:mfaDevices";

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
        return java.util.Set.of(ID_ADMIN_GRANTED, ID_TRUST_ANYONE, ID_TRUST_EXTERNAL, ID_ROOT_ACCESS_KEY, ID_LOGIN_PROFILE,
                ID_PASSWORD_WITHOUT_MFA, ID_ACCESS_KEY_FOR_OTHER);
    }

    @Override
    public List<Finding> evaluate(Change change) {
        if (change.kind() == ChangeKind.STATE && change.resource().type() != null
                && change.resource().type().startsWith("AWS::IAM::")) {
            return state(change);
        }
        if (change.kind() != ChangeKind.CONFIGURATION || !"iam.amazonaws.com".equals(change.eventSource())) {
            return List.of();
        }
        JsonNode r = change.request();
        String who = who(change);
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
                    out.add(admin(change, inlineFacts(r.path("policyName").asText(""), r.path("policyDocument"), why),
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
                } else if (r.hasNonNull("userName") && !callerIs(change, r.path("userName").asText())) {
                    out.add(keyForAnother(change, r.path("userName").asText()));
                }
            }
            case "CreateLoginProfile", "UpdateLoginProfile" -> out.add(password(change, r, who));
            default -> {
            }
        }
        return out;
    }

    private static String who(Change change) {
        return change.resource().type().replace("AWS::IAM::", "").toLowerCase(java.util.Locale.ROOT) + " "
                + change.resource().id();
    }

    /**
     * Whether the caller is the IAM user named: an IAM user's own ARN ({@code arn:aws:iam::…:user/path/name}) in the
     * same account. A role session, a federated user or root is never "the user", whoever assumed it.
     */
    private static boolean callerIs(Change change, String userName) {
        String arn = change.actor().principalArn();
        return "IAMUser".equals(change.actor().type()) && arn != null
                && arn.startsWith("arn:aws:iam::" + change.resource().account() + ":user/")
                && arn.substring(arn.lastIndexOf('/') + 1).equals(userName);
    }

    private static Finding keyForAnother(Change change, String userName) {
        Map<String, String> facts = new java.util.LinkedHashMap<>();
        facts.put("userName", userName);
        String key = change.response().path("accessKey").path("accessKeyId").asText("");
        if (!key.isBlank()) {
            facts.put("accessKeyId", key);
        }
        return Finding.of(ID_ACCESS_KEY_FOR_OTHER, RuleFamily.IAM, Severity.HIGH, Exposure.INTERNAL,
                change.resource(), facts, change.actor().displayName() + " (" + (change.actor().type() == null
                        ? "unknown" : change.actor().type()) + ") created access key " + (key.isBlank() ? "(id not"
                        + " recorded)" : key) + " for IAM user " + userName + ": whoever holds it acts as that user;"
                        + " deactivate it unless the user asked for it, and let users create their own keys.");
    }

    /** A console password created or changed: high when the user has no MFA device (read live), else low. */
    private static Finding password(Change change, JsonNode r, String who) {
        JsonNode mfa = r.path(LIVE_MFA_DEVICES);
        if (mfa.isInt() && mfa.intValue() == 0) {
            return Finding.of(ID_PASSWORD_WITHOUT_MFA, RuleFamily.IAM, Severity.HIGH, Exposure.INTERNAL,
                    change.resource(), Map.of("mfaDevices", "0"), "A console password was "
                            + (change.eventName().startsWith("Update") ? "changed" : "created") + " for " + who
                            + ", who has no MFA device, so the password alone signs in to the console; remove the"
                            + " password, or have the user enrol an MFA device first.");
        }
        return Finding.of(ID_LOGIN_PROFILE, RuleFamily.IAM, Severity.LOW, Exposure.INTERNAL, change.resource(),
                Map.of(), "A console password was " + (change.eventName().startsWith("Update") ? "changed" : "created")
                        + " for " + who + (mfa.isInt() ? ", who has an MFA device." : "; make sure the user has MFA"
                        + " (not checked: no live read of the user's MFA devices)."));
    }

    /** The finding's facts for an admin-equivalent inline policy: its name, why, and the document judged. */
    private static Map<String, String> inlineFacts(String name, JsonNode document, String why) {
        Map<String, String> facts = new java.util.LinkedHashMap<>();
        facts.put("policyName", name);
        facts.put("why", why);
        try {
            // The document as judged, so the remediation can tell it from a newer one put under the same name.
            facts.put("policyDocument", document.isObject() ? document.toString()
                    : io.portcullis.iam.PolicyRewrite.read(document.asText("")).toString());
        } catch (IllegalArgumentException e) {
            // Judged admin-equivalent, so it parsed; nothing to record otherwise.
        }
        return facts;
    }

    /**
     * A user's, role's or group's state as AWS Config recorded it (shape: {@code ConfigItemStates}): every
     * admin-equivalent attached or inline policy, and the role's trust policy.
     */
    private List<Finding> state(Change change) {
        JsonNode state = change.request();
        String who = who(change);
        List<Finding> out = new ArrayList<>();
        for (JsonNode a : state.path("attachedManagedPolicies")) {
            String arn = a.asText("");
            if (adminManaged.contains(arn)) {
                out.add(admin(change, Map.of("policyArn", arn), "AWS Config shows the AWS managed policy "
                        + arn.substring(arn.lastIndexOf('/') + 1) + " attached to " + who + ", which makes it an"
                        + " administrator; attach a policy scoped to what it needs."));
            }
        }
        state.path("inlinePolicies").properties().forEach(e -> adminDocument(e.getValue()).ifPresent(why ->
                out.add(admin(change, inlineFacts(e.getKey(), e.getValue(), why), "AWS Config shows the inline policy "
                        + e.getKey() + " on " + who + ", which " + why + " and so makes it an administrator; scope it"
                        + " to what it needs."))));
        if (state.path("trustPolicy").isTextual()) {
            out.addAll(trust(change, state.path("trustPolicy"), who));
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
