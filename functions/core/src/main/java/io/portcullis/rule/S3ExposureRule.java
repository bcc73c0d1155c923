package io.portcullis.rule;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * S3 exposure: public ACL grants (AllUsers, AuthenticatedUsers; grant lists and canned ACLs) and bucket policies that
 * allow anyone without a restricting condition are critical; a public access block removed or weakened, at bucket
 * or account level, is high; default encryption removed is medium. The same judgement applies to a bucket's state
 * in an AWS Config configuration item (a missing public access block counts as removed).
 */
public final class S3ExposureRule implements Rule {

    public static final String ID_PUBLIC_ACL = "s3-public-acl";
    public static final String ID_PUBLIC_POLICY = "s3-public-policy";
    public static final String ID_BLOCK_REMOVED = "s3-public-access-block-off";
    public static final String ID_ENCRYPTION_REMOVED = "s3-encryption-removed";

    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    static final Set<String> PUBLIC_CANNED = Set.of("public-read", "public-read-write", "authenticated-read");
    static final List<String> BLOCK_FLAGS = List.of("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
            "RestrictPublicBuckets");

    @Override
    public String id() {
        return "s3-exposure";
    }

    @Override
    public java.util.Set<String> findingIds() {
        return java.util.Set.of(ID_PUBLIC_ACL, ID_PUBLIC_POLICY, ID_BLOCK_REMOVED, ID_ENCRYPTION_REMOVED);
    }

    @Override
    public List<Finding> evaluate(Change change) {
        if (change.kind() == ChangeKind.STATE && ResourceRef.BUCKET.equals(change.resource().type())) {
            return state(change);
        }
        if (change.kind() != ChangeKind.CONFIGURATION || !"s3.amazonaws.com".equals(change.eventSource())) {
            return List.of();
        }
        JsonNode r = change.request();
        String bucket = change.resource().id();
        List<Finding> out = new ArrayList<>();
        switch (change.eventName()) {
            case "PutBucketAcl" -> {
                Map<String, String> grants = publicGrants(r);
                if (!grants.isEmpty()) {
                    out.add(Finding.of(ID_PUBLIC_ACL, RuleFamily.S3, Severity.CRITICAL, Exposure.INTERNET,
                            change.resource(), grants, "Bucket " + bucket + " now grants " + describe(grants)
                                    + " by ACL, so anyone on the internet can use it; set the ACL back to private."));
                }
            }
            case "PutBucketPolicy" -> {
                List<String> actions = publicActions(r.path("bucketPolicy"));
                if (!actions.isEmpty()) {
                    out.add(Finding.of(ID_PUBLIC_POLICY, RuleFamily.S3, Severity.CRITICAL, Exposure.INTERNET,
                            change.resource(), Map.of("actions", String.join(", ", actions)),
                            "Bucket " + bucket + " has a policy that allows anyone " + String.join(", ", actions)
                                    + " with no condition limiting it to your organisation or network;"
                                    + " remove that statement or add such a condition."));
                }
            }
            case "PutBucketPublicAccessBlock", "PutAccountPublicAccessBlock" -> {
                JsonNode config = r.path("PublicAccessBlockConfiguration");
                // S3 treats a flag left out of the request as false.
                List<String> off = BLOCK_FLAGS.stream().filter(f -> !truthy(config.path(f))).toList();
                if (!off.isEmpty()) {
                    out.add(blockFinding(change, "weakened: " + String.join(", ", off) + " turned off", off));
                }
            }
            case "DeleteBucketPublicAccessBlock", "DeleteAccountPublicAccessBlock" ->
                    out.add(blockFinding(change, "removed", BLOCK_FLAGS));
            case "DeleteBucketEncryption" -> out.add(Finding.of(ID_ENCRYPTION_REMOVED, RuleFamily.S3, Severity.MEDIUM,
                    Exposure.INTERNAL, change.resource(), Map.of(),
                    "Default encryption of bucket " + bucket + " was removed, so new objects may be stored"
                            + " unencrypted; configure default encryption again."));
            default -> {
            }
        }
        return out;
    }

    /**
     * A bucket's state as AWS Config recorded it (shape: {@code ConfigItemStates}), judged as its calls are: a public
     * grant, a public policy statement, a public access block missing or with a setting off, no default encryption.
     * Whatever made the bucket so (a call CloudTrail never delivered, a change before Portcullis watched), it is.
     */
    private static List<Finding> state(Change change) {
        JsonNode state = change.request();
        String bucket = change.resource().id();
        List<Finding> out = new ArrayList<>();
        Map<String, String> grants = new LinkedHashMap<>();
        for (JsonNode g : state.path("grants")) {
            String who = g.path("grantee").asText("");
            if (who.equals("AllUsers") || who.equals("AuthenticatedUsers") || who.equals(ALL_USERS)
                    || who.equals(AUTHENTICATED_USERS)) {
                grants.merge(who.substring(who.lastIndexOf('/') + 1), g.path("permission").asText("?"),
                        (a, b) -> a + ", " + b);
            }
        }
        if (!grants.isEmpty()) {
            out.add(Finding.of(ID_PUBLIC_ACL, RuleFamily.S3, Severity.CRITICAL, Exposure.INTERNET, change.resource(),
                    grants, "AWS Config shows bucket " + bucket + " granting " + describe(grants) + " by ACL, so anyone"
                            + " on the internet can use it; set the ACL back to private."));
        }
        List<String> actions = publicActions(state.path("policy"));
        if (!actions.isEmpty()) {
            out.add(Finding.of(ID_PUBLIC_POLICY, RuleFamily.S3, Severity.CRITICAL, Exposure.INTERNET,
                    change.resource(), Map.of("actions", String.join(", ", actions)), "AWS Config shows bucket "
                            + bucket + " with a policy that allows anyone " + String.join(", ", actions)
                            + " with no condition limiting it to your organisation or network; remove that statement"
                            + " or add such a condition."));
        }
        JsonNode block = state.path("publicAccessBlock");
        List<String> off = BLOCK_FLAGS.stream().filter(f -> !block.path(f).asBoolean(false)).toList();
        if (!off.isEmpty()) {
            String what = block.isObject() ? "has " + String.join(", ", off) + " off" : "has none";
            out.add(Finding.of(ID_BLOCK_REMOVED, RuleFamily.S3, Severity.HIGH, Exposure.INTERNAL, change.resource(),
                    Map.of("flagsOff", String.join(", ", off)), "AWS Config shows that the public access block of"
                            + " bucket " + bucket + " " + what + ", so a public ACL or policy would take effect; turn"
                            + " all four settings on."));
        }
        if (state.path("encryption").path("rules").isEmpty()) {
            out.add(Finding.of(ID_ENCRYPTION_REMOVED, RuleFamily.S3, Severity.MEDIUM, Exposure.INTERNAL,
                    change.resource(), Map.of(), "AWS Config shows bucket " + bucket + " without default encryption,"
                            + " so new objects may be stored unencrypted; configure default encryption again."));
        }
        return out;
    }

    private static Finding blockFinding(Change change, String what, List<String> flags) {
        boolean account = change.eventName().contains("Account");
        String subject = account ? "The account-level S3 public access block of " + change.resource().account()
                : "The public access block of bucket " + change.resource().id();
        return Finding.of(ID_BLOCK_REMOVED, RuleFamily.S3, Severity.HIGH, Exposure.INTERNAL, change.resource(),
                Map.of("flagsOff", String.join(", ", flags)), subject + " was " + what
                        + ", so a public ACL or policy would now take effect; turn all four settings back on.");
    }

    /** Grants to AllUsers or AuthenticatedUsers, from the grant list or the canned ACL header. */
    static Map<String, String> publicGrants(JsonNode request) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode canned = request.path("x-amz-acl");
        for (JsonNode c : canned.isArray() ? canned : List.of(canned)) {
            String value = c.asText("").toLowerCase(Locale.ROOT);
            if (PUBLIC_CANNED.contains(value)) {
                out.put("cannedAcl", value);
            }
        }
        JsonNode grants = request.path("AccessControlPolicy").path("AccessControlList").path("Grant");
        for (JsonNode g : grants.isArray() ? grants : List.of(grants)) {
            String uri = g.path("Grantee").path("URI").asText("");
            String who = uri.equals(ALL_USERS) ? "AllUsers" : uri.equals(AUTHENTICATED_USERS) ? "AuthenticatedUsers" : null;
            if (who != null) {
                out.merge(who, g.path("Permission").asText("?"), (a, b) -> a + ", " + b);
            }
        }
        for (String header : List.of("x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-full-control",
                "x-amz-grant-read-acp", "x-amz-grant-write-acp")) {
            JsonNode h = request.path(header);
            String text = h.isArray() ? h.toString() : h.asText("");
            if (text.contains(ALL_USERS) || text.contains(AUTHENTICATED_USERS)) {
                out.put(header, text.contains(ALL_USERS) ? "AllUsers" : "AuthenticatedUsers");
            }
        }
        return out;
    }

    /** The actions a bucket policy allows to anyone without a restricting condition. */
    static List<String> publicActions(JsonNode policy) {
        List<String> out = new ArrayList<>();
        PolicyDocument.parse(policy).ifPresent(doc -> {
            for (PolicyDocument.Statement s : doc.statements()) {
                if (!s.allowsAnyoneUnrestricted()) {
                    continue;
                }
                List<String> named = s.notActions().isEmpty() ? s.actions() : List.of("every action but " + s.notActions());
                named.forEach(a -> {
                    if (!out.contains(a)) {
                        out.add(a);
                    }
                });
            }
        });
        return out;
    }

    private static boolean truthy(JsonNode node) {
        return node.isBoolean() ? node.asBoolean() : "true".equalsIgnoreCase(node.asText());
    }

    private static String describe(Map<String, String> grants) {
        List<String> parts = new ArrayList<>();
        grants.forEach((k, v) -> parts.add(k.equals("cannedAcl") ? "the canned ACL " + v : v + " to " + k));
        return String.join(" and ", parts);
    }
}
