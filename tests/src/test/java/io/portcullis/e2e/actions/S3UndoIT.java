package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.finding;
import static io.portcullis.e2e.actions.Emulated.incident;
import static io.portcullis.e2e.actions.Emulated.unique;
import static io.portcullis.e2e.actions.S3BucketActionsIT.ALL_USERS;
import static io.portcullis.e2e.actions.S3BucketActionsIT.LOG_DELIVERY;
import static io.portcullis.e2e.actions.S3BucketActionsIT.groupGrant;
import static io.portcullis.e2e.actions.S3BucketActionsIT.partnerRead;
import static io.portcullis.e2e.actions.S3BucketActionsIT.publicRead;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.S3BucketActions;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.S3ExposureRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Type;
import software.amazon.awssdk.services.s3control.S3ControlClient;

/**
 * Undo of the S3 fixes against the emulator, from the record each fix leaves (as stored in the incident and carried
 * by the Undo approval: through JSON text and back): the bucket or account put back exactly as the fix found it, only
 * while it is still as the fix left it; a second Undo has nothing to do. Also AWS Config verdicts routed to these
 * actions, with the snapshot as the reference of what was judged.
 */
class S3UndoIT {

    final S3Client s3 = AWS.s3(Region.US_EAST_1);
    final S3ControlClient s3Control = AWS.s3Control();
    final S3BucketActions actions = new S3BucketActions(AWS::s3, s3Control);
    final String bucket = unique("portcullis-undo");
    final ResourceRef ref = ResourceRef.bucket(bucket, ACCOUNT, "us-east-1");
    final String owner;

    S3UndoIT() {
        s3.createBucket(b -> b.bucket(bucket));
        s3.deletePublicAccessBlock(d -> d.bucket(bucket));
        owner = s3.getBucketAcl(a -> a.bucket(bucket)).owner().id();
    }

    /** The undo record as the worker stores it and Undo reads it back. */
    static JsonNode stored(ActionResult fix) throws Exception {
        assertThat(fix.kind()).isEqualTo(Kind.CHANGED);
        assertThat(fix.undo()).as("a change that can be undone leaves a record").isNotNull();
        return Json.mapper().readTree(Json.mapper().writeValueAsString(fix.undo()));
    }

    void putPolicy(String... statements) {
        String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
        s3.putBucketPolicy(p -> p.bucket(bucket).policy(doc));
    }

    List<String> liveSids() {
        try {
            return PolicyRewrite.statements(PolicyRewrite.read(s3.getBucketPolicy(p -> p.bucket(bucket)).policy()))
                    .stream().map(s -> s.path("Sid").asText()).toList();
        } catch (S3Exception e) {
            return List.of();
        }
    }

    void putAcl(Grant... others) {
        List<Grant> grants = new java.util.ArrayList<>();
        grants.add(Grant.builder().grantee(g -> g.type(Type.CANONICAL_USER).id(owner)).permission(Permission.FULL_CONTROL).build());
        grants.addAll(List.of(others));
        s3.putBucketAcl(a -> a.bucket(bucket).accessControlPolicy(acp -> acp.owner(o -> o.id(owner)).grants(grants)));
    }

    List<String> liveGrants() {
        return s3.getBucketAcl(a -> a.bucket(bucket)).grants().stream()
                .map(g -> (g.grantee().type() == Type.GROUP ? g.grantee().uri() : "owner") + " " + g.permissionAsString())
                .sorted().toList();
    }

    String bucketBlock() {
        try {
            PublicAccessBlockConfiguration c = s3.getPublicAccessBlock(p -> p.bucket(bucket)).publicAccessBlockConfiguration();
            return c.blockPublicAcls() + " " + c.ignorePublicAcls() + " " + c.blockPublicPolicy() + " " + c.restrictPublicBuckets();
        } catch (S3Exception e) {
            return "none";
        }
    }

    @Test
    void undoOfTheBlockPutsBackTheWeakenedSettingsOnlyWhileTheBlockIsAsTheFixLeftIt() throws Exception {
        s3.putPublicAccessBlock(p -> p.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(false)));
        Incident incident = incident(ref, finding(S3ExposureRule.ID_BLOCK_REMOVED, RuleFamily.S3, ref, Map.of()));
        JsonNode record = stored(actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident,
                actions.snapshot(incident), false));
        assertThat(bucketBlock()).isEqualTo("true true true true");

        var undo = actions.undo(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, record);

        assertThat(undo.kind()).isEqualTo(Kind.CHANGED);
        assertThat(bucketBlock()).isEqualTo("true true false false");
        assertThat(actions.undo(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, record).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void undoOfTheBlockRemovesItWhenThereWasNoneAndRefusesAfterAnotherChange() throws Exception {
        Incident incident = incident(ref, finding(S3ExposureRule.ID_BLOCK_REMOVED, RuleFamily.S3, ref, Map.of()));
        JsonNode record = stored(actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident,
                actions.snapshot(incident), false));
        s3.putPublicAccessBlock(p -> p.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(false)));

        assertThat(actions.undo(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, record).kind())
                .isEqualTo(Kind.REFUSED);
        assertThat(bucketBlock()).isEqualTo("true true true false");

        s3.putPublicAccessBlock(p -> p.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        assertThat(actions.undo(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, record).kind())
                .isEqualTo(Kind.CHANGED);
        assertThat(bucketBlock()).as("no block at all, as before the fix").isEqualTo("none");
    }

    @Test
    void undoOfTheAccountBlockPutsBackItsSettings() throws Exception {
        ResourceRef account = ResourceRef.accountPublicAccessBlock(ACCOUNT, "us-east-1");
        s3Control.putPublicAccessBlock(p -> p.accountId(ACCOUNT).publicAccessBlockConfiguration(c -> c
                .blockPublicAcls(false).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        Incident incident = incident(account, finding(S3ExposureRule.ID_BLOCK_REMOVED, RuleFamily.S3, account, Map.of()));
        JsonNode record = stored(actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident,
                actions.snapshot(incident), false));

        var undo = actions.undo(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, record);

        assertThat(undo.kind()).isEqualTo(Kind.CHANGED);
        var live = s3Control.getPublicAccessBlock(g -> g.accountId(ACCOUNT)).publicAccessBlockConfiguration();
        assertThat(List.of(live.blockPublicAcls(), live.ignorePublicAcls(), live.blockPublicPolicy(),
                live.restrictPublicBuckets())).containsExactly(false, true, true, true);
        // Leave the account as other tests expect it: every setting on.
        s3Control.putPublicAccessBlock(p -> p.accountId(ACCOUNT).publicAccessBlockConfiguration(c -> c
                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
    }

    @Test
    void undoOfThePolicyPutsBackThePublicStatementAndRefusesAfterAnotherChange() throws Exception {
        putPolicy(publicRead(bucket, "PublicRead"), partnerRead(bucket));
        Incident incident = incident(ref, finding(S3ExposureRule.ID_PUBLIC_POLICY, RuleFamily.S3, ref,
                Map.of("actions", "s3:GetObject")));
        JsonNode record = stored(actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident,
                actions.snapshot(incident), false));
        assertThat(liveSids()).containsExactly("PartnerRead");

        assertThat(actions.undo(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, record).kind()).isEqualTo(Kind.CHANGED);
        assertThat(liveSids()).containsExactly("PublicRead", "PartnerRead");
        assertThat(actions.undo(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, record).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);

        JsonNode again = stored(actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident,
                actions.snapshot(incident), false));
        putPolicy(partnerRead(bucket), S3BucketActionsIT.orgOnlyRead(bucket));
        assertThat(actions.undo(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, again).kind()).isEqualTo(Kind.REFUSED);
        assertThat(liveSids()).containsExactly("PartnerRead", "OrgRead");
    }

    @Test
    void undoOfAPolicyTheFixDeletedPutsItBack() throws Exception {
        putPolicy(publicRead(bucket, "PublicRead"));
        Incident incident = incident(ref, finding(S3ExposureRule.ID_PUBLIC_POLICY, RuleFamily.S3, ref,
                Map.of("actions", "s3:GetObject")));
        JsonNode record = stored(actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident,
                actions.snapshot(incident), false));
        assertThat(liveSids()).isEmpty();

        assertThat(actions.undo(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, record).kind()).isEqualTo(Kind.CHANGED);
        assertThat(liveSids()).containsExactly("PublicRead");
    }

    @Test
    void undoOfTheAclPutsBackThePublicGrantsAndRefusesAfterAnotherChange() throws Exception {
        putAcl(groupGrant(ALL_USERS, Permission.READ), groupGrant(LOG_DELIVERY, Permission.WRITE));
        Incident incident = incident(ref, finding(S3ExposureRule.ID_PUBLIC_ACL, RuleFamily.S3, ref, Map.of("AllUsers", "READ")));
        JsonNode record = stored(actions.apply(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident,
                actions.snapshot(incident), false));
        assertThat(liveGrants()).containsExactly(LOG_DELIVERY + " WRITE", "owner FULL_CONTROL");

        assertThat(actions.undo(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident, record).kind()).isEqualTo(Kind.CHANGED);
        assertThat(liveGrants()).containsExactly(ALL_USERS + " READ", LOG_DELIVERY + " WRITE", "owner FULL_CONTROL");
        assertThat(actions.undo(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident, record).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);

        JsonNode again = stored(actions.apply(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident,
                actions.snapshot(incident), false));
        putAcl();
        assertThat(actions.undo(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident, again).kind()).isEqualTo(Kind.REFUSED);
        assertThat(liveGrants()).containsExactly("owner FULL_CONTROL");
    }

    @Test
    void aPublicReadVerdictFromAwsConfigRemovesWhatTheSnapshotSawPublic() {
        putPolicy(publicRead(bucket, "PublicRead"), partnerRead(bucket));
        putAcl(groupGrant(ALL_USERS, Permission.READ));
        Finding verdict = finding("config-s3-bucket-public-read-prohibited", RuleFamily.S3, ref,
                Map.of("configRule", "s3-bucket-public-read-prohibited", Finding.REMEDIATE_AS,
                        S3ExposureRule.ID_PUBLIC_ACL + "," + S3ExposureRule.ID_PUBLIC_POLICY));
        Incident incident = incident(ref, verdict);
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("still allows anyone")
                .contains("still grants READ to AllUsers"));

        assertThat(actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, snapshot, false).kind())
                .isEqualTo(Kind.CHANGED);
        assertThat(actions.apply(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident, snapshot, false).kind())
                .isEqualTo(Kind.CHANGED);
        assertThat(actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, false).kind())
                .as("the verdict is about public read, not the block").isEqualTo(Kind.NOTHING_TO_DO);

        assertThat(liveSids()).containsExactly("PartnerRead");
        assertThat(liveGrants()).containsExactly("owner FULL_CONTROL");
        assertThat(actions.stillWrong(incident)).isEmpty();
    }

    @Test
    void aVerdictRefusesAPublicStatementTheSnapshotDidNotSee() {
        putPolicy(partnerRead(bucket));
        Finding verdict = finding("config-s3-bucket-public-read-prohibited", RuleFamily.S3, ref,
                Map.of(Finding.REMEDIATE_AS, S3ExposureRule.ID_PUBLIC_ACL + "," + S3ExposureRule.ID_PUBLIC_POLICY));
        Incident incident = incident(ref, verdict);
        ObjectNode snapshot = actions.snapshot(incident);
        putPolicy(publicRead(bucket, "LaterPublic"), partnerRead(bucket));

        var result = actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.REFUSED);
        assertThat(liveSids()).containsExactly("LaterPublic", "PartnerRead");
    }
}
