package io.portcullis.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portcullis.policy.PolicyFiles;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** rules.yaml's advice: what the person who made a risky change is told about making it safely. */
class AdviceTest {

    static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }

    @Test
    void everyRuleTheShippedRulesCanRaiseHasAdviceAndNoAdviceNamesAnotherRule() {
        JsonNode shipped = PolicyFiles.bundled(RuleSet.RESOURCE);
        RuleSet rules = RuleSet.fromData(shipped, Set.of());
        Advice advice = Advice.fromData(shipped);

        assertThat(rules.findingIds()).contains("sg-ingress-sensitive-port-public", "config-restricted-common-ports");
        assertThat(advice.missingFor(rules)).isEmpty();
        assertThat(advice.unknownIn(rules)).isEmpty();
    }

    @Test
    void theShippedAdviceNamesTheSafeWayForTheCommonMistakes() {
        Advice advice = Advice.defaults();

        assertThat(advice.of("sg-ingress-sensitive-port-public", RuleFamily.SECURITY_GROUP)).get().asString()
                .contains("Session Manager", "EC2 Instance Connect Endpoint", "prefix list", "VPN");
        assertThat(advice.of("s3-public-policy", RuleFamily.S3)).get().asString()
                .contains("origin access control (OAC)", "presigned URL");
        assertThat(advice.of("iam-admin-granted", RuleFamily.IAM)).get().asString()
                .contains("IAM Access Analyzer", "permissions boundary");
        assertThat(advice.of("iam-trust-anyone", RuleFamily.IAM)).get().asString()
                .contains("sts:ExternalId", "aws:PrincipalOrgID");
        assertThat(advice.of("iam-root-access-key", RuleFamily.IAM)).get().asString().contains("IAM Identity Center");
        assertThat(advice.of("audit-trail-stopped", RuleFamily.AUDIT_LOGGING)).get().asString()
                .contains("change process");
        assertThat(advice.of("s3-encryption-removed", RuleFamily.S3)).get().asString().contains("SSE-KMS", "Bucket Keys");
    }

    @Test
    void aConfigRuleWithoutItsOwnAdviceTakesItsFamilysAndOnlyConfigRulesDo() throws Exception {
        Advice advice = Advice.fromData(yaml("""
                advice:
                  rules:
                    config-restricted-ssh: Use Session Manager instead of opening SSH.
                  configFamilies:
                    security-group: Allow only the sources that need access.
                """));

        assertThat(advice.of("config-restricted-ssh", RuleFamily.SECURITY_GROUP))
                .contains("Use Session Manager instead of opening SSH.");
        assertThat(advice.of("config-restricted-common-ports", RuleFamily.SECURITY_GROUP))
                .contains("Allow only the sources that need access.");
        assertThat(advice.of("config-s3-bucket-public-read-prohibited", RuleFamily.S3)).isEmpty();
        assertThat(advice.of("sg-ingress-port-public", RuleFamily.SECURITY_GROUP)).as("not a config rule").isEmpty();
    }

    @Test
    void aRuleWithoutAdviceAndAdviceForNoRuleAreBothFound() throws Exception {
        JsonNode data = yaml("""
                version: 1
                securityGroups:
                  administrativePorts: {22: SSH}
                  databasePorts: {}
                  widePrefixLength: {ipv4: 8, ipv6: 32}
                iam: {adminManagedPolicies: []}
                severities: {}
                configRules:
                  restricted-ssh: {family: security-group, severity: critical, exposure: internet, says: allows SSH}
                  s3-bucket-public-read-prohibited: {family: s3, severity: critical, exposure: internet, says: is public}
                advice:
                  rules:
                    sg-ingres-port-public: a typo
                  configFamilies:
                    security-group: Allow only the sources that need access.
                """);
        RuleSet rules = RuleSet.fromData(data, Set.of());

        Set<String> missing = Advice.fromData(data).missingFor(rules);

        assertThat(missing).contains("sg-ingress-port-public", "s3-public-policy", "config-s3-bucket-public-read-prohibited")
                .doesNotContain("config-restricted-ssh");
        assertThat(Advice.fromData(data).unknownIn(rules)).containsExactly("sg-ingres-port-public");
    }
}
