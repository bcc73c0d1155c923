package io.portcullis.iam;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PolicyRewriteTest {

    @Test
    void keepsStatementsWhoseConditionLimitsAnyoneToTheOrganisation() {
        var doc = PolicyRewrite.read("""
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
                 {"Sid":"Org","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*",
                  "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}},
                 {"Sid":"NotReally","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
                  "Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}""");

        var result = PolicyRewrite.withoutPublicStatements(doc);

        assertThat(result.removed()).extracting(s -> s.path("Sid").asText()).containsExactly("Public", "NotReally");
        assertThat(result.remaining().orElseThrow().path("Statement")).hasSize(1);
        assertThat(result.remaining().orElseThrow().path("Version").asText()).isEqualTo("2012-10-17");
    }

    @Test
    void aSingleStatementObjectThatIsPublicLeavesNothing() {
        var doc = PolicyRewrite.read("""
                {"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}}""");

        assertThat(PolicyRewrite.withoutPublicStatements(doc).remaining()).isEmpty();
    }

    @Test
    void narrowsATrustStatementToItsOtherPrincipals() {
        var doc = PolicyRewrite.read("%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22"
                + "%3A%5B%22arn%3Aaws%3Aiam%3A%3A999988887777%3Aroot%22%2C%22arn%3Aaws%3Aiam%3A%3A123456789012%3Aroot%22%5D%7D"
                + "%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D");

        var result = PolicyRewrite.withoutPrincipals(doc, p -> "999988887777".equals(PolicyDocument.accountOf(p)));

        assertThat(result.changed()).isTrue();
        assertThat(result.remaining().orElseThrow().path("Statement").get(0).path("Principal").path("AWS"))
                .extracting(n -> n.asText()).containsExactly("arn:aws:iam::123456789012:root");
    }
}
