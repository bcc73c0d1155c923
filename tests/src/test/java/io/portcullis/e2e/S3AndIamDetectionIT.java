package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.EventReplay;
import io.portcullis.protocol.Priority;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * The foundation's end-to-end path for an S3 and an IAM change: the change made for real in the emulator, the real
 * detector reading the resource's live tags, the incident recorded in DynamoDB with the protocol's priority.
 */
class S3AndIamDetectionIT {

    @Test
    void aPublicAclOnAStagingBucketIsP2FromTheBucketsOwnTag() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String bucket = "portcullis-staging-" + UUID.randomUUID().toString().substring(0, 8);
        S3Client s3 = awsS3(p);
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketTagging(t -> t.bucket(bucket).tagging(g -> g.tagSet(
                software.amazon.awssdk.services.s3.model.Tag.builder().key("environment").value("staging").build())));
        String owner = s3.getBucketAcl(a -> a.bucket(bucket)).owner().id();
        // The grant-list form (a canned ACL is a body-less PUT, which the JDK URL-connection client sends without
        // the Content-Length moto requires).
        s3.putBucketAcl(a -> a.bucket(bucket).accessControlPolicy(acp -> acp.owner(o -> o.id(owner)).grants(
                Grant.builder().grantee(g -> g.type(Type.CANONICAL_USER).id(owner)).permission(Permission.FULL_CONTROL).build(),
                Grant.builder().grantee(g -> g.type(Type.GROUP).uri("http://acs.amazonaws.com/groups/global/AllUsers"))
                        .permission(Permission.READ).build())));
        ObjectNode event = event(p, "cloudtrail/s3-put-bucket-acl-allusers-read-console.json");
        ((ObjectNode) event.path("detail").path("requestParameters")).put("bucketName", bucket);
        ((ObjectNode) event.path("detail")).put("awsRegion", "us-east-1");

        JsonNode answer = p.detect(event);

        assertThat(answer.path("outcome").asText()).isEqualTo("incident-opened");
        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.environment()).isEqualTo("non-production");
        assertThat(incident.priority()).isEqualTo(Priority.P2);
        assertThat(incident.decision().rowName()).isEqualTo("critical, non-production");
        assertThat(incident.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("s3-public-acl");
            assertThat(f.resource().arn()).isEqualTo("arn:aws:s3:::" + bucket);
        });
        assertThat(incident.status()).isEqualTo(IncidentStatus.OPEN);
        assertThat(p.calls.count("GetBucketTagging")).isEqualTo(1);
    }

    @Test
    void aProductionRoleOpenedToAnyoneIsP1AndItsTrustIsRestoredAtOnce() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String role = "data-export-" + UUID.randomUUID().toString().substring(0, 8);
        IamClient iam = p.runtimeIam();
        iam.createRole(r -> r.roleName(role).assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}")
                .tags(t -> t.key("environment").value("production")));
        ObjectNode event = event(p, "cloudtrail/iam-update-assume-role-policy-anyone-console.json");
        // Anyone added beside the service that uses the role: the fix takes out anyone and keeps the service.
        ((ObjectNode) event.path("detail").path("requestParameters")).put("roleName", role).put("policyDocument",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                        + "\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"},{\"Effect\":\"Allow\","
                        + "\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}");
        iam.updateAssumeRolePolicy(r -> r.roleName(role)
                .policyDocument(event.path("detail").path("requestParameters").path("policyDocument").asText()));

        JsonNode answer = p.detect(event);

        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.environment()).isEqualTo("production");
        assertThat(incident.priority()).isEqualTo(Priority.P1);
        assertThat(incident.findings()).singleElement().satisfies(f -> assertThat(f.ruleId()).isEqualTo("iam-trust-anyone"));
        assertThat(p.calls.count("ListRoleTags")).isEqualTo(1);
        // P1 is automatic for IAM as for every family: the trust policy is fixed at once, then on-call is told.
        assertThat(answer.path("playbookStarted").asBoolean()).isTrue();
        io.portcullis.local.LocalRuntime.Execution execution = p.runtime.runPlaybook(incident.incidentId());
        assertThat(execution.status()).isEqualTo(software.amazon.awssdk.services.sfn.model.ExecutionStatus.SUCCEEDED);
        assertThat(execution.states()).containsSubsequence("Snapshot", "RestoreTrustPolicy", "Verify", "NotifyContained",
                "Resolve").doesNotContain("AwaitApproval", "NotifyOnCall", "WaitForLowTide");
        assertThat(p.runtime.incident(incident.incidentId()).orElseThrow().status())
                .isEqualTo(io.portcullis.incident.IncidentStatus.RESOLVED);
        String trust = java.net.URLDecoder.decode(iam.getRole(r -> r.roleName(role)).role().assumeRolePolicyDocument(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(trust).contains("lambda.amazonaws.com").doesNotContain("\"*\"");
    }

    @Test
    void anOlderAdminVersionMadeDefaultAgainIsJudgedOnItsLiveDocument() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        IamClient iam = p.runtimeIam();
        String name = "developer-boundary-" + UUID.randomUUID().toString().substring(0, 8);
        String arn = iam.createPolicy(c -> c.policyName(name).policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"))
                .policy().arn();
        iam.createPolicyVersion(v -> v.policyArn(arn).setAsDefault(true).policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"));
        iam.setDefaultPolicyVersion(d -> d.policyArn(arn).versionId("v1"));
        ObjectNode event = event(p, "cloudtrail/iam-set-default-policy-version-console.json");
        ((ObjectNode) event.path("detail").path("requestParameters")).put("policyArn", arn).put("versionId", "v1");

        JsonNode answer = p.detect(event);

        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("iam-admin-granted");
            assertThat(f.explanation()).contains("Version v1").contains("allows every action");
        });
        assertThat(p.calls.count("GetPolicyVersion")).isEqualTo(1);
    }

    // --- the S3 and IAM closure: contained and undone, or fixed after approval ---

    @Test
    void aPublicAclOnAProductionBucketIsContainedAndUndoFromSlackPutsTheGrantBack() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String bucket = "portcullis-prod-" + UUID.randomUUID().toString().substring(0, 8);
        S3Client s3 = awsS3(p);
        s3.createBucket(b -> b.bucket(bucket));
        String owner = s3.getBucketAcl(a -> a.bucket(bucket)).owner().id();
        s3.putBucketAcl(a -> a.bucket(bucket).accessControlPolicy(acp -> acp.owner(o -> o.id(owner)).grants(
                Grant.builder().grantee(g -> g.type(Type.CANONICAL_USER).id(owner)).permission(Permission.FULL_CONTROL).build(),
                Grant.builder().grantee(g -> g.type(Type.GROUP).uri(ALL_USERS)).permission(Permission.READ).build())));
        ObjectNode event = event(p, "cloudtrail/s3-put-bucket-acl-allusers-read-console.json");
        ((ObjectNode) event.path("detail").path("requestParameters")).put("bucketName", bucket);
        ((ObjectNode) event.path("detail")).put("awsRegion", "us-east-1");

        String incidentId = p.detect(event).path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.priority()).isEqualTo(Priority.P1);
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(publicGrants(s3, bucket)).isEmpty();
        assertThat(incident.fixes()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo("remove-public-acl-grants");
            assertThat(f.undoable()).isTrue();
        });
        LocalSlack.Request offer = p.runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "undo:").isMissingNode()).findFirst().orElseThrow();

        APIGatewayV2HTTPResponse clicked = p.runtime.click(SlackClicks.click(APPROVER,
                SlackClicks.button(offer, "undo:", "undo"), null), Instant.now());
        int undone = p.runtime.runSteps();

        assertThat(clicked.getStatusCode()).isEqualTo(200);
        assertThat(undone).isEqualTo(1);
        assertThat(publicGrants(s3, bucket)).containsExactly("READ");
        assertThat(p.runtime.incident(incidentId).orElseThrow().timeline()).last().satisfies(t -> {
            assertThat(t.step()).isEqualTo("undone");
            assertThat(t.actor()).isEqualTo("slack:" + APPROVER);
            assertThat(t.detail()).contains("Put the ACL of bucket " + bucket + " back");
        });
    }

    @Test
    void aConsolePasswordForAUserWithoutMfaIsHighFromTheLiveReadAndAnApprovalDeletesIt() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        IamClient iam = p.runtimeIam();
        String user = "contractor-" + UUID.randomUUID().toString().substring(0, 8);
        iam.createUser(u -> u.userName(user).tags(t -> t.key("environment").value("production")));
        iam.createLoginProfile(l -> l.userName(user).password("Sandbox-" + UUID.randomUUID() + "-Aa1!")
                .passwordResetRequired(true));
        ObjectNode event = event(p, "cloudtrail/iam-create-login-profile-console.json");
        ((ObjectNode) event.path("detail").path("requestParameters")).put("userName", user);

        JsonNode answer = p.detect(event);

        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("iam-console-password-without-mfa");
            assertThat(f.explanation()).contains("no MFA device");
        });
        assertThat(incident.priority()).isEqualTo(Priority.P2);
        assertThat(p.calls.count("ListMFADevices")).isEqualTo(1);

        assertThat(p.runtime.runPlaybook(incident.incidentId()).states()).endsWith("AwaitApproval");
        approve(p, incident.incidentId());
        LocalRuntime.Execution done = p.runtime.runPlaybook(incident.incidentId());

        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.states()).containsSubsequence("AwaitApproval", "DeletePasswordWithoutMfa", "Verify", "Resolve");
        assertThatThrownBy(() -> iam.getLoginProfile(g -> g.userName(user))).isInstanceOf(NoSuchEntityException.class);
        Incident resolved = p.runtime.incident(incident.incidentId()).orElseThrow();
        assertThat(resolved.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(resolved.fixes()).singleElement().satisfies(f -> {
            assertThat(f.undoable()).as("a deleted password cannot be put back").isFalse();
            assertThat(f.detail()).contains("aws iam create-login-profile --user-name " + user);
        });
    }

    @Test
    void aKeyAnAdminMadeForAnotherUserIsDeactivatedOnApproval() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        IamClient iam = p.runtimeIam();
        String user = "build-bot-" + UUID.randomUUID().toString().substring(0, 8);
        iam.createUser(u -> u.userName(user));
        String own = iam.createAccessKey(k -> k.userName(user)).accessKey().accessKeyId();
        String planted = iam.createAccessKey(k -> k.userName(user)).accessKey().accessKeyId();
        ObjectNode event = event(p, "cloudtrail/iam-create-access-key-user-console.json");
        ((ObjectNode) event.path("detail").path("requestParameters")).put("userName", user);
        ((ObjectNode) event.path("detail").path("responseElements").path("accessKey")).put("userName", user)
                .put("accessKeyId", planted);

        JsonNode answer = p.detect(event);

        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("iam-access-key-for-another-user");
            assertThat(f.facts()).containsEntry("accessKeyId", planted);
        });
        p.runtime.runPlaybook(incident.incidentId());
        approve(p, incident.incidentId());
        LocalRuntime.Execution done = p.runtime.runPlaybook(incident.incidentId());

        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(keyStatus(iam, user, planted)).isEqualTo(StatusType.INACTIVE);
        assertThat(keyStatus(iam, user, own)).isEqualTo(StatusType.ACTIVE);
        assertThat(p.runtime.incident(incident.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void aBucketsConfigurationItemIsJudgedLikeItsCallsWithItsLiveTags() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String bucket = "portcullis-drift-" + UUID.randomUUID().toString().substring(0, 8);
        S3Client s3 = awsS3(p);
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketTagging(t -> t.bucket(bucket).tagging(g -> g.tagSet(
                software.amazon.awssdk.services.s3.model.Tag.builder().key("environment").value("staging").build())));
        ObjectNode event = event(p, "config/config-item-s3-bucket-public.json");
        ((ObjectNode) event.path("detail").path("configurationItem")).put("resourceId", bucket).put("resourceName", bucket)
                .put("ARN", "arn:aws:s3:::" + bucket).put("configurationStateId", System.nanoTime());

        JsonNode answer = p.detect(event);

        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.findings()).extracting(f -> f.ruleId())
                .containsExactly("s3-public-acl", "s3-public-policy", "s3-public-access-block-off");
        assertThat(incident.resource().arn()).isEqualTo("arn:aws:s3:::" + bucket);
        assertThat(incident.environment()).isEqualTo("non-production");
        assertThat(p.calls.count("GetBucketTagging")).isEqualTo(1);
    }

    @Test
    void aConfigVerdictNoActionCanReachEndsInFrontOfAPersonWithWhatToDo() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode event = event(p, "config/config-compliance-iam-policy-admin-noncompliant.json");
        ((ObjectNode) event.path("detail").path("newEvaluationResult")).put("resultRecordedTime", Instant.now().toString());

        String incidentId = p.detect(event).path("incidentId").asText();
        p.runtime.runPlaybook(incidentId);
        // A Config verdict names no person who made the change (its actor is AWS Config): two approvers must agree.
        approve(p, incidentId);
        approve(p, incidentId, LocalRuntime.APPROVERS.get(1));
        LocalRuntime.Execution done = p.runtime.runPlaybook(incidentId);

        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(incident.fixes()).isEmpty();
        assertThat(incident.timeline()).filteredOn(t -> t.detail().startsWith("Escalated to a person"))
                .singleElement().satisfies(t -> {
                    assertThat(t.step()).isEqualTo("DetachAdminPolicy");
                    assertThat(t.detail()).contains("PolicyId=='ANPAEXAMPLEPOLICY0001'");
                });
        assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.step()).isEqualTo("paged"));
        assertThat(p.runtime.slack().messages()).anySatisfy(m -> assertThat(m.blocks().toString())
                .contains("A person must act on ANPAEXAMPLEPOLICY0001"));
    }

    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String APPROVER = LocalRuntime.APPROVERS.get(0);

    static List<String> publicGrants(S3Client s3, String bucket) {
        return s3.getBucketAcl(a -> a.bucket(bucket)).grants().stream()
                .filter(g -> g.grantee().type() == Type.GROUP && ALL_USERS.equals(g.grantee().uri()))
                .map(Grant::permissionAsString).toList();
    }

    static void approve(LocalPortcullis p, String incidentId) {
        approve(p, incidentId, APPROVER);
    }

    static void approve(LocalPortcullis p, String incidentId, String approver) {
        LocalSlack.Request ask = p.runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "approval:" + incidentId).isMissingNode()).findFirst().orElseThrow();
        assertThat(p.runtime.click(SlackClicks.click(approver, SlackClicks.button(ask, "approval:", "approve"), null),
                Instant.now()).getStatusCode()).isEqualTo(200);
    }

    static StatusType keyStatus(IamClient iam, String user, String key) {
        return iam.listAccessKeys(l -> l.userName(user)).accessKeyMetadata().stream()
                .filter(k -> k.accessKeyId().equals(key)).findFirst().orElseThrow().status();
    }

    static ObjectNode event(LocalPortcullis p, String sample) {
        return EventReplay.retarget(EventReplay.load(p.root.resolve("events").resolve(sample)), "unused");
    }

    static S3Client awsS3(LocalPortcullis p) {
        return p.runtimeS3(Region.US_EAST_1);
    }
}
