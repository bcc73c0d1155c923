package io.portcullis.aws;

import static io.portcullis.aws.S3Resources.owner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.AppliedFix;
import io.portcullis.incident.Incident;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.S3ExposureRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * {@code restore-default-encryption}, for {@link S3BucketActions}: a bucket's default encryption put back as it was
 * before the change that removed it, and its Undo.
 *
 * <p>A DeleteBucketEncryption event does not say what it removed, so the target comes from the inventory
 * ({@link LastKnownConfigurations#before}: the configuration a sweep saw in place before the event): the same
 * algorithm, the same KMS key, the same bucket-key setting. With no record, or a record of no encryption at all, the
 * target is SSE-S3 (AES256), AWS's own default since January 2023, and the detail says that a KMS key the bucket may
 * have used is not known.
 *
 * <p>In AWS, DeleteBucketEncryption resets a bucket to SSE-S3 rather than to nothing (the local emulator leaves it
 * with none): either way the live state is compared with what the snapshot recorded, and the action refuses when
 * they differ (somebody set an encryption since the incident was judged, and it is theirs to keep).
 *
 * <p>Encryption as JSON, the inventory's shape: {@code {"rules": [{"sseAlgorithm": "aws:kms", "kmsMasterKeyId":
 * "arn:aws:kms:…" | null, "bucketKeyEnabled": true}]}}, {@code "rules": []} for none.
 */
final class BucketDefaultEncryption {

    static final String SSE_S3 = "AES256";

    private final LastKnownConfigurations inventory;

    BucketDefaultEncryption(LastKnownConfigurations inventory) {
        this.inventory = inventory;
    }

    /** One default-encryption rule, as S3 and the inventory give it. */
    record Rule(String sseAlgorithm, String kmsMasterKeyId, boolean bucketKeyEnabled) {

        /** A key and a bucket key mean something only with KMS: SSE-S3 compares equal whatever S3 reports for them. */
        Rule {
            if (!sseAlgorithm.startsWith("aws:kms")) {
                kmsMasterKeyId = null;
                bucketKeyEnabled = false;
            }
        }

        static List<Rule> of(JsonNode rules) {
            List<Rule> out = new ArrayList<>();
            for (JsonNode r : rules) {
                String key = r.path("kmsMasterKeyId").asText("");
                out.add(new Rule(r.path("sseAlgorithm").asText(""), key.isBlank() ? null : key,
                        r.path("bucketKeyEnabled").asBoolean(false)));
            }
            return out;
        }

        static ObjectNode node(List<Rule> rules) {
            ObjectNode out = Json.mapper().createObjectNode();
            ArrayNode list = out.putArray("rules");
            for (Rule r : rules) {
                ObjectNode n = list.addObject().put("sseAlgorithm", r.sseAlgorithm());
                if (r.kmsMasterKeyId() == null) {
                    n.putNull("kmsMasterKeyId");
                } else {
                    n.put("kmsMasterKeyId", r.kmsMasterKeyId());
                }
                n.put("bucketKeyEnabled", r.bucketKeyEnabled());
            }
            return out;
        }

        String describe() {
            String what = switch (sseAlgorithm) {
                case SSE_S3 -> "SSE-S3 (AES256)";
                case "aws:kms" -> "SSE-KMS";
                case "aws:kms:dsse" -> "DSSE-KMS";
                default -> sseAlgorithm;
            };
            if (sseAlgorithm.startsWith("aws:kms")) {
                what += kmsMasterKeyId == null ? " with the AWS managed key (aws/s3)" : " with key " + kmsMasterKeyId;
                what += bucketKeyEnabled ? ", bucket key on" : ", bucket key off";
            }
            return what;
        }
    }

    /** The live default encryption ({@code rules: []} when none is configured). */
    List<Rule> live(S3Client s3, ResourceRef r) {
        try {
            List<Rule> out = new ArrayList<>();
            for (ServerSideEncryptionRule rule : s3.getBucketEncryption(g -> g.bucket(r.id())
                            .expectedBucketOwner(owner(r)))
                    .serverSideEncryptionConfiguration().rules()) {
                var byDefault = rule.applyServerSideEncryptionByDefault();
                if (byDefault == null) {
                    continue;
                }
                String key = byDefault.kmsMasterKeyID();
                out.add(new Rule(byDefault.sseAlgorithmAsString(), key == null || key.isBlank() ? null : key,
                        Boolean.TRUE.equals(rule.bucketKeyEnabled())));
            }
            return out;
        } catch (S3Exception e) {
            if (e.awsErrorDetails() != null
                    && "ServerSideEncryptionConfigurationNotFoundError".equals(e.awsErrorDetails().errorCode())) {
                return List.of();
            }
            throw e;
        }
    }

    ActionResult apply(S3Client s3, Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (!concerned(incident)) {
            return ActionResult.nothingToDo("The incident has no finding about the default encryption of " + r.id()
                    + ", so it is left as it is.");
        }
        Target target = target(incident);
        List<Rule> live = live(s3, r);
        if (live.equals(target.rules())) {
            return ActionResult.nothingToDo("The default encryption of bucket " + r.id() + " is " + describe(live)
                    + " already" + target.note() + ".");
        }
        if (snapshot != null && snapshot.path("encryption").path("rules").isArray()) {
            List<Rule> then = Rule.of(snapshot.path("encryption").path("rules"));
            if (!live.equals(then)) {
                return ActionResult.refused("The default encryption of bucket " + r.id() + " is now " + describe(live)
                        + ", not the " + describe(then) + " recorded when the incident was judged; somebody set it"
                        + " since, so it is left as it is.");
            }
        }
        String what = "the default encryption of bucket " + r.id() + " to " + describe(target.rules()) + ", instead of "
                + describe(live) + target.note();
        if (dryRun) {
            return ActionResult.wouldChange("Would set " + what + ".");
        }
        put(s3, r, target.rules());
        ObjectNode undo = Json.mapper().createObjectNode();
        undo.set("before", Rule.node(live));
        undo.set("after", Rule.node(target.rules()));
        return ActionResult.changed("Set " + what + ".", undo);
    }

    Optional<String> stillWrong(S3Client s3, Incident incident) {
        if (!concerned(incident)) {
            return Optional.empty();
        }
        ResourceRef r = incident.resource();
        List<Rule> live = live(s3, r);
        if (live.isEmpty()) {
            return Optional.of("bucket " + r.id() + " has no default encryption");
        }
        Optional<List<Rule>> fixed = incident.fixes().stream()
                .filter(f -> RemediationAction.RESTORE_DEFAULT_ENCRYPTION.key().equals(f.action()))
                .filter(AppliedFix::undoable).reduce((a, b) -> b).map(f -> Rule.of(f.undo().path("after").path("rules")));
        if (fixed.isPresent() && !live.equals(fixed.get())) {
            return Optional.of("the default encryption of bucket " + r.id() + " is " + describe(live) + ", not the "
                    + describe(fixed.get()) + " Portcullis set");
        }
        return Optional.empty();
    }

    /** Undo: the encryption before the fix (none: DeleteBucketEncryption), only while it is still what the fix set. */
    ActionResult undo(S3Client s3, ResourceRef r, JsonNode record) {
        List<Rule> before = Rule.of(record.path("before").path("rules"));
        List<Rule> after = Rule.of(record.path("after").path("rules"));
        List<Rule> live = live(s3, r);
        if (live.equals(before)) {
            return ActionResult.nothingToDo("The default encryption of bucket " + r.id() + " is already "
                    + describe(before) + ", as it was before the fix.");
        }
        if (!live.equals(after)) {
            return ActionResult.refused("The default encryption of bucket " + r.id() + " has changed since the fix (it"
                    + " is " + describe(live) + "), so it is left as it is.");
        }
        if (before.isEmpty()) {
            s3.deleteBucketEncryption(d -> d.bucket(r.id()).expectedBucketOwner(owner(r)));
        } else {
            put(s3, r, before);
        }
        return ActionResult.changed("Put the default encryption of bucket " + r.id() + " back as it was before the"
                + " fix: " + describe(before) + ".");
    }

    /** What to put back, and what the detail must say about where it came from. */
    private record Target(List<Rule> rules, String note) {
    }

    private Target target(Incident incident) {
        Optional<KnownConfiguration> known = inventory.before(incident.resource(), incident.eventTime());
        List<Rule> rules = known.map(k -> Rule.of(k.configuration().path("encryption").path("rules")))
                .orElse(List.of());
        if (!rules.isEmpty() && rules.stream().allMatch(x -> !x.sseAlgorithm().isBlank())) {
            return new Target(rules, " (as the inventory saw it from " + known.get().since() + " until the change)");
        }
        List<Rule> sseS3 = List.of(new Rule(SSE_S3, null, false));
        return new Target(sseS3, known.isPresent()
                ? " (the inventory saw no default encryption before the change; SSE-S3 is AWS's default since 2023)"
                : " (the encryption it had before the change is not known: the inventory has no record of it; if it"
                        + " used a KMS key, set that key again)");
    }

    private static void put(S3Client s3, ResourceRef r, List<Rule> rules) {
        List<ServerSideEncryptionRule> out = rules.stream().map(x -> ServerSideEncryptionRule.builder()
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(x.sseAlgorithm()).kmsMasterKeyID(x.kmsMasterKeyId()))
                .bucketKeyEnabled(x.sseAlgorithm().startsWith("aws:kms") ? x.bucketKeyEnabled() : null)
                .build()).toList();
        s3.putBucketEncryption(p -> p.bucket(r.id()).expectedBucketOwner(owner(r))
                .serverSideEncryptionConfiguration(c -> c.rules(out)));
    }

    static boolean concerned(Incident incident) {
        return incident.findings().stream().anyMatch(f -> f.remediates(S3ExposureRule.ID_ENCRYPTION_REMOVED));
    }

    private static String describe(List<Rule> rules) {
        return rules.isEmpty() ? "no default encryption" : String.join("; ", rules.stream().map(Rule::describe).toList());
    }
}
