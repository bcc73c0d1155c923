package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.finding;
import static io.portcullis.e2e.actions.Emulated.incident;
import static io.portcullis.e2e.actions.Emulated.unique;
import static io.portcullis.e2e.actions.S3BucketActionsIT.ALL_USERS;
import static io.portcullis.e2e.actions.S3BucketActionsIT.groupGrant;
import static io.portcullis.e2e.actions.S3BucketActionsIT.partnerRead;
import static io.portcullis.e2e.actions.S3BucketActionsIT.publicRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.AwsResourceTags;
import io.portcullis.aws.S3BucketActions;
import io.portcullis.aws.S3EncryptionInventory;
import io.portcullis.aws.S3OversizedItems;
import io.portcullis.aws.S3ReportStore;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.AppliedFix;
import io.portcullis.incident.Incident;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.S3ExposureRule;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * Every S3 call Portcullis makes against a bucket carries {@code ExpectedBucketOwner}
 * ({@code x-amz-expected-bucket-owner}), so a bucket whose name now belongs to another account (deleted, then
 * re-created elsewhere) is never read or written: S3 answers 403 AccessDenied. The emulator ignores the header, so
 * the proof is the header on the wire: the real SDK clients, with an execution interceptor that records each request
 * as it is transmitted to the emulator, run the S3 bucket actions (snapshot, fix, check, undo), the report upload,
 * the bucket tag read, the inventory sweep and the oversized Config item read.
 */
class ExpectedBucketOwnerIT {

    static final String HEADER = "x-amz-expected-bucket-owner";

    /** One S3 request as transmitted. */
    record Sent(String operation, String bucket, Optional<String> expectedOwner) {
    }

    /** Records every S3 request the clients it is added to transmit. */
    static final class OwnerHeaders implements ExecutionInterceptor {

        final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (!"S3".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
                return;
            }
            sent.add(new Sent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                    context.request().getValueForField("Bucket", String.class).orElse(null),
                    context.httpRequest().firstMatchingHeader(HEADER)));
        }

        List<Sent> on(String bucket) {
            synchronized (sent) {
                return sent.stream().filter(s -> bucket.equals(s.bucket())).toList();
            }
        }

        static Set<String> operations(List<Sent> sent) {
            return new TreeSet<>(sent.stream().map(Sent::operation).toList());
        }
    }

    final OwnerHeaders recorder = new OwnerHeaders();
    final AwsConnection watched = AWS.withInterceptor(recorder);
    final S3Client setup = AWS.s3(Region.US_EAST_1);
    final S3BucketActions actions = new S3BucketActions(watched::s3, watched.s3Control());
    final String bucket = unique("portcullis-owner");
    final ResourceRef ref = ResourceRef.bucket(bucket, ACCOUNT, "us-east-1");

    ExpectedBucketOwnerIT() {
        setup.createBucket(b -> b.bucket(bucket));
        setup.deletePublicAccessBlock(d -> d.bucket(bucket));
    }

    static JsonNode fix(ActionResult result) throws Exception {
        assertThat(result.kind()).as(result.detail()).isEqualTo(ActionResult.Kind.CHANGED);
        return S3UndoIT.stored(result);
    }

    @Test
    void everyReadAndWriteOfTheBucketActionsNamesTheIncidentsAccountAsTheBucketsOwner() throws Exception {
        String owner = setup.getBucketAcl(a -> a.bucket(bucket)).owner().id();
        setup.putBucketPolicy(p -> p.bucket(bucket).policy("{\"Version\":\"2012-10-17\",\"Statement\":["
                + publicRead(bucket, "PublicRead") + "," + partnerRead(bucket) + "]}"));
        List<Grant> grants = List.of(
                Grant.builder().grantee(g -> g.type(Type.CANONICAL_USER).id(owner)).permission(Permission.FULL_CONTROL).build(),
                groupGrant(ALL_USERS, Permission.READ));
        setup.putBucketAcl(a -> a.bucket(bucket).accessControlPolicy(acp -> acp.owner(o -> o.id(owner)).grants(grants)));
        setup.putPublicAccessBlock(p -> p.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(false)));
        setup.deleteBucketEncryption(d -> d.bucket(bucket));
        Incident incident = incident(ref,
                finding(S3ExposureRule.ID_BLOCK_REMOVED, RuleFamily.S3, ref, Map.of()),
                finding(S3ExposureRule.ID_PUBLIC_POLICY, RuleFamily.S3, ref, Map.of("actions", "s3:GetObject")),
                finding(S3ExposureRule.ID_PUBLIC_ACL, RuleFamily.S3, ref, Map.of("AllUsers", "READ")),
                finding(S3ExposureRule.ID_ENCRYPTION_REMOVED, RuleFamily.S3, ref, Map.of()));

        var snapshot = actions.snapshot(incident);
        var block = fix(actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, false));
        var policy = fix(actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, snapshot, false));
        var acl = fix(actions.apply(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident, snapshot, false));
        ActionResult encryption = actions.apply(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, incident, snapshot, false);
        var encryptionRecord = fix(encryption);
        Incident fixed = incident.withFix(new AppliedFix("RestoreDefaultEncryption",
                RemediationAction.RESTORE_DEFAULT_ENCRYPTION.key(), Instant.now(), encryption.detail(), encryption.undo()));
        assertThat(actions.stillWrong(fixed)).isEmpty();
        for (var undo : List.of(Map.entry(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, block),
                Map.entry(RemediationAction.REMOVE_PUBLIC_STATEMENTS, policy),
                Map.entry(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, acl),
                Map.entry(RemediationAction.RESTORE_DEFAULT_ENCRYPTION, encryptionRecord))) {
            assertThat(actions.undo(undo.getKey(), fixed, undo.getValue()).kind()).as(undo.getKey().key())
                    .isEqualTo(ActionResult.Kind.CHANGED);
        }
        // The policy fix kept PartnerRead; a policy left with only public statements is deleted instead.
        setup.putBucketPolicy(p -> p.bucket(bucket).policy("{\"Version\":\"2012-10-17\",\"Statement\":["
                + publicRead(bucket, "OnlyPublic") + "]}"));
        fix(actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, actions.snapshot(incident), false));

        List<Sent> sent = recorder.on(bucket);
        assertThat(OwnerHeaders.operations(sent)).as("the calls this test made the actions send").contains(
                "GetPublicAccessBlock", "PutPublicAccessBlock", "GetBucketPolicy", "PutBucketPolicy",
                "DeleteBucketPolicy", "GetBucketAcl", "PutBucketAcl", "GetBucketEncryption", "PutBucketEncryption",
                "DeleteBucketEncryption");
        assertThat(sent).allSatisfy(s -> assertThat(s.expectedOwner()).as(s.operation()).contains(ACCOUNT));
    }

    @Test
    void theExpectedOwnerIsTheIncidentsAccountNotTheCallers() {
        String other = "210987654321";
        ResourceRef elsewhere = ResourceRef.bucket(bucket, other, "us-east-1");
        Incident incident = incident(elsewhere, finding(S3ExposureRule.ID_PUBLIC_POLICY, RuleFamily.S3, elsewhere,
                Map.of("actions", "s3:GetObject")));

        actions.snapshot(incident);

        assertThat(recorder.on(bucket)).isNotEmpty()
                .allSatisfy(s -> assertThat(s.expectedOwner()).as(s.operation()).contains(other));
    }

    @Test
    void aBucketWithoutAnAccountIsNeitherReadNorWritten() {
        ResourceRef unowned = ResourceRef.bucket(bucket, null, "us-east-1");
        Incident incident = incident(unowned, finding(S3ExposureRule.ID_PUBLIC_POLICY, RuleFamily.S3, unowned,
                Map.of("actions", "s3:GetObject")));

        assertThatThrownBy(() -> actions.snapshot(incident)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bucket " + bucket).hasMessageContaining("no 12-digit owner account");
        assertThat(recorder.on(bucket)).isEmpty();
    }

    @Test
    void theReportUploadTheTagReadTheInventoryAndTheOversizedItemReadNameTheOwnerToo() {
        new S3ReportStore(() -> watched.s3(Region.US_EAST_1), watched.credentials(), watched::s3Presigner, bucket,
                Region.US_EAST_1, ACCOUNT, Clock.systemUTC())
                .put("2026-W49", "report.html", "text/html", "<p>report</p>".getBytes(StandardCharsets.UTF_8));
        new AwsResourceTags(watched::s3, watched::iam).tags(ref);
        new S3EncryptionInventory(watched::s3, ACCOUNT, Clock.systemUTC()).readAll();
        setup.putObject(p -> p.bucket(bucket).key("AWSLogs/" + ACCOUNT + "/Config/item.json"),
                RequestBody.fromString("{\"configurationItem\": {}}"));
        assertThat(new S3OversizedItems(() -> watched.s3(Region.US_EAST_1), ACCOUNT)
                .fetch(bucket + "/AWSLogs/" + ACCOUNT + "/Config/item.json")).isPresent();

        List<Sent> sent = recorder.on(bucket);
        assertThat(OwnerHeaders.operations(sent)).contains("PutObject", "GetBucketTagging", "GetBucketEncryption",
                "GetObject");
        assertThat(sent).allSatisfy(s -> assertThat(s.expectedOwner()).as(s.operation()).contains(ACCOUNT));
    }
}
