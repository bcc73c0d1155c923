package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.json.Json;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TrailSettingsTest {

    static final ResourceRef TRAIL = ResourceRef.trail("main", "123456789012", "us-east-1");

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Finding finding(String id, Map<String, String> facts) {
        return Finding.of(id, RuleFamily.AUDIT_LOGGING, Severity.HIGH, Exposure.INTERNAL, TRAIL, facts, "x");
    }

    /**
     * The judged field (as the finding's fact names it, with the value the change set), the live trail, the record
     * (or none) → what is written back, what moved, what is unknown.
     */
    @ParameterizedTest(name = "{0}={1}, live {2}, record {3} → after {4}, moved {5}, unknown {6}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
        isMultiRegionTrail      | false      | {"isMultiRegionTrail":false}               | none                                   | {"isMultiRegionTrail":true}        | []                  | []
        isMultiRegionTrail      | false      | {"isMultiRegionTrail":false}               | {"isMultiRegionTrail":true}            | {"isMultiRegionTrail":true}        | []                  | []
        isMultiRegionTrail      | false      | {"isMultiRegionTrail":true}                | none                                   | {}                                 | []                  | []
        isMultiRegionTrail      | false      | {"isMultiRegionTrail":false}               | {"isMultiRegionTrail":false}           | {}                                 | []                  | []
        enableLogFileValidation | false      | {"logFileValidationEnabled":false}         | none                                   | {"logFileValidationEnabled":true}  | []                  | []
        s3BucketName            | evil-logs  | {"s3BucketName":"evil-logs"}               | {"s3BucketName":"org-logs"}            | {"s3BucketName":"org-logs"}        | []                  | []
        s3BucketName            | evil-logs  | {"s3BucketName":"evil-logs"}               | none                                   | {}                                 | []                  | [s3BucketName]
        s3BucketName            | evil-logs  | {"s3BucketName":"other-logs"}              | {"s3BucketName":"org-logs"}            | {}                                 | [s3BucketName]      | []
        s3BucketName            | evil-logs  | {"s3BucketName":"org-logs"}                | {"s3BucketName":"org-logs"}            | {}                                 | []                  | []
        s3BucketName            | evil-logs  | {"s3BucketName":"other-logs"}              | none                                   | {}                                 | [s3BucketName]      | []
        s3KeyPrefix             | x          | {"s3KeyPrefix":"x"}                        | {"s3KeyPrefix":null}                   | {"s3KeyPrefix":null}               | []                  | []
        """)
    void putsBackOnlyWhatWasJudgedToWhatTheRecordSaysOrAFlagsSafeValue(String fact, String set, String live,
                                                                        String record, String after, String moved,
                                                                        String unknown) throws Exception {
        Map<String, JsonNode> judged = TrailSettings.judged(List.of(finding(
                fact.equals("s3BucketName") || fact.equals("s3KeyPrefix") ? "audit-trail-destination-changed"
                        : fact.equals("enableLogFileValidation") ? "audit-trail-validation-off" : "audit-trail-narrowed",
                Map.of(fact, set))));

        TrailSettings.Plan plan = TrailSettings.plan(judged, json(live),
                Optional.ofNullable(record).map(TrailSettingsTest::json));

        assertThat(plan.after()).isEqualTo(json(after));
        assertThat(plan.moved().toString()).isEqualTo(moved);
        assertThat(plan.unknown().toString()).isEqualTo(unknown);
        plan.after().fieldNames().forEachRemaining(f -> assertThat(plan.before().get(f)).isEqualTo(json(live).path(f)));
    }

    @Test
    void findingsAboutSomethingElseJudgeNoTrailField() {
        assertThat(TrailSettings.judged(List.of(finding("audit-trail-stopped", Map.of()),
                finding("audit-trail-management-events-off", Map.of("includeManagementEvents", "false"))))).isEmpty();
    }

    @Test
    void aConfigVerdictRemediatedAsANarrowedTrailJudgesTheFieldsItsFactsName() {
        Finding verdict = finding("config-some-rule", Map.of("remediateAs", "audit-trail-narrowed",
                "isMultiRegionTrail", "false"));

        assertThat(TrailSettings.judged(List.of(verdict))).containsOnlyKeys("isMultiRegionTrail");
    }

    @Test
    void describesAChangeFieldByField() throws Exception {
        assertThat(TrailSettings.describeChange(json("{\"isMultiRegionTrail\":false,\"s3BucketName\":\"evil\"}"),
                json("{\"isMultiRegionTrail\":true,\"s3BucketName\":\"org\"}")))
                .isEqualTo("multi-region (false → true), log bucket (evil → org)");
    }
}
