package io.portcullis.aws;

import static io.portcullis.aws.S3Resources.capitalise;
import static io.portcullis.aws.S3Resources.isAccount;
import static io.portcullis.aws.S3Resources.isCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.playbook.ResourceActions;
import io.portcullis.rule.Finding;
import io.portcullis.rule.S3ExposureRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3control.S3ControlClient;

/**
 * The S3 side of the {@code s3-exposure} playbook, for a bucket ({@code AWS::S3::Bucket}) and for the account-level
 * public access block ({@code AWS::S3::AccountPublicAccessBlock}, through S3 Control).
 *
 * <p>Each action acts only on the kind of exposure the incident's findings name (the playbook runs all three for
 * every S3 incident; turning on a public access block that was off long before an ACL change would undo something
 * nobody judged):
 * <ul>
 *   <li>{@code restore-public-access-block} ({@code s3-public-access-block-off}, {@link PublicAccessBlocks}): turns
 *       all four settings on.</li>
 *   <li>{@code remove-public-statements} ({@code s3-public-policy}, {@link BucketPolicyStatements}): removes only the
 *       statements that allow anyone without a restricting condition (the rule's own judgement,
 *       {@link io.portcullis.iam.PolicyRewrite}); keeps every other statement; deletes the policy only when nothing
 *       is left.</li>
 *   <li>{@code remove-public-acl-grants} ({@code s3-public-acl}, {@link BucketAclGrants}): removes only the AllUsers
 *       and AuthenticatedUsers grants, keeping the owner's and every other grant.</li>
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
 * <p>Every bucket call, read or write, names the incident's account as the bucket's expected owner
 * ({@link S3Resources#owner}): a bucket name is global, and one deleted and re-created by another account must not
 * get a policy, ACL or block written by Portcullis (S3 answers 403 AccessDenied instead).
 *
 * <p>Calls (and so IAM permissions) per action are exactly those declared on {@link RemediationAction}; the snapshot
 * and {@link #stillWrong} use only the read calls of those actions.
 */
public final class S3BucketActions implements ResourceActions {

    private final S3Resources s3;
    private final PublicAccessBlocks blocks;
    private final BucketPolicyStatements policies;
    private final BucketAclGrants acls;
    private final BucketDefaultEncryption encryption;

    /**
     * @param s3        an S3 client for a region (buckets are read and written in their own region); called once per
     *                  region
     * @param s3Control for the account-level public access block
     * @param inventory what buckets' default encryption was before a change (restore-default-encryption puts it back)
     */
    public S3BucketActions(Function<Region, S3Client> s3, S3ControlClient s3Control,
                           io.portcullis.inventory.LastKnownConfigurations inventory) {
        this.s3 = new S3Resources(s3);
        this.blocks = new PublicAccessBlocks(this.s3, s3Control);
        this.policies = new BucketPolicyStatements(this.s3);
        this.acls = new BucketAclGrants(this.s3);
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
            out.set("publicAccessBlock", blocks.snapshot(r));
            return out;
        }
        try {
            out.set("publicAccessBlock", blocks.snapshot(r));
            Optional<String> policy = policies.text(r);
            out.put("policy", policy.orElse(null));
            out.set("acl", acls.snapshot(r));
            out.set("encryption", BucketDefaultEncryption.Rule.node(encryption.live(s3.client(r), r)));
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
                case RESTORE_PUBLIC_ACCESS_BLOCK -> blocks.restore(incident, snapshot, dryRun);
                case REMOVE_PUBLIC_STATEMENTS -> policies.remove(incident, snapshot, dryRun);
                case REMOVE_PUBLIC_ACL_GRANTS -> acls.remove(incident, snapshot, dryRun);
                case RESTORE_DEFAULT_ENCRYPTION -> isAccount(r) ? ActionResult.nothingToDo("The account-level public"
                        + " access block has no default encryption.")
                        : encryption.apply(s3.client(r), incident, snapshot, dryRun);
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
            blocks.stillOff(incident).ifPresent(wrong::add);
            policies.stillOpen(incident).ifPresent(wrong::add);
            acls.stillOpen(incident).ifPresent(wrong::add);
            if (!isAccount(r)) {
                encryption.stillWrong(s3.client(r), incident).ifPresent(wrong::add);
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
                case RESTORE_PUBLIC_ACCESS_BLOCK -> blocks.undo(r, undo);
                case REMOVE_PUBLIC_STATEMENTS -> policies.undo(r, undo);
                case REMOVE_PUBLIC_ACL_GRANTS -> acls.undo(r, undo);
                case RESTORE_DEFAULT_ENCRYPTION -> encryption.undo(s3.client(r), r, undo);
                default -> ActionResult.refused(action.key() + " is not an S3 action.");
            };
        } catch (S3Exception e) {
            if (isCode(e, "NoSuchBucket")) {
                return ActionResult.refused("Bucket " + r.id() + " no longer exists; there is nothing to put back.");
            }
            throw e;
        }
    }
}
