package io.portcullis.aws;

import static io.portcullis.aws.S3Resources.has;
import static io.portcullis.aws.S3Resources.isAccount;
import static io.portcullis.aws.S3Resources.isCode;
import static io.portcullis.aws.S3Resources.owner;
import static io.portcullis.aws.S3Resources.plural;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyDocument;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.rule.S3ExposureRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code remove-public-statements} ({@code s3-public-policy}), for {@link S3BucketActions}: removes from a bucket's
 * policy only the statements that allow anyone without a restricting condition (the rule's own judgement,
 * {@link PolicyRewrite}); keeps every other statement; deletes the policy only when nothing is left. Refuses when a
 * public statement is there that the snapshot did not record as public (or, without a snapshot entry, that allows
 * actions the finding did not name).
 *
 * <p>Snapshot entry: the policy as text, or null. Undo record: {@code {"before": "<policy the fix replaced>",
 * "after": "<the one it wrote>" | null (deleted)}}.
 */
final class BucketPolicyStatements {

    private final S3Resources s3;

    BucketPolicyStatements(S3Resources s3) {
        this.s3 = s3;
    }

    /** The bucket's policy as text; empty when it has none. */
    Optional<String> text(ResourceRef r) {
        try {
            return Optional.ofNullable(s3.client(r).getBucketPolicy(p -> p.bucket(r.id()).expectedBucketOwner(owner(r)))
                            .policy())
                    .filter(t -> !t.isBlank());
        } catch (S3Exception e) {
            if (isCode(e, "NoSuchBucketPolicy")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    ActionResult remove(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (isAccount(r) || !has(incident, S3ExposureRule.ID_PUBLIC_POLICY)) {
            return ActionResult.nothingToDo("The incident has no finding about a public bucket policy on " + r.id()
                    + ", so no policy is changed.");
        }
        Optional<String> text = text(r);
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
            s3.client(r).putBucketPolicy(p -> p.bucket(r.id()).expectedBucketOwner(owner(r)).policy(doc));
            undo.put("after", doc);
        } else {
            s3.client(r).deleteBucketPolicy(d -> d.bucket(r.id()).expectedBucketOwner(owner(r)));
            undo.putNull("after");
        }
        return ActionResult.changed("Removed " + what + ".", undo);
    }

    /** What the policy still allows anyone, when the incident is about a public bucket policy. */
    Optional<String> stillOpen(Incident incident) {
        ResourceRef r = incident.resource();
        if (isAccount(r) || !has(incident, S3ExposureRule.ID_PUBLIC_POLICY)) {
            return Optional.empty();
        }
        List<JsonNode> open = text(r).map(t -> PolicyRewrite.publicStatements(PolicyRewrite.read(t)))
                .orElse(List.of());
        return open.isEmpty() ? Optional.empty()
                : Optional.of("the policy of bucket " + r.id() + " still allows anyone " + describeStatements(open));
    }

    /** Undo: the policy as it was before the fix, only while it is still what the fix left. */
    ActionResult undo(ResourceRef r, JsonNode undo) {
        Optional<String> live = text(r);
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
        s3.client(r).putBucketPolicy(p -> p.bucket(r.id()).expectedBucketOwner(owner(r)).policy(before));
        return ActionResult.changed("Put the policy of bucket " + r.id() + " back as it was before the fix.");
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

    private static boolean sameDocument(String a, String b) {
        return PolicyRewrite.read(a).equals(PolicyRewrite.read(b));
    }
}
