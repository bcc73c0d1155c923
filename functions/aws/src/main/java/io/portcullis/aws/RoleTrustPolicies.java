package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyDocument;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.rule.Finding;
import io.portcullis.rule.IamPrivilegeRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * {@code restore-trust-policy}, for {@link IamActions}: takes out of a role's trust policy only the principals the
 * findings name ({@code *}, or every principal of the outside account), keeping every other principal and statement.
 * It does not write the snapshot back: the snapshot is taken after the change it is about, so it holds the opened
 * trust policy (it is kept for Undo). Refuses when the offending principal was not in the snapshot (a newer change).
 * When nothing else would be left, the role trusts only its own account (a role must trust someone; what it should
 * trust beyond that is its owner's decision, and the detail says so).
 *
 * <p>Undo record: {@code {"before": "<trust policy the fix replaced>", "after": "<the one it wrote>"}}.
 */
final class RoleTrustPolicies {

    private final IamClient iam;

    RoleTrustPolicies(IamClient iam) {
        this.iam = iam;
    }

    /** The role's trust policy, as IAM returns it (URL-encoded) read into a document. */
    ObjectNode live(ResourceRef role) {
        return PolicyRewrite.read(iam.getRole(g -> g.roleName(role.id())).role().assumeRolePolicyDocument());
    }

    ActionResult restore(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        List<Finding> findings = incident.findings().stream().filter(f -> f.remediates(IamPrivilegeRule.ID_TRUST_ANYONE)
                || f.remediates(IamPrivilegeRule.ID_TRUST_EXTERNAL)).toList();
        if (findings.isEmpty()) {
            return ActionResult.nothingToDo("The incident is not about the trust policy of a role, so no trust policy"
                    + " is changed.");
        }
        Predicate<String> offending = findings.stream().map(RoleTrustPolicies::offending).reduce(p -> false, Predicate::or);
        ObjectNode live = live(r);
        PolicyRewrite.Result rewrite = PolicyRewrite.withoutPrincipals(live, offending);
        List<String> principals = rewrite.removed().stream().flatMap(s -> PolicyRewrite.judge(s).principals().stream())
                .filter(offending).distinct().toList();
        if (!rewrite.changed()) {
            return ActionResult.nothingToDo("The trust policy of role " + r.id() + " no longer lets "
                    + String.join(", ", findings.stream().map(f -> f.facts().getOrDefault("principal", "*")).distinct()
                    .toList()) + " assume it.");
        }
        if (snapshot != null && snapshot.hasNonNull("trustPolicy")) {
            List<JsonNode> judged = PolicyRewrite.withoutPrincipals(PolicyRewrite.read(snapshot.path("trustPolicy").asText()),
                    offending).removed();
            if (!judged.containsAll(rewrite.removed())) {
                return ActionResult.refused("The trust policy of role " + r.id() + " lets " + String.join(", ", principals)
                        + " assume it in a statement that was not there when the incident was judged; a newer change"
                        + " wrote it, so the trust policy is left as it is.");
            }
        }
        // A role must trust someone: with nothing else left, it trusts its own account only (principals there still
        // need their own sts:AssumeRole allow), which closes it to the outside without deleting it.
        String what = rewrite.remaining().isPresent()
                ? String.join(", ", principals) + " from the trust policy of role " + r.id()
                        + ", keeping every other principal"
                : String.join(", ", principals) + " from the trust policy of role " + r.id() + "; nothing else was"
                        + " trusted and a role must trust someone, so it now trusts only its own account " + r.account()
                        + " (decide with its owner what it should trust)";
        if (dryRun) {
            return ActionResult.wouldChange("Would remove " + what + ".");
        }
        String doc = rewrite.remaining().map(ObjectNode::toString).orElseGet(() -> ownAccountOnly(r).toString());
        iam.updateAssumeRolePolicy(u -> u.roleName(r.id()).policyDocument(doc));
        ObjectNode undo = Json.mapper().createObjectNode().put("before", live.toString()).put("after", doc);
        return ActionResult.changed("Removed " + what + ".", undo);
    }

    /** A trust policy that lets only the role's own account assume it (its root principal, in the role's partition). */
    static ObjectNode ownAccountOnly(ResourceRef role) {
        String partition = role.arn() != null && role.arn().startsWith("arn:") ? role.arn().split(":")[1] : "aws";
        ObjectNode doc = Json.mapper().createObjectNode().put("Version", "2012-10-17");
        ObjectNode statement = doc.putArray("Statement").addObject();
        statement.put("Sid", "PortcullisOwnAccountOnly").put("Effect", "Allow");
        statement.putObject("Principal").put("AWS", "arn:" + partition + ":iam::" + role.account() + ":root");
        statement.put("Action", "sts:AssumeRole");
        return doc;
    }

    /** What of the finding's principals the live trust policy still lets assume the role. */
    Optional<String> stillOpen(ResourceRef role, Finding f) {
        List<String> open = new ArrayList<>();
        PolicyRewrite.withoutPrincipals(live(role), offending(f)).removed()
                .forEach(s -> open.addAll(PolicyRewrite.judge(s).principals().stream().filter(offending(f)).toList()));
        return open.isEmpty() ? Optional.empty() : Optional.of("the trust policy of role " + role.id() + " still lets "
                + String.join(", ", open.stream().distinct().toList()) + " assume it");
    }

    /** Undo: the trust policy as it was before the fix, only while it is still the one the fix wrote. */
    ActionResult undo(ResourceRef r, JsonNode record) {
        ObjectNode live = live(r);
        ObjectNode before = PolicyRewrite.read(record.path("before").asText("{}"));
        if (live.equals(before)) {
            return ActionResult.nothingToDo("The trust policy of role " + r.id() + " is already as it was before the fix.");
        }
        if (!live.equals(PolicyRewrite.read(record.path("after").asText("{}")))) {
            return ActionResult.refused("The trust policy of role " + r.id() + " has changed since the fix, so it is"
                    + " left as it is.");
        }
        iam.updateAssumeRolePolicy(u -> u.roleName(r.id()).policyDocument(before.toString()));
        return ActionResult.changed("Put the trust policy of role " + r.id() + " back as it was before the fix.");
    }

    /** The principals a trust finding is about: anyone, or the outside account (every principal of it). */
    private static Predicate<String> offending(Finding f) {
        if (f.remediates(IamPrivilegeRule.ID_TRUST_ANYONE)) {
            return "*"::equals;
        }
        String account = PolicyDocument.accountOf(f.facts().getOrDefault("principal", ""));
        String principal = f.facts().getOrDefault("principal", "");
        return p -> p.equals(principal) || (account != null && account.equals(PolicyDocument.accountOf(p)));
    }
}
