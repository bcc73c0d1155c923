package io.portcullis.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** rules.yaml changes what the rules treat as sensitive, without code. */
class RuleDataTest {

    static RuleSet rules(String yaml) throws Exception {
        return RuleSet.fromData(new ObjectMapper(new YAMLFactory()).readTree(yaml), Set.of());
    }

    static final String DATA = """
            version: 1
            securityGroups:
              administrativePorts: {2222: SSH on the alternate port}
              databasePorts: {}
              widePrefixLength: {ipv4: 16, ipv6: 48}
            iam:
              adminManagedPolicies: [arn:aws:iam::aws:policy/PowerUserAccess]
            severities:
              sg-ingress-port-public: medium
            configRules: {}
            """;

    @Test
    void portsAndThresholdsComeFromTheData() throws Exception {
        RuleSet rules = rules(DATA);
        List<Finding> alt = rules.evaluate(SecurityGroupIngressRuleTest.change(io.portcullis.change.ChangeKind.INGRESS_ADDED,
                null, SecurityGroupIngressRuleTest.rule("tcp", 2222, 2222, "0.0.0.0/0")));
        assertThat(alt).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.explanation()).contains("SSH on the alternate port");
        });
        List<Finding> ssh = rules.evaluate(SecurityGroupIngressRuleTest.change(io.portcullis.change.ChangeKind.INGRESS_ADDED,
                null, SecurityGroupIngressRuleTest.rule("tcp", 22, 22, "0.0.0.0/0")));
        assertThat(ssh).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("sg-ingress-port-public");
            assertThat(f.severity()).as("overridden in severities").isEqualTo(Severity.MEDIUM);
        });
        List<Finding> slash12 = rules.evaluate(SecurityGroupIngressRuleTest.change(io.portcullis.change.ChangeKind.INGRESS_ADDED,
                null, SecurityGroupIngressRuleTest.rule("tcp", 2222, 2222, "52.0.0.0/12")));
        assertThat(slash12).singleElement().satisfies(f -> assertThat(f.ruleId()).isEqualTo("sg-ingress-wide-cidr"));
    }

    @Test
    void theShippedDataMatchesTheDocumentedDefaults() {
        RuleSet rules = RuleSet.defaults();
        assertThat(rules.findingIds()).contains("sg-ingress-sensitive-port-public", "s3-public-policy",
                "iam-admin-granted", "audit-trail-stopped");
        assertThat(rules.severityOverrides()).isEmpty();
    }
}
