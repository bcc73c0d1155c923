package io.portcullis.iam;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * An IAM policy document (identity, resource or trust policy), as CloudTrail records it: an object, a JSON string,
 * or a URL-encoded JSON string. Only what Portcullis judges is modelled: effect, principals, actions, conditions.
 */
public record PolicyDocument(List<Statement> statements) {

    /**
     * One statement.
     *
     * @param allow           Effect is Allow
     * @param principals      every principal value named ({@code *}, account ids, ARNs, service names)
     * @param actions         Action values ({@code s3:GetObject}, {@code *}); empty when NotAction is used
     * @param notActions      NotAction values; an Allow with NotAction allows everything else
     * @param resources       Resource values ({@code *}, ARNs); empty when absent (trust policies) or NotResource
     * @param conditionKeys   the condition keys that narrow the statement (lower-case, e.g. {@code aws:principalorgid}):
     *                        only under a positive operator (StringEquals, StringLike, ArnEquals, ArnLike, IpAddress,
     *                        …) without IfExists or set qualifiers, and only with values that are not {@code *} or a
     *                        {@code /0} range
     */
    public record Statement(boolean allow, List<String> principals, List<String> actions, List<String> notActions,
                            List<String> resources, Set<String> conditionKeys) {

        /** Whether the statement applies to every resource ({@code *}, or NotResource which means "all but"). */
        public boolean onAnyResource() {
            return resources.stream().anyMatch(r -> r.equals("*"));
        }

        /** Whether the statement allows an action matching {@code action} (IAM wildcards honoured, case-insensitive). */
        public boolean allowsAction(String action) {
            if (!allow) {
                return false;
            }
            if (!notActions.isEmpty()) {
                return notActions.stream().noneMatch(p -> Wildcards.matches(p, action));
            }
            return actions.stream().anyMatch(p -> Wildcards.matches(p, action));
        }

        public boolean hasPrincipalAnyone() {
            return principals.contains("*");
        }

        /**
         * Whether this allows anyone ({@code *} or {@code {"AWS": "*"}}) with no condition limiting it to the
         * organisation or its network (see {@link #RESTRICTING_KEYS}): what makes a bucket policy or trust policy public.
         */
        public boolean allowsAnyoneUnrestricted() {
            return allow && hasPrincipalAnyone() && conditionKeys.stream().noneMatch(RESTRICTING_KEYS::contains);
        }
    }

    /** Condition operators that can only narrow who matches. */
    static final Set<String> POSITIVE_OPERATORS = Set.of("stringequals", "stringequalsignorecase", "stringlike",
            "arnequals", "arnlike", "ipaddress", "numericequals", "bool");

    /** Condition keys that limit a public grant to the organisation or its network. */
    public static final Set<String> RESTRICTING_KEYS = Set.of("aws:principalorgid", "aws:principalorgpaths",
            "aws:principalaccount", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceaccount", "aws:sourcearn",
            "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourceip", "aws:principalarn", "aws:userid",
            "aws:resourceorgid", "s3:dataaccesspointaccount");

    /**
     * IAM actions any one of which, on every resource, lets its holder grant themselves anything: attach
     * AdministratorAccess to their own role, user or group, write themselves an inline policy of {@code *}, publish a
     * new default version of a policy they hold (or make an older, broader one the default), or lift the permissions
     * boundary that held them back. The escalation paths that need a second permission (a new access key or password
     * for another user, a role to assume) are left to the rules that judge those calls.
     */
    static final List<String> SELF_ESCALATING_ACTIONS = List.of("iam:AttachRolePolicy", "iam:AttachUserPolicy",
            "iam:AttachGroupPolicy", "iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy",
            "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeleteRolePermissionsBoundary",
            "iam:DeleteUserPermissionsBoundary");

    /**
     * Admin-equivalent: allows every action, or {@code iam:*}-level control, or {@code iam:PassRole} on any role, or
     * one of the {@link #SELF_ESCALATING_ACTIONS} on every resource — each lets its holder grant themselves anything.
     * Returns why, or empty.
     */
    public Optional<String> adminEquivalence() {
        for (Statement s : statements) {
            if (!s.allow() || !s.onAnyResource()) {
                continue;
            }
            if (s.allowsAction("ec2:RunInstances") && s.allowsAction("iam:CreateUser") && s.allowsAction("s3:DeleteBucket")) {
                return Optional.of(s.notActions().isEmpty() ? "allows every action on every resource"
                        : "allows every action except " + s.notActions() + " on every resource");
            }
            if (s.allowsAction("iam:PutUserPolicy") && s.allowsAction("iam:AttachRolePolicy")
                    && s.allowsAction("iam:CreatePolicyVersion")) {
                return Optional.of("allows full IAM control (iam:*) on every resource");
            }
            if (s.allowsAction("iam:PassRole")) {
                return Optional.of("allows iam:PassRole on every role");
            }
            Optional<String> escalation = SELF_ESCALATING_ACTIONS.stream().filter(s::allowsAction).findFirst();
            if (escalation.isPresent()) {
                return Optional.of("allows " + escalation.get() + " on every resource: its holder can make itself an"
                        + " administrator (privilege escalation)");
            }
        }
        return Optional.empty();
    }

    public static Optional<PolicyDocument> parse(JsonNode node) {
        JsonNode doc = node;
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            String text = node.asText().trim();
            try {
                // IAM returns documents URL-encoded (GetPolicyVersion, CreateRole's response); requests carry JSON.
                if (!text.startsWith("{") && text.contains("%")) {
                    text = URLDecoder.decode(text, StandardCharsets.UTF_8).trim();
                }
                doc = Json.mapper().readTree(text);
            } catch (java.io.IOException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        if (doc == null || !doc.isObject()) {
            return Optional.empty();
        }
        List<Statement> statements = new ArrayList<>();
        JsonNode raw = doc.path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (raw.isArray()) {
            raw.forEach(list::add);
        } else if (raw.isObject()) {
            list.add(raw);
        }
        for (JsonNode s : list) {
            List<String> principals = new ArrayList<>();
            JsonNode p = s.path("Principal");
            if (p.isTextual()) {
                principals.add(p.asText());
            } else if (p.isObject()) {
                p.properties().forEach(e -> principals.addAll(strings(e.getValue())));
            }
            Set<String> keys = new java.util.TreeSet<>();
            s.path("Condition").properties().forEach(op -> {
                if (!POSITIVE_OPERATORS.contains(op.getKey().toLowerCase(Locale.ROOT))) {
                    return; // StringNotEquals, …IfExists, ForAnyValue:…, Null: none of these narrow "anyone"
                }
                op.getValue().properties().forEach(k -> {
                    List<String> values = strings(k.getValue());
                    boolean meaningful = !values.isEmpty() && values.stream().noneMatch(v ->
                            v.isBlank() || v.equals("*") || v.endsWith("/0") || v.equals("arn:aws:*") || v.equals("arn:*"));
                    if (meaningful) {
                        keys.add(k.getKey().toLowerCase(Locale.ROOT));
                    }
                });
            });
            statements.add(new Statement("Allow".equalsIgnoreCase(s.path("Effect").asText()), principals,
                    strings(s.path("Action")), strings(s.path("NotAction")),
                    s.has("NotResource") ? List.of("*") : strings(s.path("Resource")), keys));
        }
        return Optional.of(new PolicyDocument(statements));
    }

    /**
     * The account a principal belongs to: {@code 123456789012} or {@code arn:aws:iam::123456789012:…}; null for
     * {@code *}, services and federated principals.
     */
    public static String accountOf(String principal) {
        if (principal.matches("\\d{12}")) {
            return principal;
        }
        if (principal.startsWith("arn:aws") && principal.split(":").length > 4) {
            String account = principal.split(":")[4];
            return account.matches("\\d{12}") ? account : null;
        }
        return null;
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual()) {
            out.add(node.asText());
        }
        return out;
    }
}
