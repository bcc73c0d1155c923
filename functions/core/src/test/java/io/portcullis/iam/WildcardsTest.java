package io.portcullis.iam;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WildcardsTest {

    @ParameterizedTest
    @CsvSource({
            "*, iam:PassRole, true",
            "iam:*, iam:PassRole, true",
            "IAM:pass*, iam:PassRole, true",
            "iam:Pass?ole, iam:PassRole, true",
            "s3:Get*, s3:PutObject, false",
            "s3:*Object, s3:GetObject, true",
            "s3:*Object, s3:GetObjectAcl, false",
            "*:*, ec2:RunInstances, true",
            "ec2:*, ec2, false"})
    void matchesLikeIam(String pattern, String action, boolean expected) {
        assertThat(Wildcards.matches(pattern, action)).isEqualTo(expected);
    }

    @Test
    void staysFastOnHostilePatterns() {
        String pattern = "*a".repeat(2000) + "b";
        String value = "a".repeat(5000);
        assertThat(Wildcards.matches(pattern, value)).isFalse();
    }
}
