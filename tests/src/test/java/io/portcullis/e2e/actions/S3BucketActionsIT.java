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
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.incident.Incident;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
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

/** S3 actions against the emulator: only the public part goes, the rest stays, and nothing moves in dry-run. */
class S3BucketActionsIT {

    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    static final String LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";

    final S3Client s3 = AWS.s3(Region.US_EAST_1);
    final S3ControlClient s3Control = AWS.s3Control();
    final S3BucketActions actions = new S3BucketActions(AWS::s3, s3Control);
    final String bucket = unique("portcullis-actions");
    final ResourceRef ref = ResourceRef.bucket(bucket, ACCOUNT, "us-east-1");

    S3BucketActionsIT() {
        s3.createBucket(b -> b.bucket(bucket));
        // AWS (since April 2023) and LocalStack give a new bucket a public access block with all four settings on;
        // moto gives it none. A bucket whose owner made it public has had that block removed, so the tests start
        // from there on both emulators.
        s3.deletePublicAccessBlock(d -> d.bucket(bucket));
    }

    static String publicRead(String bucket, String sid) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}";
    }

    static String partnerRead(String bucket) {
        return "{\"Sid\":\"PartnerRead\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},"
                + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}";
    }

    static String orgOnlyRead(String bucket) {
        return "{\"Sid\":\"OrgRead\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:ListBucket\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc123\"}}}";
    }

    void putPolicy(String... statements) {
        String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
        s3.putBucketPolicy(p -> p.bucket(bucket).policy(doc));
    }

    List<String> liveSids() {
        return PolicyRewrite.statements(PolicyRewrite.read(s3.getBucketPolicy(p -> p.bucket(bucket)).policy())).stream()
                .map(s -> s.path("Sid").asText()).toList();
    }

    Incident policyIncident() {
        return incident(ref, finding(S3ExposureRule.ID_PUBLIC_POLICY, RuleFamily.S3, ref, Map.of("actions", "s3:GetObject")));
    }

    @Test
    void removesOnlyThePublicStatementAndKeepsThePartnerAndOrgOnlyOnes() {
        putPolicy(publicRead(bucket, "PublicRead"), partnerRead(bucket), orgOnlyRead(bucket));
        Incident incident = policyIncident();
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("s3:GetObject (PublicRead)"));

        var dryRun = actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, snapshot, true);
        assertThat(dryRun.kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(dryRun.detail()).contains("PublicRead").contains("keeping 2 other statements");
        assertThat(liveSids()).containsExactly("PublicRead", "PartnerRead", "OrgRead");

        var result = actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(liveSids()).containsExactly("PartnerRead", "OrgRead");
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void deletesThePolicyWhenOnlyPublicStatementsWereInIt() {
        putPolicy(publicRead(bucket, "PublicRead"));
        Incident incident = policyIncident();
        ObjectNode snapshot = actions.snapshot(incident);

        var result = actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.detail()).contains("policy is deleted");
        assertThat(noPolicy()).isTrue();
        assertThat(actions.stillWrong(incident)).isEmpty();
    }

    @Test
    void refusesWhenADifferentPublicStatementReplacedTheJudgedOne() {
        putPolicy(publicRead(bucket, "PublicRead"), partnerRead(bucket));
        Incident incident = policyIncident();
        ObjectNode snapshot = actions.snapshot(incident);
        String later = "{\"Sid\":\"PublicWrite\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:PutObject\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}";
        putPolicy(later, partnerRead(bucket));

        var result = actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.REFUSED);
        assertThat(result.detail()).contains("s3:PutObject (PublicWrite)");
        assertThat(liveSids()).containsExactly("PublicWrite", "PartnerRead");
        assertThat(actions.stillWrong(incident)).isPresent();
    }

    @Test
    void removesOnlyThePublicAclGrantsAndKeepsTheOwnerAndLogDelivery() {
        String owner = s3.getBucketAcl(a -> a.bucket(bucket)).owner().id();
        putAcl(owner, groupGrant(ALL_USERS, Permission.READ), groupGrant(AUTHENTICATED_USERS, Permission.READ_ACP),
                groupGrant(LOG_DELIVERY, Permission.WRITE));
        Incident incident = incident(ref, finding(S3ExposureRule.ID_PUBLIC_ACL, RuleFamily.S3, ref, Map.of("AllUsers", "READ")));
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("READ to AllUsers"));

        var dryRun = actions.apply(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident, snapshot, true);
        assertThat(dryRun.kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(liveGrants()).hasSize(4);

        var result = actions.apply(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.detail()).contains("READ to AllUsers").contains("READ_ACP to AuthenticatedUsers");
        assertThat(liveGrants()).containsExactlyInAnyOrder(owner + " FULL_CONTROL", LOG_DELIVERY + " WRITE");
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void refusesAPublicGrantThatWasNotThereWhenJudged() {
        String owner = s3.getBucketAcl(a -> a.bucket(bucket)).owner().id();
        putAcl(owner, groupGrant(ALL_USERS, Permission.READ));
        Incident incident = incident(ref, finding(S3ExposureRule.ID_PUBLIC_ACL, RuleFamily.S3, ref, Map.of("AllUsers", "READ")));
        ObjectNode snapshot = actions.snapshot(incident);
        putAcl(owner, groupGrant(ALL_USERS, Permission.READ), groupGrant(ALL_USERS, Permission.WRITE));

        var result = actions.apply(RemediationAction.REMOVE_PUBLIC_ACL_GRANTS, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.REFUSED);
        assertThat(result.detail()).contains("WRITE to AllUsers");
        assertThat(liveGrants()).contains(ALL_USERS + " READ", ALL_USERS + " WRITE");
    }

    @Test
    void turnsTheBucketsPublicAccessBlockBackOn() {
        s3.putPublicAccessBlock(p -> p.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(false)));
        Incident incident = incident(ref, finding(S3ExposureRule.ID_BLOCK_REMOVED, RuleFamily.S3, ref,
                Map.of("flagsOff", "BlockPublicPolicy, RestrictPublicBuckets")));
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w)
                .contains("BlockPublicPolicy, RestrictPublicBuckets off"));

        assertThat(actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, true).kind())
                .isEqualTo(Kind.WOULD_CHANGE);
        assertThat(bucketBlock().blockPublicPolicy()).isFalse();

        var result = actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.detail()).isEqualTo("Turned BlockPublicPolicy, RestrictPublicBuckets back on for bucket " + bucket + ".");
        PublicAccessBlockConfiguration after = bucketBlock();
        assertThat(List.of(after.blockPublicAcls(), after.ignorePublicAcls(), after.blockPublicPolicy(),
                after.restrictPublicBuckets())).containsOnly(true);
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void refusesWhenABlockSettingWasTurnedOffAfterTheIncidentWasJudged() {
        s3.putPublicAccessBlock(p -> p.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(true)));
        Incident incident = incident(ref, finding(S3ExposureRule.ID_BLOCK_REMOVED, RuleFamily.S3, ref,
                Map.of("flagsOff", "BlockPublicPolicy")));
        ObjectNode snapshot = actions.snapshot(incident);
        s3.deletePublicAccessBlock(d -> d.bucket(bucket));

        var result = actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.REFUSED);
        assertThat(result.detail()).contains("BlockPublicAcls, IgnorePublicAcls, RestrictPublicBuckets");
    }

    @Test
    void leavesTheBlockAloneWhenTheIncidentIsAboutTheAclOnly() {
        String owner = s3.getBucketAcl(a -> a.bucket(bucket)).owner().id();
        putAcl(owner, groupGrant(ALL_USERS, Permission.READ));
        Incident incident = incident(ref, finding(S3ExposureRule.ID_PUBLIC_ACL, RuleFamily.S3, ref, Map.of("AllUsers", "READ")));
        ObjectNode snapshot = actions.snapshot(incident);

        var result = actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(noBucketBlock()).isTrue();
    }

    @Test
    void turnsTheAccountLevelPublicAccessBlockBackOnThroughS3Control() {
        ResourceRef account = ResourceRef.accountPublicAccessBlock(ACCOUNT, "us-east-1");
        s3Control.putPublicAccessBlock(p -> p.accountId(ACCOUNT).publicAccessBlockConfiguration(c -> c
                .blockPublicAcls(false).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        Incident incident = incident(account, finding(S3ExposureRule.ID_BLOCK_REMOVED, RuleFamily.S3, account,
                Map.of("flagsOff", "BlockPublicAcls")));
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).isPresent();

        var dryRun = actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, true);
        assertThat(dryRun.kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(s3Control.getPublicAccessBlock(g -> g.accountId(ACCOUNT)).publicAccessBlockConfiguration()
                .blockPublicAcls()).isFalse();

        var result = actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(s3Control.getPublicAccessBlock(g -> g.accountId(ACCOUNT)).publicAccessBlockConfiguration()
                .blockPublicAcls()).isTrue();
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.RESTORE_PUBLIC_ACCESS_BLOCK, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(actions.apply(RemediationAction.REMOVE_PUBLIC_STATEMENTS, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    static Grant groupGrant(String uri, Permission permission) {
        return Grant.builder().grantee(g -> g.type(Type.GROUP).uri(uri)).permission(permission).build();
    }

    void putAcl(String owner, Grant... others) {
        List<Grant> grants = new java.util.ArrayList<>();
        grants.add(Grant.builder().grantee(g -> g.type(Type.CANONICAL_USER).id(owner)).permission(Permission.FULL_CONTROL).build());
        grants.addAll(List.of(others));
        s3.putBucketAcl(a -> a.bucket(bucket).accessControlPolicy(acp -> acp.owner(o -> o.id(owner)).grants(grants)));
    }

    List<String> liveGrants() {
        return s3.getBucketAcl(a -> a.bucket(bucket)).grants().stream()
                .map(g -> (g.grantee().type() == Type.GROUP ? g.grantee().uri() : g.grantee().id()) + " " + g.permissionAsString())
                .toList();
    }

    PublicAccessBlockConfiguration bucketBlock() {
        return s3.getPublicAccessBlock(p -> p.bucket(bucket)).publicAccessBlockConfiguration();
    }

    boolean noBucketBlock() {
        try {
            bucketBlock();
            return false;
        } catch (S3Exception e) {
            return e.awsErrorDetails().errorCode().equals("NoSuchPublicAccessBlockConfiguration");
        }
    }

    boolean noPolicy() {
        try {
            s3.getBucketPolicy(p -> p.bucket(bucket));
            return false;
        } catch (S3Exception e) {
            return e.awsErrorDetails().errorCode().equals("NoSuchBucketPolicy");
        }
    }
}
