package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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

    static ObjectNode event(LocalPortcullis p, String sample) {
        return EventReplay.retarget(EventReplay.load(p.root.resolve("events").resolve(sample)), "unused");
    }

    static S3Client awsS3(LocalPortcullis p) {
        return p.runtimeS3(Region.US_EAST_1);
    }
}
