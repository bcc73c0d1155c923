package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.finding;
import static io.portcullis.e2e.actions.Emulated.incident;
import static io.portcullis.e2e.actions.Emulated.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.S3BucketActions;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.AppliedFix;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.S3ExposureRule;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * restore-default-encryption against the emulator: the encryption the inventory saw before the change is put back
 * (same algorithm, key and bucket-key setting), SSE-S3 when nothing is known; a newer encryption is never overwritten;
 * Undo puts back exactly what the fix replaced, only while the bucket is as the fix left it.
 *
 * <p>The emulator leaves a bucket without encryption after DeleteBucketEncryption, where AWS resets it to SSE-S3; the
 * action compares the live state with the snapshot either way.
 */
class BucketDefaultEncryptionIT {

    static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-00000000f00d";
    static final String OTHER_KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4000-8000-00000000beef";

    final S3Client s3 = AWS.s3(Region.US_EAST_1);
    final RecordedInventory inventory = new RecordedInventory();
    final S3BucketActions actions = new S3BucketActions(AWS::s3, AWS.s3Control(), inventory);
    final String bucket = unique("portcullis-encryption");
    final ResourceRef ref = ResourceRef.bucket(bucket, ACCOUNT, "us-east-1");

    BucketDefaultEncryptionIT() {
        s3.createBucket(b -> b.bucket(bucket));
    }

    Incident encryptionRemoved() {
        return incident(ref, finding(S3ExposureRule.ID_ENCRYPTION_REMOVED, RuleFamily.S3, ref, Map.of()));
    }

    /** A sweep an hour before the incident's event saw SSE-KMS with KEY and the bucket key on. */
    void sweptKms() {
        inventory.record(ref, Json.mapper().createObjectNode().set("encryption", Json.mapper().createObjectNode()
                .set("rules", Json.mapper().createArrayNode().add(Json.mapper().createObjectNode()
                        .put("sseAlgorithm", "aws:kms").put("kmsMasterKeyId", KEY).put("bucketKeyEnabled", true)))),
                Instant.now().minus(1, ChronoUnit.HOURS));
    }

    void putKms(String key) {
        s3.putBucketEncryption(p -> p.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("aws:kms").kmsMasterKeyID(key)).bucketKeyEnabled(true))));
    }

    /** "none", or "AES256", or "aws:kms key bucketKey". */
    String live() {
        try {
            ServerSideEncryptionRule r = s3.getBucketEncryption(g -> g.bucket(bucket)).serverSideEncryptionConfiguration()
                    .rules().get(0);
            String algorithm = r.applyServerSideEncryptionByDefault().sseAlgorithmAsString();
            return algorithm.equals("AES256") ? algorithm : algorithm + " " + r.applyServerSideEncryptionByDefault()
                    .kmsMasterKeyID() + " " + (Boolean.TRUE.equals(r.bucketKeyEnabled()) ? "bucketKey" : "noBucketKey");
        } catch (S3Exception e) {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServerSideEncryptionConfigurationNotFoundError");
            return "none";
        }
    }

    static Incident withFix(Incident incident, ActionResult result) {
        return incident.withFix(new AppliedFix("RestoreDefaultEncryption", RemediationAction.RESTORE_DEFAULT_ENCRYPTION.key(),
                Instant.now(), result.detail(), result.undo()));
    }

    @Test
    void putsBackTheKmsKeyAndBucketKeyTheInventorySawAndUndoRemovesThemAgain() {
        sweptKms();
        putKms(KEY);
        s3.deleteBucketEncryption(d -> d.bucket(bucket));
        Incident incident = encryptionRemoved();
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("no default encryption"));

        var dryRun = actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, incident, snapshot, true);
        assertThat(dryRun.kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(live()).isEqualTo("none");

        var result = actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.detail()).contains("SSE-KMS with key " + KEY + ", bucket key on").contains("as the inventory saw it");
        assertThat(live()).isEqualTo("aws:kms " + KEY + " bucketKey");
        Incident fixed = withFix(incident, result);
        assertThat(actions.stillWrong(fixed)).isEmpty();
        assertThat(actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, fixed, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);

        var undo = actions.undo(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, fixed, result.undo());

        assertThat(undo.kind()).isEqualTo(Kind.CHANGED);
        assertThat(live()).as("as the snapshot had it: no default encryption").isEqualTo("none");
        assertThat(actions.undo(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, fixed, result.undo()).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void withoutARecordPutsSseS3AndSaysTheEarlierKeyIsNotKnown() {
        Incident incident = encryptionRemoved();
        ObjectNode snapshot = actions.snapshot(incident);

        var result = actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.detail()).contains("SSE-S3 (AES256)").contains("not known").contains("set that key again");
        assertThat(live()).isEqualTo("AES256");
        assertThat(actions.stillWrong(withFix(incident, result))).isEmpty();
    }

    @Test
    void afterAnAwsStyleResetToSseS3TheKmsKeyIsPutBackAndUndoReturnsToSseS3() {
        sweptKms();
        // AWS resets a bucket to SSE-S3 on DeleteBucketEncryption; the emulator does not, so the test does.
        s3.putBucketEncryption(p -> p.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm("AES256")))));
        Incident incident = encryptionRemoved();
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).as("SSE-S3 is encryption: nothing is missing yet").isEmpty();

        var result = actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(live()).isEqualTo("aws:kms " + KEY + " bucketKey");
        assertThat(actions.undo(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, withFix(incident, result), result.undo())
                .kind()).isEqualTo(Kind.CHANGED);
        assertThat(live()).isEqualTo("AES256");
    }

    @Test
    void refusesWhenSomebodySetAnEncryptionSinceTheSnapshot() {
        sweptKms();
        Incident incident = encryptionRemoved();
        ObjectNode snapshot = actions.snapshot(incident);
        putKms(OTHER_KEY);

        var result = actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.REFUSED);
        assertThat(result.detail()).contains(OTHER_KEY).contains("somebody set it since");
        assertThat(live()).isEqualTo("aws:kms " + OTHER_KEY + " bucketKey");
    }

    @Test
    void undoRefusesWhenTheEncryptionChangedSinceTheFix() {
        sweptKms();
        Incident incident = encryptionRemoved();
        var result = actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, incident, actions.snapshot(incident), false);
        putKms(OTHER_KEY);

        var undo = actions.undo(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, withFix(incident, result), result.undo());

        assertThat(undo.kind()).isEqualTo(Kind.REFUSED);
        assertThat(live()).isEqualTo("aws:kms " + OTHER_KEY + " bucketKey");
    }

    @Test
    void anAwsConfigVerdictIsRemediatedAsTheRemovedEncryption() {
        sweptKms();
        Finding verdict = finding("config-s3-bucket-server-side-encryption-enabled", RuleFamily.S3, ref,
                Map.of("configRule", "s3-bucket-server-side-encryption-enabled", Finding.REMEDIATE_AS,
                        S3ExposureRule.ID_ENCRYPTION_REMOVED));
        Incident incident = incident(ref, verdict);
        ObjectNode snapshot = actions.snapshot(incident);

        var result = actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(live()).isEqualTo("aws:kms " + KEY + " bucketKey");
        assertThat(actions.stillWrong(withFix(incident, result))).isEmpty();
        // The other S3 actions of the playbook find nothing of theirs in a verdict about encryption.
        for (RemediationAction other : List.of(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK,
                RemediationAction.REMOVE_PUBLIC_STATEMENTS, RemediationAction.REMOVE_PUBLIC_ACL_GRANTS)) {
            assertThat(actions.apply(other, incident, snapshot, false).kind()).as(other.key()).isEqualTo(Kind.NOTHING_TO_DO);
        }
    }

    @Test
    void leavesTheEncryptionAloneWhenTheIncidentIsAboutSomethingElse() {
        Incident incident = incident(ref, finding(S3ExposureRule.ID_PUBLIC_ACL, RuleFamily.S3, ref, Map.of("AllUsers", "READ")));

        var result = actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, incident, actions.snapshot(incident), false);

        assertThat(result.kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(live()).isEqualTo("none");
    }
}
