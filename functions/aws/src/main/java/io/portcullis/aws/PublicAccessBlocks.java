package io.portcullis.aws;

import static io.portcullis.aws.S3Resources.capitalise;
import static io.portcullis.aws.S3Resources.has;
import static io.portcullis.aws.S3Resources.isAccount;
import static io.portcullis.aws.S3Resources.isCode;
import static io.portcullis.aws.S3Resources.owner;
import static io.portcullis.aws.S3Resources.subject;
import static io.portcullis.aws.S3Resources.subjectLower;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.rule.S3ExposureRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3control.S3ControlClient;
import software.amazon.awssdk.services.s3control.model.S3ControlException;

/**
 * {@code restore-public-access-block} ({@code s3-public-access-block-off}), for {@link S3BucketActions}: turns all four
 * settings of a bucket's public access block, or of the account-level one (through S3 Control), on, and its Undo.
 * Refuses when a setting is off now that was on when the incident was judged (a newer change).
 *
 * <p>Snapshot entry: {@code {flag: bool…}}, every setting off when no block is configured. Undo record:
 * {@code {"before": {flag: bool…} | null (no configuration at all), "after": {flag: bool…}}}.
 */
final class PublicAccessBlocks {

    static final List<String> FLAGS = List.of("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
            "RestrictPublicBuckets");

    private final S3Resources s3;
    private final S3ControlClient s3Control;

    PublicAccessBlocks(S3Resources s3, S3ControlClient s3Control) {
        this.s3 = s3;
        this.s3Control = s3Control;
    }

    /** The snapshot entry: the four settings as they are. */
    JsonNode snapshot(ResourceRef r) {
        return flagsNode(live(r));
    }

    ActionResult restore(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (!has(incident, S3ExposureRule.ID_BLOCK_REMOVED)) {
            return ActionResult.nothingToDo("The incident has no finding about the public access block of "
                    + r.id() + ", so it is left as it is.");
        }
        Map<String, Boolean> live = live(r);
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
            s3.client(r).putPublicAccessBlock(p -> p.bucket(r.id()).expectedBucketOwner(owner(r))
                    .publicAccessBlockConfiguration(c -> c
                    .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        }
        return ActionResult.changed("Turned " + String.join(", ", off) + " back on for " + subjectLower(r) + ".", undo);
    }

    /** The settings still off, when the incident is about the public access block. */
    Optional<String> stillOff(Incident incident) {
        ResourceRef r = incident.resource();
        if (!has(incident, S3ExposureRule.ID_BLOCK_REMOVED)) {
            return Optional.empty();
        }
        List<String> off = off(live(r));
        return off.isEmpty() ? Optional.empty() : Optional.of(subject(r) + " has " + String.join(", ", off) + " off");
    }

    /** Undo: the four settings as they were (or no configuration at all), only while they are as the fix left them. */
    ActionResult undo(ResourceRef r, JsonNode undo) {
        Map<String, Boolean> live = live(r);
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
                s3.client(r).deletePublicAccessBlock(d -> d.bucket(r.id()).expectedBucketOwner(owner(r)));
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
            s3.client(r).putPublicAccessBlock(p -> p.bucket(r.id()).expectedBucketOwner(owner(r))
                    .publicAccessBlockConfiguration(c));
        }
        return ActionResult.changed("Put the public access block of " + subjectLower(r) + " back as it was ("
                + describeFlags(wanted) + ").");
    }

    // --- reads --------------------------------------------------------------------------------------------------

    private Map<String, Boolean> live(ResourceRef r) {
        return isAccount(r) ? accountBlock(r) : bucketBlock(r);
    }

    private Map<String, Boolean> bucketBlock(ResourceRef r) {
        try {
            return flags(s3.client(r).getPublicAccessBlock(p -> p.bucket(r.id()).expectedBucketOwner(owner(r)))
                    .publicAccessBlockConfiguration());
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

    /** Whether a public access block is configured at all (no configuration reads as four settings off). */
    private boolean configured(ResourceRef r) {
        try {
            if (isAccount(r)) {
                s3Control.getPublicAccessBlock(p -> p.accountId(r.account()));
            } else {
                s3.client(r).getPublicAccessBlock(p -> p.bucket(r.id()).expectedBucketOwner(owner(r)));
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

    // --- the four settings --------------------------------------------------------------------------------------

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

    private static Map<String, Boolean> allOn() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        FLAGS.forEach(f -> out.put(f, true));
        return out;
    }

    private static String describeFlags(Map<String, Boolean> flags) {
        List<String> on = flags.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        return on.isEmpty() ? "every setting off" : String.join(", ", on) + " on";
    }
}
