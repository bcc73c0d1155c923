package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyDocument;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.playbook.ResourceActions;
import io.portcullis.rule.Finding;
import io.portcullis.rule.IamPrivilegeRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.PolicyVersion;

/**
 * The IAM side of the {@code iam-privilege} playbook: users, roles, groups, customer managed policies and the root
 * user. The playbook runs all four actions for every IAM incident; each acts only on the findings of its kind and
 * otherwise has nothing to do.
 *
 * <ul>
 *   <li>{@code detach-policy}: detaches the managed policy an {@code iam-admin-granted} finding names
 *       ({@code policyArn}) from the user, role or group. Refuses when the snapshot saw it detached and it is attached
 *       again now (a newer attach, which has its own incident).</li>
 *   <li>{@code restore-default-policy-version}: for an admin-equivalent default version of a managed policy, makes
 *       the version the snapshot chose the default again. IAM keeps no history of which version was default before,
 *       so the snapshot chooses the newest other version whose document is not admin-equivalent (by the rule's own
 *       judgement); with none, it refuses. It also refuses when the default is now a different admin-equivalent
 *       version than the one judged (a newer change).</li>
 *   <li>{@code restore-trust-policy} ({@link RoleTrustPolicies}): takes out of the role's trust policy only the principals the finding named
 *       ({@code *}, or every principal of the outside account), keeping every other principal and statement. It does
 *       not write the snapshot back: the snapshot is taken after the change it is about, so it holds the opened trust
 *       policy (it is kept for Undo). Refuses when the offending principal was not in the snapshot (a newer change).
 *       When nothing else would be left, the role trusts only its own account (a role must trust someone).</li>
 *   <li>{@code deactivate-access-key} ({@link IamAccessKeys}): sets the access key named by a finding's {@code accessKeyId} fact to
 *       Inactive, never deletes it (also a key created for another user: {@code iam-access-key-for-another-user}).
 *       A root user's key cannot be changed by any other principal, so the root user's key (the CloudTrail finding,
 *       and AWS Config's {@code iam-root-access-key-check} verdict) goes to a person with what to do.</li>
 *   <li>{@code remove-inline-policy} ({@link IamInlinePolicies}): the admin-equivalent inline policy put back to its
 *       previous document, or deleted.</li>
 *   <li>{@code delete-login-profile} ({@link IamLoginProfiles}): the console password of a user without MFA
 *       deleted; no Undo (a password cannot be put back).</li>
 * </ul>
 *
 * <p>A finding no action here can act on (an AWS Config verdict naming a policy only by its id, or any IAM verdict
 * that rules.yaml does not route to a finding) goes to a person: the first IAM step of the playbook hands the incident
 * over with what the finding says and what to do; the others then have nothing to do.
 *
 * <p>Each action makes only the calls {@link RemediationAction} declares for it; the snapshot and {@link #stillWrong}
 * make only the read calls among them.
 */
public final class IamActions implements ResourceActions {

    /** The findings the actions here put right (directly, or as an AWS Config verdict routed to one of them). */
    static final List<String> REACHABLE = List.of(IamPrivilegeRule.ID_ADMIN_GRANTED, IamPrivilegeRule.ID_TRUST_ANYONE,
            IamPrivilegeRule.ID_TRUST_EXTERNAL, IamPrivilegeRule.ID_ROOT_ACCESS_KEY,
            IamPrivilegeRule.ID_PASSWORD_WITHOUT_MFA, IamPrivilegeRule.ID_ACCESS_KEY_FOR_OTHER);

    private final IamClient iam;
    private final IamInlinePolicies inline;
    private final IamLoginProfiles logins;
    private final IamAccessKeys keys;
    private final RoleTrustPolicies trust;

    /** @param inventory what inline policies were before a change (remove-inline-policy puts an earlier one back) */
    public IamActions(IamClient iam, io.portcullis.inventory.LastKnownConfigurations inventory) {
        this.iam = iam;
        this.inline = new IamInlinePolicies(iam, inventory);
        this.logins = new IamLoginProfiles(iam);
        this.keys = new IamAccessKeys(iam);
        this.trust = new RoleTrustPolicies(iam);
    }

    /** Without an inventory: remove-inline-policy deletes the admin-equivalent inline policy. */
    public IamActions(IamClient iam) {
        this(iam, io.portcullis.inventory.LastKnownConfigurations.NONE);
    }

    /** IAM resources, and the account itself when an IAM finding is about it (AWS Config's root-key verdict). */
    @Override
    public boolean handles(Incident incident) {
        String type = incident.resource().type();
        return type.startsWith("AWS::IAM::") || (type.equals(ACCOUNT_TYPE) && incident.findings().stream()
                .anyMatch(f -> f.family() == io.portcullis.rule.RuleFamily.IAM));
    }

    static final String ACCOUNT_TYPE = "AWS::::Account";

    /**
     * User, role or group: {@code attachedPolicies} (ARNs); role: {@code trustPolicy} (the document as JSON text);
     * user: {@code accessKeys} ({@code [{"id", "status"}]}); managed policy: {@code defaultVersionId},
     * {@code versions} ({@code [{"versionId", "default", "adminEquivalent"}]}) and {@code restoreVersionId} (or null);
     * {@code exists: false} when the entity is gone.
     */
    @Override
    public ObjectNode snapshot(Incident incident) {
        ResourceRef r = incident.resource();
        ObjectNode out = Json.mapper().createObjectNode();
        try {
            switch (kind(r)) {
                case POLICY -> {
                    List<PolicyVersion> versions = versions(r.arn());
                    out.put("defaultVersionId", defaultVersion(versions).map(PolicyVersion::versionId).orElse(null));
                    ArrayNode list = out.putArray("versions");
                    for (PolicyVersion v : versions) {
                        list.addObject().put("versionId", v.versionId()).put("default", v.isDefaultVersion())
                                .put("adminEquivalent", adminWhy(r.arn(), v.versionId()).isPresent());
                    }
                    String current = defaultVersion(versions).map(PolicyVersion::versionId).orElse("");
                    out.put("restoreVersionId", restoreCandidate(r.arn(), versions, current).orElse(null));
                }
                case ROOT, ACCOUNT, POLICY_ID -> {
                    // Nothing another principal may read or change (the root user's keys are the root user's own), or
                    // nothing to read by (a policy named only by its id).
                }
                default -> {
                    ArrayNode attached = out.putArray("attachedPolicies");
                    attached(r).forEach(attached::add);
                    if (kind(r) == Kind.ROLE) {
                        out.put("trustPolicy", trust.live(r).toString());
                    }
                    if (kind(r) == Kind.USER) {
                        keys.snapshot(r, out);
                        if (IamLoginProfiles.concerned(incident)) {
                            logins.snapshot(r, out);
                        }
                    }
                    if (!IamInlinePolicies.named(incident).isEmpty()) {
                        inline.snapshot(r, kindName(r), incident, out);
                    }
                }
            }
        } catch (NoSuchEntityException e) {
            out.removeAll();
            out.put("exists", false);
        }
        return out;
    }

    @Override
    public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
        List<Finding> unreachable = unreachable(incident);
        if (!unreachable.isEmpty() && unreachable.size() == incident.findings().size()) {
            return handOver(incident, unreachable);
        }
        try {
            return switch (action) {
                case DETACH_POLICY -> detach(incident, snapshot, dryRun);
                case RESTORE_DEFAULT_POLICY_VERSION -> restoreDefault(incident, snapshot, dryRun);
                case RESTORE_TRUST_POLICY -> kind(r(incident)) == Kind.ROLE ? trust.restore(incident, snapshot, dryRun)
                        : ActionResult.nothingToDo("The incident is not about the trust policy of a role, so no trust"
                        + " policy is changed.");
                case DEACTIVATE_ACCESS_KEY -> keys.deactivate(incident, kind(r(incident)) == Kind.USER,
                        describe(r(incident)), dryRun);
                case REMOVE_INLINE_POLICY -> entity(r(incident)) ? inline.apply(r(incident), kindName(r(incident)),
                        incident, dryRun) : ActionResult.nothingToDo("The incident is not about a user, role or group,"
                        + " so no inline policy is changed.");
                case DELETE_LOGIN_PROFILE -> kind(r(incident)) == Kind.USER
                        ? logins.apply(r(incident), incident, snapshot, dryRun)
                        : ActionResult.nothingToDo("The incident is not about an IAM user's console password.");
                default -> throw new IllegalArgumentException(action.key() + " is not an IAM action; the playbook for "
                        + incident.resource().type() + " should not name it");
            };
        } catch (NoSuchEntityException e) {
            return ActionResult.nothingToDo(describe(incident.resource()) + " no longer exists: " + message(e));
        }
    }

    @Override
    public Optional<String> stillWrong(Incident incident) {
        ResourceRef r = incident.resource();
        List<String> wrong = new ArrayList<>();
        try {
            for (Finding f : incident.findings()) {
                if (f.remediates(IamPrivilegeRule.ID_ADMIN_GRANTED) && kind(r) == Kind.POLICY) {
                    defaultVersion(versions(r.arn())).ifPresent(v -> adminWhy(r.arn(), v.versionId()).ifPresent(why ->
                            wrong.add("the default version " + v.versionId() + " of policy " + r.id() + " " + why)));
                } else if (f.remediates(IamPrivilegeRule.ID_ADMIN_GRANTED) && f.facts().containsKey("policyArn")
                        && entity(r)) {
                    String arn = f.facts().get("policyArn");
                    if (attached(r).contains(arn)) {
                        wrong.add(arn + " is still attached to " + describe(r));
                    }
                } else if (f.remediates(IamPrivilegeRule.ID_TRUST_ANYONE) || f.remediates(IamPrivilegeRule.ID_TRUST_EXTERNAL)) {
                    if (kind(r) == Kind.ROLE) {
                        trust.stillOpen(r, f).ifPresent(wrong::add);
                    }
                } else if (f.remediates(IamPrivilegeRule.ID_ROOT_ACCESS_KEY)) {
                    wrong.add("an access key of the root user of account " + r.account() + " cannot be checked or"
                            + " deactivated by any other principal; sign in as root and delete it");
                } else if (f.facts().containsKey("accessKeyId")) {
                    if (kind(r) == Kind.USER) {
                        keys.stillActive(r, f.facts().get("accessKeyId"), describe(r)).ifPresent(wrong::add);
                    }
                } else if (f.remediates(IamPrivilegeRule.ID_ACCESS_KEY_FOR_OTHER)) {
                    wrong.add("the access key created for " + describe(r) + " is not named by the finding; a person"
                            + " must find and deactivate it");
                } else if (unreachable(incident).contains(f)) {
                    wrong.add(f.ruleId() + " is not put right by any IAM action here; a person was asked to act");
                }
            }
            if (entity(r)) {
                wrong.addAll(inline.stillWrong(r, kindName(r), incident));
            }
            if (kind(r) == Kind.USER) {
                logins.stillWrong(r, incident).ifPresent(wrong::add);
            }
        } catch (NoSuchEntityException e) {
            return Optional.empty();
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of(capitalise(String.join("; ", wrong)) + ".");
    }

    /** Findings none of the actions here acts on (see {@link #REACHABLE}). */
    static List<Finding> unreachable(Incident incident) {
        return incident.findings().stream().filter(f -> REACHABLE.stream().noneMatch(f::remediates)).toList();
    }

    /**
     * The first IAM step that meets findings no action here can act on hands the incident to a person; once it is
     * escalated, the other steps have nothing to add.
     */
    private static ActionResult handOver(Incident incident, List<Finding> unreachable) {
        if (incident.status() == io.portcullis.incident.IncidentStatus.ESCALATED) {
            return ActionResult.nothingToDo("A person was asked to act on " + incident.resource().id() + " already.");
        }
        ResourceRef r = incident.resource();
        String said = String.join(" ", unreachable.stream().map(Finding::explanation).distinct().toList());
        String how = kind(r) == Kind.POLICY_ID
                ? " AWS Config names the policy by its id only, which no IAM call takes: find it with aws iam"
                        + " list-policies --scope Local --query \"Policies[?PolicyId=='" + r.id() + "']\", then make a"
                        + " version that is not admin-equivalent its default (or detach it from whoever needs less)."
                : " No Portcullis action can put this right; fix it by hand, or record an exception if it is intended.";
        return ActionResult.needsPerson(said + how);
    }

    // --- detach-policy ------------------------------------------------------------------------------------------

    private ActionResult detach(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        List<String> named = incident.findings().stream()
                .filter(f -> f.remediates(IamPrivilegeRule.ID_ADMIN_GRANTED) && f.facts().containsKey("policyArn"))
                .map(f -> f.facts().get("policyArn")).distinct().toList();
        if (named.isEmpty() || !entity(r)) {
            return ActionResult.nothingToDo("The incident names no admin-equivalent managed policy attached to "
                    + describe(r) + ", so nothing is detached.");
        }
        List<String> live = attached(r);
        List<String> toDetach = named.stream().filter(live::contains).toList();
        if (toDetach.isEmpty()) {
            return ActionResult.nothingToDo(String.join(", ", named) + " is no longer attached to " + describe(r) + ".");
        }
        if (snapshot != null && snapshot.has("attachedPolicies")) {
            List<String> then = new ArrayList<>();
            snapshot.path("attachedPolicies").forEach(n -> then.add(n.asText()));
            List<String> reattached = toDetach.stream().filter(a -> !then.contains(a)).toList();
            if (!reattached.isEmpty()) {
                return ActionResult.refused(String.join(", ", reattached) + " was detached from " + describe(r)
                        + " when the incident was judged and is attached again now; a newer change did that, so it is"
                        + " left attached.");
            }
        }
        if (dryRun) {
            return ActionResult.wouldChange("Would detach " + String.join(", ", toDetach) + " from " + describe(r) + ".");
        }
        for (String arn : toDetach) {
            switch (kind(r)) {
                case USER -> iam.detachUserPolicy(d -> d.userName(r.id()).policyArn(arn));
                case ROLE -> iam.detachRolePolicy(d -> d.roleName(r.id()).policyArn(arn));
                default -> iam.detachGroupPolicy(d -> d.groupName(r.id()).policyArn(arn));
            }
        }
        ObjectNode undo = Json.mapper().createObjectNode();
        toDetach.forEach(undo.putArray("detached")::add);
        return ActionResult.changed("Detached " + String.join(", ", toDetach) + " from " + describe(r) + ".", undo);
    }

    // --- restore-default-policy-version -------------------------------------------------------------------------

    private ActionResult restoreDefault(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        Optional<Finding> finding = incident.findings().stream()
                .filter(f -> f.remediates(IamPrivilegeRule.ID_ADMIN_GRANTED)).findFirst();
        if (kind(r) != Kind.POLICY || finding.isEmpty()) {
            return ActionResult.nothingToDo("The incident is not about the default version of a managed policy, so no"
                    + " default version is changed.");
        }
        List<PolicyVersion> versions = versions(r.arn());
        String current = defaultVersion(versions).map(PolicyVersion::versionId).orElse("");
        String judged = Optional.ofNullable(finding.get().facts().get("versionId")).filter(v -> !v.isBlank())
                .orElse(snapshot == null ? current : snapshot.path("defaultVersionId").asText(current));
        Optional<String> why = adminWhy(r.arn(), current);
        if (why.isEmpty()) {
            return ActionResult.nothingToDo("The default version " + current + " of policy " + r.id()
                    + " is not admin-equivalent.");
        }
        if (!current.equals(judged)) {
            return ActionResult.refused("The default of policy " + r.id() + " is now " + current + ", not the "
                    + judged + " the incident judged, and it " + why.get() + "; a newer change made it default, so it"
                    + " is left as it is.");
        }
        String target = snapshot != null && snapshot.has("restoreVersionId")
                ? snapshot.path("restoreVersionId").asText(null)
                : restoreCandidate(r.arn(), versions, current).orElse(null);
        if (target == null) {
            return ActionResult.refused("Policy " + r.id() + " has no other version that is not admin-equivalent to"
                    + " go back to; write a scoped version by hand.");
        }
        if (versions.stream().noneMatch(v -> v.versionId().equals(target))) {
            return ActionResult.refused("Version " + target + " of policy " + r.id() + ", recorded to go back to, has"
                    + " been deleted since; choose a version by hand.");
        }
        String what = "version " + target + " the default of policy " + r.id() + " again, instead of " + current
                + " which " + why.get();
        if (dryRun) {
            return ActionResult.wouldChange("Would make " + what + ".");
        }
        iam.setDefaultPolicyVersion(s -> s.policyArn(r.arn()).versionId(target));
        ObjectNode undo = Json.mapper().createObjectNode().put("before", current).put("after", target);
        return ActionResult.changed("Made " + what + ".", undo);
    }

    /**
     * The version to go back to: the newest other version that is not admin-equivalent. IAM records no history of
     * which version was default before, and this is the one an administrator would most likely have had.
     */
    private Optional<String> restoreCandidate(String policyArn, List<PolicyVersion> versions, String current) {
        return versions.stream().filter(v -> !v.versionId().equals(current))
                .sorted(Comparator.comparing(PolicyVersion::createDate, Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparing(v -> number(v.versionId())).reversed())
                .filter(v -> adminWhy(policyArn, v.versionId()).isEmpty())
                .map(PolicyVersion::versionId).findFirst();
    }

    // --- reads --------------------------------------------------------------------------------------------------

    /**
     * USER, ROLE, GROUP: IAM identities; POLICY: a managed policy by ARN; ROOT: the root user; ACCOUNT: AWS Config's
     * {@code AWS::::Account}; POLICY_ID: AWS Config's {@code AWS::IAM::Policy}, named by its id only.
     */
    private enum Kind { USER, ROLE, GROUP, POLICY, ROOT, ACCOUNT, POLICY_ID }

    private static Kind kind(ResourceRef r) {
        return switch (r.type()) {
            case "AWS::IAM::User" -> r.id().equals("root") && r.arn() != null && r.arn().endsWith(":root") ? Kind.ROOT
                    : Kind.USER;
            case "AWS::IAM::Role" -> Kind.ROLE;
            case "AWS::IAM::Group" -> Kind.GROUP;
            case "AWS::IAM::Policy" -> r.arn() != null && r.arn().startsWith("arn:") ? Kind.POLICY : Kind.POLICY_ID;
            case ACCOUNT_TYPE -> Kind.ACCOUNT;
            default -> Kind.POLICY;
        };
    }

    /** A user, role or group: what policies attach to and inline policies belong to. */
    private static boolean entity(ResourceRef r) {
        Kind k = kind(r);
        return k == Kind.USER || k == Kind.ROLE || k == Kind.GROUP;
    }

    /** {@code user}, {@code role} or {@code group}, as IAM's calls and messages name them. */
    private static String kindName(ResourceRef r) {
        return kind(r).name().toLowerCase(java.util.Locale.ROOT);
    }

    private static ResourceRef r(Incident incident) {
        return incident.resource();
    }

    private List<String> attached(ResourceRef r) {
        List<AttachedPolicy> out = new ArrayList<>();
        switch (kind(r)) {
            case USER -> iam.listAttachedUserPoliciesPaginator(l -> l.userName(r.id())).attachedPolicies().forEach(out::add);
            case ROLE -> iam.listAttachedRolePoliciesPaginator(l -> l.roleName(r.id())).attachedPolicies().forEach(out::add);
            case GROUP -> iam.listAttachedGroupPoliciesPaginator(l -> l.groupName(r.id())).attachedPolicies().forEach(out::add);
            default -> {
            }
        }
        return out.stream().map(AttachedPolicy::policyArn).toList();
    }

    private List<PolicyVersion> versions(String policyArn) {
        List<PolicyVersion> out = new ArrayList<>();
        iam.listPolicyVersionsPaginator(l -> l.policyArn(policyArn)).versions().forEach(out::add);
        return out;
    }

    private static Optional<PolicyVersion> defaultVersion(List<PolicyVersion> versions) {
        return versions.stream().filter(v -> Boolean.TRUE.equals(v.isDefaultVersion())).findFirst();
    }

    /** Why the version's document is admin-equivalent, or empty when it is not. */
    private Optional<String> adminWhy(String policyArn, String versionId) {
        if (versionId.isBlank()) {
            return Optional.empty();
        }
        String document = iam.getPolicyVersion(g -> g.policyArn(policyArn).versionId(versionId)).policyVersion().document();
        return PolicyDocument.parse(Json.mapper().getNodeFactory().textNode(document))
                .flatMap(PolicyDocument::adminEquivalence);
    }

    private static int number(String versionId) {
        try {
            return Integer.parseInt(versionId.replaceAll("\\D", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String describe(ResourceRef r) {
        return switch (kind(r)) {
            case USER -> "user " + r.id();
            case ROLE -> "role " + r.id();
            case GROUP -> "group " + r.id();
            case POLICY, POLICY_ID -> "policy " + r.id();
            case ROOT, ACCOUNT -> "the root user of " + r.account();
        };
    }

    private static String message(NoSuchEntityException e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * Undo, per action, from the fix's record: attach the detached policies again; make the version that was default
     * before the fix the default again; put the trust policy back as it was; re-activate the deactivated keys. Only
     * while the entity is still as the fix left it (the default still the version the fix chose, the trust policy still
     * the one it wrote, the key still inactive).
     */
    @Override
    public ActionResult undo(RemediationAction action, Incident incident, JsonNode undo) {
        ResourceRef r = incident.resource();
        try {
            return switch (action) {
                case DETACH_POLICY -> undoDetach(r, undo);
                case RESTORE_DEFAULT_POLICY_VERSION -> undoDefault(r, undo);
                case RESTORE_TRUST_POLICY -> trust.undo(r, undo);
                case DEACTIVATE_ACCESS_KEY -> keys.undo(r, describe(r), undo);
                case REMOVE_INLINE_POLICY -> inline.undo(r, kindName(r), undo);
                case DELETE_LOGIN_PROFILE -> ActionResult.nothingToDo("A deleted console password cannot be put back;"
                        + " an administrator can set a new one with aws iam create-login-profile --user-name " + r.id()
                        + " --password-reset-required.");
                default -> ActionResult.refused(action.key() + " is not an IAM action.");
            };
        } catch (NoSuchEntityException e) {
            return ActionResult.refused(capitalise(describe(r)) + " no longer exists, so nothing can be put back: "
                    + message(e));
        }
    }

    private ActionResult undoDetach(ResourceRef r, JsonNode undo) {
        List<String> live = attached(r);
        List<String> missing = new ArrayList<>();
        undo.path("detached").forEach(n -> {
            if (!live.contains(n.asText())) {
                missing.add(n.asText());
            }
        });
        if (missing.isEmpty()) {
            return ActionResult.nothingToDo("Every detached policy is attached to " + describe(r) + " again already.");
        }
        for (String arn : missing) {
            switch (kind(r)) {
                case USER -> iam.attachUserPolicy(a -> a.userName(r.id()).policyArn(arn));
                case ROLE -> iam.attachRolePolicy(a -> a.roleName(r.id()).policyArn(arn));
                default -> iam.attachGroupPolicy(a -> a.groupName(r.id()).policyArn(arn));
            }
        }
        return ActionResult.changed("Attached " + String.join(", ", missing) + " to " + describe(r) + " again.");
    }

    private ActionResult undoDefault(ResourceRef r, JsonNode undo) {
        String before = undo.path("before").asText("");
        String after = undo.path("after").asText("");
        String current = defaultVersion(versions(r.arn())).map(PolicyVersion::versionId).orElse("");
        if (current.equals(before)) {
            return ActionResult.nothingToDo("Version " + before + " is the default of policy " + r.id() + " already.");
        }
        if (!current.equals(after)) {
            return ActionResult.refused("The default of policy " + r.id() + " is now " + current + ", not the " + after
                    + " the fix chose; somebody changed it since, so it is left as it is.");
        }
        iam.setDefaultPolicyVersion(s -> s.policyArn(r.arn()).versionId(before));
        return ActionResult.changed("Made version " + before + " the default of policy " + r.id() + " again.");
    }


}
