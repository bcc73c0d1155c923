package io.portcullis.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.local.LocalRuntime;
import io.portcullis.policy.PolicyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which scenario sets up which sample; no AWS call is made choosing one. */
class ScenariosTest {

    final Path events = LocalRuntime.repositoryRoot().resolve("events");

    @Test
    void everySampleWithAFindingHasAScenario() {
        JsonNode verdicts = PolicyFiles.read(events.resolve("verdicts.yaml"));
        verdicts.properties().forEach(e -> {
            if (e.getValue().path("rules").isArray() && !e.getValue().path("rules").isEmpty()) {
                SampleEvent sample = SampleEvent.load(events.resolve(e.getKey()));
                assertThat(Scenarios.forSample(sample, null)).as(e.getKey()).isNotNull();
            }
        });
    }

    @Test
    void eachKindOfResourceHasItsOwnScenario() {
        assertThat(scenarioOf("cloudtrail/ec2-modify-security-group-rules-mysql-world-console.json"))
                .isInstanceOf(SecurityGroupScenario.class);
        assertThat(scenarioOf("config/config-item-security-group-ssh-world.json")).isInstanceOf(SecurityGroupScenario.class);
        assertThat(scenarioOf("cloudtrail/ec2-delete-flow-logs-cli.json")).isInstanceOf(FlowLogScenario.class);
        assertThat(scenarioOf("cloudtrail/s3-put-bucket-acl-canned-public-read-cli.json")).isInstanceOf(BucketScenario.class);
        assertThat(scenarioOf("cloudtrail/s3-delete-account-public-access-block-console.json"))
                .isInstanceOf(AccountPublicAccessBlockScenario.class).matches(Scenario::accountWide);
        assertThat(scenarioOf("cloudtrail/iam-create-access-key-root-console.json"))
                .isInstanceOf(RootUserScenario.class).matches(Scenario::accountWide);
        assertThat(scenarioOf("cloudtrail/iam-create-access-key-user-console.json")).isInstanceOf(IamUserScenario.class);
        assertThat(scenarioOf("cloudtrail/iam-create-role-trust-external-account-terraform.json"))
                .isInstanceOf(IamRoleScenario.class);
        assertThat(scenarioOf("cloudtrail/iam-attach-group-policy-administrator-console.json"))
                .isInstanceOf(IamGroupScenario.class);
        assertThat(scenarioOf("cloudtrail/iam-set-default-policy-version-console.json"))
                .isInstanceOf(ManagedPolicyScenario.class);
        assertThat(scenarioOf("cloudtrail/cloudtrail-put-event-selectors-no-management-cli.json"))
                .isInstanceOf(TrailScenario.class);
        assertThat(scenarioOf("cloudtrail/s3-delete-bucket-encryption-console.json")).matches(s -> !s.accountWide());
    }

    @Test
    void eachConfigEventGoesToTheScenarioOfWhatItJudges() {
        assertThat(scenarioOf("config/config-item-s3-bucket-public.json")).isInstanceOf(BucketScenario.class);
        assertThat(scenarioOf("config/config-item-iam-role-trust-anyone.json")).isInstanceOf(IamRoleScenario.class);
        assertThat(scenarioOf("config/config-item-iam-user-admin-inline.json")).isInstanceOf(IamUserScenario.class);
        assertThat(scenarioOf("config/config-item-iam-group-administrator.json")).isInstanceOf(IamGroupScenario.class);
        assertThat(scenarioOf("config/config-compliance-vpc-flow-logs-enabled-noncompliant.json"))
                .isInstanceOf(FlowLogScenario.class);
        assertThat(scenarioOf("config/config-compliance-iam-policy-admin-noncompliant.json"))
                .isInstanceOf(ManagedPolicyScenario.class);
        assertThat(scenarioOf("config/config-compliance-cloudtrail-enabled-noncompliant.json"))
                .isInstanceOf(AccountTrailsScenario.class).matches(Scenario::accountWide);
        assertThat(scenarioOf("config/config-compliance-multi-region-cloudtrail-enabled-noncompliant.json"))
                .isInstanceOf(AccountTrailsScenario.class);
        assertThat(scenarioOf("config/config-compliance-iam-root-access-key-noncompliant.json"))
                .isInstanceOf(RootUserScenario.class).matches(Scenario::accountWide).matches(s -> !s.makesTheChange());
        assertThat(scenarioOf("cloudtrail/iam-create-access-key-user-console.json")).matches(Scenario::makesTheChange);
    }

    @Test
    void anUnsupportedCallIsRefusedNamingTheFileTheEventAndWhatIsSupported() {
        SampleEvent sample = SampleEvent.load(events.resolve("cloudtrail/ec2-describe-security-groups-read-only-console.json"));

        assertThatThrownBy(() -> Scenarios.forSample(sample, null)).isInstanceOf(UnsupportedSample.class)
                .hasMessageStartingWith(events.resolve("cloudtrail/ec2-describe-security-groups-read-only-console.json")
                        + ": DescribeSecurityGroups (ec2.amazonaws.com) is not a change the sandbox can set up;")
                .hasMessageContaining("supported: ").hasMessageContaining("AuthorizeSecurityGroupIngress")
                .hasMessageContaining("Config rule restricted-ssh NON_COMPLIANT on AWS::EC2::SecurityGroup");
    }

    @Test
    void aConfigRuleNoScenarioCanBreakIsRefused() {
        SampleEvent sample = SampleEvent.load(events.resolve("config/config-compliance-restricted-ssh-noncompliant.json"));
        ((ObjectNode) sample.detail()).put("configRuleName", "ec2-instance-no-public-ip");

        assertThatThrownBy(() -> Scenarios.forSample(sample, null)).isInstanceOf(UnsupportedSample.class)
                .hasMessageContaining("Config Rules Compliance Change ec2-instance-no-public-ip on AWS::EC2::SecurityGroup"
                        + " is not a change the sandbox can set up");
    }

    @Test
    void aFileThatIsNotAnEventIsRefusedWithWhereItBroke(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"detail\": {\n  \"eventName\": }");
        Path list = Files.writeString(dir.resolve("list.json"), "[1, 2]");

        assertThatThrownBy(() -> SampleEvent.load(broken)).isInstanceOf(UnsupportedSample.class)
                .hasMessage(broken + ": not valid JSON (line 2, column 16)");
        assertThatThrownBy(() -> SampleEvent.load(list)).isInstanceOf(UnsupportedSample.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> SampleEvent.load(dir.resolve("missing.json"))).hasMessageEndingWith(": no such file");
    }

    @Test
    void aFreshCopyIsANewCallInTheDeploymentsRegionAndTheSampleIsUntouched() {
        SampleEvent sample = SampleEvent.load(events.resolve("cloudtrail/s3-delete-bucket-encryption-console.json"));

        ObjectNode fresh = sample.fresh("us-east-1");

        assertThat(fresh.path("detail").path("eventID").asText()).isNotEqualTo(sample.detail().path("eventID").asText());
        assertThat(fresh.path("id").asText()).isNotEqualTo(sample.json().path("id").asText());
        assertThat(fresh.path("detail").path("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(fresh.path("region").asText()).isEqualTo("us-east-1");
        assertThat(sample.detail().path("awsRegion").asText()).isEqualTo("eu-west-1");
    }

    @Test
    void textIsReplacedWhereverTheEventNamesIt() {
        SampleEvent sample = SampleEvent.load(events.resolve("cloudtrail/s3-put-bucket-policy-public-read-console.json"));
        JsonNode request = sample.request().deepCopy();

        SampleEvent.replaceText(request, "example-staging-assets", "sandbox-bucket");

        assertThat(request.path("bucketName").asText()).isEqualTo("sandbox-bucket");
        assertThat(request.path("Host").asText()).isEqualTo("sandbox-bucket.s3.eu-west-1.amazonaws.com");
        assertThat(request.path("bucketPolicy").path("Statement").path(0).path("Resource").asText())
                .isEqualTo("arn:aws:s3:::sandbox-bucket/*");
        assertThat(request.toString()).doesNotContain("example-staging-assets");
    }

    private Scenario scenarioOf(String file) {
        return Scenarios.forSample(SampleEvent.load(events.resolve(file)), null);
    }
}
