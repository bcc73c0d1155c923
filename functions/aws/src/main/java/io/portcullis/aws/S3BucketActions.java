package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyDocument;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.playbook.ResourceActions;
import io.portcullis.rule.Finding;
import io.portcullis.rule.S3ExposureRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketAclResponse;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Type;
import software.amazon.awssdk.services.s3control.S3ControlClient;
import software.amazon.awssdk.services.s3control.model.S3ControlException;

/**
 * The S3 side of the {@code s3-exposure} playbook, for a bucket ({@code AWS::S3::Bucket}) and for the account-level
 * public access block ({@code AWS::S3::AccountPublicAccessBlock}, through S3 Control).
 *
 * <p>Each action acts only on the kind of exposure the incident's findings name (the playbook runs all three for
 * every S3 incident; turning on a public access block that was off long before an ACL change would undo something
 * nobody judged):
 * <ul>
 *   <li>{@code restore-public-access-block} ({@code s3-public-access-block-off}): turns all four settings on.</li>
 *   <li>{@code remove-public-statements} ({@code s3-public-policy}): removes only the statements that allow anyone
 *       without a restricting condition (the rule's own judgement, {@link PolicyRewrite}); keeps every other
 *       statement; deletes the policy only when nothing is left.</li>
 *   <li>{@code remove-public-acl-grants} ({@code s3-public-acl}): removes only the AllUsers and AuthenticatedUsers
 *       grants, keeping the owner's and every other grant.</li>
 *   <li>{@code restore-default-encryption} ({@code s3-encryption-removed}, {@link BucketDefaultEncryption}): puts the
 *       default encryption back as the inventory saw it before the change.</li>
 * </ul>
 *
 * <p>A finding acts as its kind when it is one or is to be remediated as one ({@link Finding#remediates}): an AWS
 * Config verdict (public read or write, no public access block, no encryption) names no statement or grant, so the
 * snapshot is the reference of what was judged.
 *
 * <p>Public-ness is decided from the documents (policy, ACL, block settings), not {@code GetBucketPolicyStatus}: the
 * product must judge documents anyway, and the local emulator does not compute the status.
 *
 * <p><b>When an action refuses.</b> The finding names what was opened; the snapshot records the state it was judged
 * on. An action refuses when the live state is public in a way the snapshot was not: a public statement or grant
 * that was not there at snapshot time, or a block setting that was on then and is off now. Such a state comes from
 * a newer change, which has (or will have) its own incident and its own judgement (an exception, an approval);
 * removing it here would act on something nobody judged. What the snapshot did record as public is removed even
 * if part of it has gone since. Without a snapshot entry (an older snapshot), a policy statement must allow only
 * actions the finding named. S3 offers no conditional write of a policy or ACL, so a change made between the read
 * and the write here is overwritten; the window is one round trip.
 *
 * <p>Calls (and so IAM permissions) per action are exactly those declared on {@link RemediationAction}; the snapshot
 * and {@link #stillWrong} use only the read calls of those actions.
 */
public final class S3BucketActions implements ResourceActions {

    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    static final List<String> FLAGS = List.of("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
            "RestrictPublicBuckets");

    private final Function<Region, S3Client> s3Factory;
    private final S3ControlClient s3Control;
    private final BucketDefaultEncryption encryption;
    private final Map<String, S3Client> clients = new ConcurrentHashMap<>();

    /**
     * @param s3        an S3 client for a region (buckets are read and written in their own region); called once per
     *                  region
     * @param s3Control for the account-level public access block
     * @param inventory what buckets' default encryption was before a change (restore-default-encryption puts it back)
     */
    public S3BucketActions(Function<Region, S3Client> s3, S3ControlClient s3Control,
                           io.portcullis.inventory.LastKnownConfigurations inventory) {
        this.s3Factory = s3;
        this.s3Control = s3Control;
        this.encryption = new BucketDefaultEncryption(inventory);
    }

    /** Without an inventory: restore-default-encryption puts back SSE-S3 and says the earlier key is not known. */
    public S3BucketActions(Function<Region, S3Client> s3, S3ControlClient s3Control) {
        this(s3, s3Control, io.portcullis.inventory.LastKnownConfigurations.NONE);
    }

    @Override
    public boolean handles(Incident incident) {
        String type = incident.resource().type();
        return type.equals(ResourceRef.BUCKET) || type.equals(ResourceRef.ACCOUNT_PUBLIC_ACCESS_BLOCK);
    }

    /**
     * {@code {"publicAccessBlock": {flag: bool…} | null, "policy": text | null, "acl": {"owner": id, "grants": [{"type",
     * "id", "uri", "email", "permission"}…]}, "encryption": {"rules": [{"sseAlgorithm", "kmsMasterKeyId",
     * "bucketKeyEnabled"}]}}}; for the account only {@code publicAccessBlock}; {@code {"bucketExists": false}} when the
     * bucket is gone.
     */
    @Override
    public ObjectNode snapshot(Incident incident) {
        ResourceRef r = incident.resource();
        ObjectNode out = Json.mapper().createObjectNode();
        if (isAccount(r)) {
            out.set("publicAccessBlock", flagsNode(accountBlock(r)));
            return out;
        }
        try {
            out.set("publicAccessBlock", flagsNode(bucketBlock(r)));
            Optional<String> policy = policyText(r);
            out.put("policy", policy.orElse(null));
            out.set("acl", aclNode(s3(r).getBucketAcl(a -> a.bucket(r.id()))));
            out.set("encryption", BucketDefaultEncryption.Rule.node(encryption.live(s3(r), r)));
        } catch (S3Exception e) {
            if (!isCode(e, "NoSuchBucket")) {
                throw e;
            }
            out.removeAll();
            out.put("bucketExists", false);
        }
        return out;
    }

    @Override
    public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        try {
            return switch (action) {
                case RESTORE_PUBLIC_ACCESS_BLOCK -> restoreBlock(incident, snapshot, dryRun);
                case REMOVE_PUBLIC_STATEMENTS -> removePublicStatements(incident, snapshot, dryRun);
                case REMOVE_PUBLIC_ACL_GRANTS -> removePublicGrants(incident, snapshot, dryRun);
                case RESTORE_DEFAULT_ENCRYPTION -> isAccount(r) ? ActionResult.nothingToDo("The account-level public"
                        + " access block has no default encryption.") : encryption.apply(s3(r), incident, snapshot, dryRun);
                default -> throw new IllegalArgumentException(action.key() + " is not an S3 action; the playbook for "
                        + r.type() + " should not name it");
            };
        } catch (S3Exception e) {
            if (isCode(e, "NoSuchBucket")) {
                return ActionResult.nothingToDo("Bucket " + r.id() + " no longer exists, so nothing of it is public.");
            }
            throw e;
        }
    }

    @Override
    public Optional<String> stillWrong(Incident incident) {
        ResourceRef r = incident.resource();
        List<String> wrong = new ArrayList<>();
        try {
            if (has(incident, S3ExposureRule.ID_BLOCK_REMOVED)) {
                List<String> off = off(isAccount(r) ? accountBlock(r) : bucketBlock(r));
                if (!off.isEmpty()) {
                    wrong.add(subject(r) + " has " + String.join(", ", off) + " off");
                }
            }
            if (!isAccount(r) && has(incident, S3ExposureRule.ID_PUBLIC_POLICY)) {
                List<JsonNode> open = policyText(r).map(t -> PolicyRewrite.publicStatements(PolicyRewrite.read(t)))
                        .orElse(List.of());
                if (!open.isEmpty()) {
                    wrong.add("the policy of bucket " + r.id() + " still allows anyone " + describeStatements(open));
                }
            }
            if (!isAccount(r) && has(incident, S3ExposureRule.ID_PUBLIC_ACL)) {
                List<Grant> open = publicGrants(s3(r).getBucketAcl(a -> a.bucket(r.id())).grants());
                if (!open.isEmpty()) {
                    wrong.add("the ACL of bucket " + r.id() + " still grants " + describeGrants(open));
                }
            }
            if (!isAccount(r)) {
                encryption.stillWrong(s3(r), incident).ifPresent(wrong::add);
            }
        } catch (S3Exception e) {
            if (isCode(e, "NoSuchBucket")) {
                return Optional.empty();
            }
            throw e;
        }
        incident.findings().stream()
                .filter(f -> Set.of(S3ExposureRule.ID_BLOCK_REMOVED, S3ExposureRule.ID_PUBLIC_POLICY,
                        S3ExposureRule.ID_PUBLIC_ACL, S3ExposureRule.ID_ENCRYPTION_REMOVED).stream()
                        .noneMatch(f::remediates))
                .map(Finding::ruleId).distinct()
                .forEach(id -> wrong.add(id + " is not undone by any S3 action here; check " + r.id() + " by hand"));
        return wrong.isEmpty() ? Optional.empty() : Optional.of(capitalise(String.join("; ", wrong)) + ".");
    }

    // --- restore-public-access-block ---------------------------------------------------------------------------

    private ActionResult restoreBlock(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (!has(incident, S3ExposureRule.ID_BLOCK_REMOVED)) {
            return ActionResult.nothingToDo("The incident has no finding about the public access block of "
                    + r.id() + ", so it is left as it is.");
        }
        Map<String, Boolean> live = isAccount(r) ? accountBlock(r) : bucketBlock(r);
        List<String> off = off(live);
        if (off.isEmpty()) {
            return ActionResult.nothingToDo("All four public access block settings are already on for "
                    + subjectLower(r) + ".");
        }
        if (snapshot != null && snapshot.has("publicAccessBlock")) {
            List<String> offThen = off(flags(snapshot.path("publicAccessBlock")));
            List<String> newlyOff = off.stream().filter(f -> !offThen.contains(f)).toList();
            if (!newlyOff.isEmpty()) {
                return ActionResult.refused(capitalise(subjectLower(r)) + " has " + String.join(", ", newlyOff)
                        + " off, which were on when the incident was judged; a newer change turned them off, so"
                        + " nothing is changed here.");
            }
        }
        if (dryRun) {
            return ActionResult.wouldChange("Would turn " + String.join(", ", off) + " back on for "
                    + subjectLower(r) + ".");
        }
        ObjectNode undo = Json.mapper().createObjectNode();
        undo.set("before", configured(r) ? flagsNode(live) : null);
        undo.set("after", flagsNode(allOn()));
        if (isAccount(r)) {
            s3Control.putPublicAccessBlock(p -> p.accountId(r.account()).publicAccessBlockConfiguration(c -> c
                    .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        } else {
            s3(r).putPublicAccessBlock(p -> p.bucket(r.id()).publicAccessBlockConfiguration(c -> c
                    .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        }
        return ActionResult.changed("Turned " + String.join(", ", off) + " back on for " + subjectLower(r) + ".", undo);
    }

    // --- remove-public-statements -------------------------------------------------------------------------------

    private ActionResult removePublicStatements(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (isAccount(r) || !has(incident, S3ExposureRule.ID_PUBLIC_POLICY)) {
            return ActionResult.nothingToDo("The incident has no finding about a public bucket policy on " + r.id()
                    + ", so no policy is changed.");
        }
        Optional<String> text = policyText(r);
        if (text.isEmpty()) {
            return ActionResult.nothingToDo("Bucket " + r.id() + " has no bucket policy any more.");
        }
        ObjectNode live = PolicyRewrite.read(text.get());
        PolicyRewrite.Result rewrite = PolicyRewrite.withoutPublicStatements(live);
        if (!rewrite.changed()) {
            return ActionResult.nothingToDo("The policy of bucket " + r.id() + " no longer allows anyone.");
        }
        List<JsonNode> unjudged = unjudgedStatements(incident, snapshot, rewrite.removed());
        if (!unjudged.isEmpty()) {
            return ActionResult.refused("The policy of bucket " + r.id() + " now allows anyone "
                    + describeStatements(unjudged) + " in a statement that was not there when the incident was"
                    + " judged; a newer change wrote it, so the policy is left as it is.");
        }
        int kept = rewrite.remaining().map(d -> PolicyRewrite.statements(d).size()).orElse(0);
        String what = "the " + plural(rewrite.removed().size(), "statement") + " allowing anyone "
                + describeStatements(rewrite.removed()) + " from the policy of bucket " + r.id()
                + (kept == 0 ? ", which leaves it empty, so the policy is deleted" : ", keeping " + plural(kept, "other statement"));
        if (dryRun) {
            return ActionResult.wouldChange("Would remove " + what + ".");
        }
        ObjectNode undo = Json.mapper().createObjectNode();
        undo.put("before", text.get());
        if (rewrite.remaining().isPresent()) {
            String doc = rewrite.remaining().get().toString();
            s3(r).putBucketPolicy(p -> p.bucket(r.id()).policy(doc));
            undo.put("after", doc);
        } else {
            s3(r).deleteBucketPolicy(d -> d.bucket(r.id()));
            undo.putNull("after");
        }
        return ActionResult.changed("Removed " + what + ".", undo);
    }

    /** Live public statements the snapshot did not record as public (or, without one, that allow unnamed actions). */
    private static List<JsonNode> unjudgedStatements(Incident incident, ObjectNode snapshot, List<JsonNode> open) {
        if (snapshot != null && snapshot.has("policy")) {
            JsonNode then = snapshot.path("policy");
            List<JsonNode> judged = then.isTextual() ? PolicyRewrite.publicStatements(PolicyRewrite.read(then.asText()))
                    : List.of();
            return open.stream().filter(s -> !judged.contains(s)).toList();
        }
        Set<String> named = new LinkedHashSet<>();
        incident.findings().stream().filter(f -> f.remediates(S3ExposureRule.ID_PUBLIC_POLICY))
                .forEach(f -> Arrays.stream(f.facts().getOrDefault("actions", "").split(",\\s*")).forEach(named::add));
        return open.stream().filter(s -> {
            PolicyDocument.Statement judged = PolicyRewrite.judge(s);
            return !judged.notActions().isEmpty() || !named.containsAll(judged.actions());
        }).toList();
    }

    // --- remove-public-acl-grants -------------------------------------------------------------------------------

    private ActionResult removePublicGrants(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (isAccount(r) || !has(incident, S3ExposureRule.ID_PUBLIC_ACL)) {
            return ActionResult.nothingToDo("The incident has no finding about a public ACL on " + r.id()
                    + ", so the ACL is left as it is.");
        }
        GetBucketAclResponse acl = s3(r).getBucketAcl(a -> a.bucket(r.id()));
        List<Grant> open = publicGrants(acl.grants());
        if (open.isEmpty()) {
            return ActionResult.nothingToDo("The ACL of bucket " + r.id() + " no longer grants anything to AllUsers"
                    + " or AuthenticatedUsers.");
        }
        if (snapshot != null && snapshot.has("acl")) {
            Set<String> judged = new LinkedHashSet<>();
            snapshot.path("acl").path("grants").forEach(g -> judged.add(g.path("uri").asText("") + " "
                    + g.path("permission").asText("")));
            List<Grant> unjudged = open.stream().filter(g -> !judged.contains(g.grantee().uri() + " "
                    + g.permissionAsString())).toList();
            if (!unjudged.isEmpty()) {
                return ActionResult.refused("The ACL of bucket " + r.id() + " now grants " + describeGrants(unjudged)
                        + ", which it did not when the incident was judged; a newer change made it, so the ACL is"
                        + " left as it is.");
            }
        }
        List<Grant> kept = acl.grants().stream().filter(g -> !open.contains(g)).toList();
        String what = describeGrants(open) + " from the ACL of bucket " + r.id() + ", keeping "
                + plural(kept.size(), "other grant");
        if (dryRun) {
            return ActionResult.wouldChange("Would remove " + what + ".");
        }
        // The grant list, not a canned ACL: a canned ACL is a body-less PUT, which the JDK URL-connection client
        // sends without the Content-Length the local emulator requires; the grant list also keeps other grants.
        s3(r).putBucketAcl(p -> p.bucket(r.id()).accessControlPolicy(acp -> acp.owner(acl.owner()).grants(kept)));
        ObjectNode undo = Json.mapper().createObjectNode();
        undo.set("before", aclNode(acl));
        undo.set("after", aclNode(GetBucketAclResponse.builder().owner(acl.owner()).grants(kept).build()));
        return ActionResult.changed("Removed " + what + ".", undo);
    }

    // --- reads --------------------------------------------------------------------------------------------------

    private Map<String, Boolean> bucketBlock(ResourceRef r) {
        try {
            return flags(s3(r).getPublicAccessBlock(p -> p.bucket(r.id())).publicAccessBlockConfiguration());
        } catch (S3Exception e) {
            if (isCode(e, "NoSuchPublicAccessBlockConfiguration")) {
                return flags((PublicAccessBlockConfiguration) null);
            }
            throw e;
        }
    }

    private Map<String, Boolean> accountBlock(ResourceRef r) {
        try {
            var c = s3Control.getPublicAccessBlock(p -> p.accountId(r.account())).publicAccessBlockConfiguration();
            Map<String, Boolean> out = new LinkedHashMap<>();
            out.put("BlockPublicAcls", Boolean.TRUE.equals(c.blockPublicAcls()));
            out.put("IgnorePublicAcls", Boolean.TRUE.equals(c.ignorePublicAcls()));
            out.put("BlockPublicPolicy", Boolean.TRUE.equals(c.blockPublicPolicy()));
            out.put("RestrictPublicBuckets", Boolean.TRUE.equals(c.restrictPublicBuckets()));
            return out;
        } catch (S3ControlException e) {
            if (e.awsErrorDetails() != null
                    && "NoSuchPublicAccessBlockConfiguration".equals(e.awsErrorDetails().errorCode())) {
                return flags((PublicAccessBlockConfiguration) null);
            }
            throw e;
        }
    }

    private Optional<String> policyText(ResourceRef r) {
        try {
            return Optional.ofNullable(s3(r).getBucketPolicy(p -> p.bucket(r.id())).policy()).filter(t -> !t.isBlank());
        } catch (S3Exception e) {
            if (isCode(e, "NoSuchBucketPolicy")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static List<Grant> publicGrants(List<Grant> grants) {
        return grants.stream().filter(g -> g.grantee() != null && g.grantee().type() == Type.GROUP
                && (ALL_USERS.equals(g.grantee().uri()) || AUTHENTICATED_USERS.equals(g.grantee().uri()))).toList();
    }

    // --- small pieces -------------------------------------------------------------------------------------------

    private S3Client s3(ResourceRef r) {
        return clients.computeIfAbsent(r.region(), region -> s3Factory.apply(Region.of(region)));
    }

    private static boolean isAccount(ResourceRef r) {
        return r.type().equals(ResourceRef.ACCOUNT_PUBLIC_ACCESS_BLOCK);
    }

    /** Whether a finding is, or is to be remediated as, {@code ruleId} (an AWS Config verdict routed to it). */
    private static boolean has(Incident incident, String ruleId) {
        return incident.findings().stream().anyMatch(f -> f.remediates(ruleId));
    }

    private static boolean isCode(S3Exception e, String code) {
        return e.awsErrorDetails() != null && code.equals(e.awsErrorDetails().errorCode());
    }

    private static Map<String, Boolean> flags(PublicAccessBlockConfiguration c) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        out.put("BlockPublicAcls", c != null && Boolean.TRUE.equals(c.blockPublicAcls()));
        out.put("IgnorePublicAcls", c != null && Boolean.TRUE.equals(c.ignorePublicAcls()));
        out.put("BlockPublicPolicy", c != null && Boolean.TRUE.equals(c.blockPublicPolicy()));
        out.put("RestrictPublicBuckets", c != null && Boolean.TRUE.equals(c.restrictPublicBuckets()));
        return out;
    }

    /** From a snapshot entry; {@code null} there means no block was configured, i.e. every setting off. */
    private static Map<String, Boolean> flags(JsonNode node) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        FLAGS.forEach(f -> out.put(f, node.path(f).asBoolean(false)));
        return out;
    }

    private static JsonNode flagsNode(Map<String, Boolean> flags) {
        ObjectNode out = Json.mapper().createObjectNode();
        flags.forEach(out::put);
        return out;
    }

    private static List<String> off(Map<String, Boolean> flags) {
        return flags.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    }

    private static ObjectNode aclNode(GetBucketAclResponse acl) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("owner", acl.owner() == null ? null : acl.owner().id());
        ArrayNode grants = out.putArray("grants");
        for (Grant g : acl.grants()) {
            ObjectNode n = grants.addObject();
            n.put("type", g.grantee() == null ? null : g.grantee().typeAsString());
            n.put("id", g.grantee() == null ? null : g.grantee().id());
            n.put("uri", g.grantee() == null ? null : g.grantee().uri());
            n.put("email", g.grantee() == null ? null : g.grantee().emailAddress());
            n.put("permission", g.permissionAsString());
        }
        return out;
    }

    private static String describeStatements(List<JsonNode> statements) {
        List<String> parts = new ArrayList<>();
        for (JsonNode s : statements) {
            PolicyDocument.Statement judged = PolicyRewrite.judge(s);
            String actions = judged.notActions().isEmpty() ? String.join(", ", judged.actions())
                    : "every action but " + String.join(", ", judged.notActions());
            parts.add(s.hasNonNull("Sid") ? actions + " (" + s.path("Sid").asText() + ")" : actions);
        }
        return String.join("; ", parts);
    }

    private static String describeGrants(List<Grant> grants) {
        List<String> parts = new ArrayList<>();
        for (Grant g : grants) {
            String who = ALL_USERS.equals(g.grantee().uri()) ? "AllUsers" : "AuthenticatedUsers";
            parts.add(g.permissionAsString() + " to " + who);
        }
        return String.join(", ", parts);
    }

    private static String subject(ResourceRef r) {
        return capitalise(subjectLower(r));
    }

    private static String subjectLower(ResourceRef r) {
        return isAccount(r) ? "the account-level public access block of " + r.account() : "bucket " + r.id();
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * Undo, per action, from the fix's record ({@code before}: what the fix replaced; {@code after}: what it left):
     * the public access block's four settings as they were (or no configuration at all), the bucket policy as it was,
     * the ACL's grants as they were. Only while the live state is still what the fix left; otherwise somebody has
     * changed it since and Undo leaves it alone.
     */
    @Override
    public ActionResult undo(RemediationAction action, Incident incident, JsonNode undo) {
        ResourceRef r = incident.resource();
        try {
            return switch (action) {
                case RESTORE_PUBLIC_ACCESS_BLOCK -> undoBlock(r, undo);
                case REMOVE_PUBLIC_STATEMENTS -> undoPolicy(r, undo);
                case REMOVE_PUBLIC_ACL_GRANTS -> undoAcl(r, undo);
                case RESTORE_DEFAULT_ENCRYPTION -> encryption.undo(s3(r), r, undo);
                default -> ActionResult.refused(action.key() + " is not an S3 action.");
            };
        } catch (S3Exception e) {
            if (isCode(e, "NoSuchBucket")) {
                return ActionResult.refused("Bucket " + r.id() + " no longer exists; there is nothing to put back.");
            }
            throw e;
        }
    }

    private ActionResult undoBlock(ResourceRef r, JsonNode undo) {
        Map<String, Boolean> live = isAccount(r) ? accountBlock(r) : bucketBlock(r);
        JsonNode before = undo.path("before");
        Map<String, Boolean> wanted = before.isObject() ? flags(before) : flags((PublicAccessBlockConfiguration) null);
        if (live.equals(wanted) && (before.isObject() || !configured(r))) {
            return ActionResult.nothingToDo("The public access block of " + subjectLower(r) + " is already as it was"
                    + " before the fix.");
        }
        if (!live.equals(flags(undo.path("after")))) {
            return ActionResult.refused("The public access block of " + subjectLower(r) + " has changed since the"
                    + " fix (" + describeFlags(live) + "), so it is left as it is.");
        }
        if (!before.isObject()) {
            if (isAccount(r)) {
                s3Control.deletePublicAccessBlock(d -> d.accountId(r.account()));
            } else {
                s3(r).deletePublicAccessBlock(d -> d.bucket(r.id()));
            }
            return ActionResult.changed("Removed the public access block of " + subjectLower(r)
                    + " again, as it was before the fix.");
        }
        var c = PublicAccessBlockConfiguration.builder().blockPublicAcls(wanted.get("BlockPublicAcls"))
                .ignorePublicAcls(wanted.get("IgnorePublicAcls")).blockPublicPolicy(wanted.get("BlockPublicPolicy"))
                .restrictPublicBuckets(wanted.get("RestrictPublicBuckets")).build();
        if (isAccount(r)) {
            s3Control.putPublicAccessBlock(p -> p.accountId(r.account()).publicAccessBlockConfiguration(a -> a
                    .blockPublicAcls(c.blockPublicAcls()).ignorePublicAcls(c.ignorePublicAcls())
                    .blockPublicPolicy(c.blockPublicPolicy()).restrictPublicBuckets(c.restrictPublicBuckets())));
        } else {
            s3(r).putPublicAccessBlock(p -> p.bucket(r.id()).publicAccessBlockConfiguration(c));
        }
        return ActionResult.changed("Put the public access block of " + subjectLower(r) + " back as it was ("
                + describeFlags(wanted) + ").");
    }

    private ActionResult undoPolicy(ResourceRef r, JsonNode undo) {
        Optional<String> live = policyText(r);
        String before = undo.path("before").asText(null);
        JsonNode after = undo.path("after");
        if (live.isPresent() && before != null && sameDocument(live.get(), before)) {
            return ActionResult.nothingToDo("The policy of bucket " + r.id() + " is already as it was before the fix.");
        }
        boolean asLeft = after.isTextual() ? live.isPresent() && sameDocument(live.get(), after.asText())
                : live.isEmpty();
        if (!asLeft) {
            return ActionResult.refused("The policy of bucket " + r.id() + " has changed since the fix, so it is left"
                    + " as it is.");
        }
        s3(r).putBucketPolicy(p -> p.bucket(r.id()).policy(before));
        return ActionResult.changed("Put the policy of bucket " + r.id() + " back as it was before the fix.");
    }

    private ActionResult undoAcl(ResourceRef r, JsonNode undo) {
        GetBucketAclResponse live = s3(r).getBucketAcl(a -> a.bucket(r.id()));
        Set<String> now = grantKeys(aclNode(live));
        if (now.equals(grantKeys(undo.path("before")))) {
            return ActionResult.nothingToDo("The ACL of bucket " + r.id() + " is already as it was before the fix.");
        }
        if (!now.equals(grantKeys(undo.path("after")))) {
            return ActionResult.refused("The ACL of bucket " + r.id() + " has changed since the fix, so it is left as"
                    + " it is.");
        }
        List<Grant> grants = new ArrayList<>();
        for (JsonNode g : undo.path("before").path("grants")) {
            var grantee = software.amazon.awssdk.services.s3.model.Grantee.builder().type(g.path("type").asText())
                    .id(g.path("id").asText(null)).uri(g.path("uri").asText(null))
                    .emailAddress(g.path("email").asText(null)).build();
            grants.add(Grant.builder().grantee(grantee).permission(g.path("permission").asText()).build());
        }
        s3(r).putBucketAcl(p -> p.bucket(r.id()).accessControlPolicy(acp -> acp.owner(live.owner()).grants(grants)));
        return ActionResult.changed("Put the ACL of bucket " + r.id() + " back as it was before the fix ("
                + plural(grants.size(), "grant") + ").");
    }

    /** Whether a public access block is configured at all (no configuration reads as four settings off). */
    private boolean configured(ResourceRef r) {
        try {
            if (isAccount(r)) {
                s3Control.getPublicAccessBlock(p -> p.accountId(r.account()));
            } else {
                s3(r).getPublicAccessBlock(p -> p.bucket(r.id()));
            }
            return true;
        } catch (S3Exception e) {
            if (isCode(e, "NoSuchPublicAccessBlockConfiguration")) {
                return false;
            }
            throw e;
        } catch (S3ControlException e) {
            if (e.awsErrorDetails() != null
                    && "NoSuchPublicAccessBlockConfiguration".equals(e.awsErrorDetails().errorCode())) {
                return false;
            }
            throw e;
        }
    }

    private static Map<String, Boolean> allOn() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        FLAGS.forEach(f -> out.put(f, true));
        return out;
    }

    private static String describeFlags(Map<String, Boolean> flags) {
        List<String> on = flags.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        return on.isEmpty() ? "every setting off" : String.join(", ", on) + " on";
    }

    private static boolean sameDocument(String a, String b) {
        return PolicyRewrite.read(a).equals(PolicyRewrite.read(b));
    }

    private static Set<String> grantKeys(JsonNode acl) {
        Set<String> out = new java.util.TreeSet<>();
        acl.path("grants").forEach(g -> out.add(g.path("type").asText("") + "|" + g.path("id").asText("") + "|"
                + g.path("uri").asText("") + "|" + g.path("email").asText("") + "|" + g.path("permission").asText("")));
        return out;
    }
}
