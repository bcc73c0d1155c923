package io.portcullis.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Actor;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditLoggingRuleTest {

    static Change call(String name, String request, String errorCode) throws Exception {
        JsonNode r = Json.mapper().readTree(request);
        return new Change("e-1", name, "cloudtrail.amazonaws.com", Instant.EPOCH,
                new Actor("arn:aws:sts::123456789012:assumed-role/Ops/m", "AssumedRole", null, false, "198.51.100.1", null),
                Origin.CLI_SDK, ResourceRef.trail("main", "123456789012", "us-east-1"), ChangeKind.CONFIGURATION,
                List.of(), errorCode, r);
    }

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
        StopLogging       | {"name":"main"}                                                                     | audit-trail-stopped:CRITICAL
        DeleteTrail       | {"name":"main"}                                                                     | audit-trail-deleted:CRITICAL
        PutEventSelectors | {"trailName":"main","eventSelectors":[{"readWriteType":"All","includeManagementEvents":false}]} | audit-trail-management-events-off:CRITICAL
        PutEventSelectors | {"trailName":"main","eventSelectors":[{"readWriteType":"All","includeManagementEvents":false},{"readWriteType":"WriteOnly","includeManagementEvents":true}]} | NONE
        PutEventSelectors | {"trailName":"main","eventSelectors":[{"readWriteType":"ReadOnly"}]}                 | audit-trail-management-events-off:CRITICAL
        PutEventSelectors | {"trailName":"main","advancedEventSelectors":[{"name":"data only","fieldSelectors":[{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","equals":["AWS::S3::Object"]}]}]} | audit-trail-management-events-off:CRITICAL
        PutEventSelectors | {"trailName":"main","advancedEventSelectors":[{"name":"mgmt","fieldSelectors":[{"field":"eventCategory","equals":["Management"]}]}]} | NONE
        PutEventSelectors | {"trailName":"main","advancedEventSelectors":[{"name":"reads","fieldSelectors":[{"field":"eventCategory","equals":["Management"]},{"field":"readOnly","equals":["true"]}]}]} | audit-trail-management-events-off:CRITICAL
        UpdateTrail       | {"name":"main","isMultiRegionTrail":false}                                          | audit-trail-narrowed:HIGH
        UpdateTrail       | {"name":"main","includeGlobalServiceEvents":false}                                  | audit-trail-narrowed:HIGH
        UpdateTrail       | {"name":"main","enableLogFileValidation":false}                                     | audit-trail-validation-off:MEDIUM
        UpdateTrail       | {"name":"main","s3BucketName":"new-logs","isMultiRegionTrail":true}                 | audit-trail-destination-changed:HIGH
        UpdateTrail       | {"name":"main","s3BucketName":"","isMultiRegionTrail":true}                         | NONE
        UpdateTrail       | {"name":"main","isMultiRegionTrail":true,"includeGlobalServiceEvents":true,"snsTopicName":"trail-news"} | NONE
        UpdateTrail       | {"name":"main","enableLogFileValidation":true,"s3KeyPrefix":"org"}                 | NONE
        StartLogging      | {"name":"main"}                                                                     | NONE
        """)
    void judgesTrailChanges(String name, String request, String expected) throws Exception {
        List<Finding> findings = RuleSet.defaults().evaluate(call(name, request, null));
        if (expected.equals("NONE")) {
            assertThat(findings).isEmpty();
            return;
        }
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.ruleId() + ":" + f.severity()).isEqualTo(expected);
            assertThat(f.family()).isEqualTo(RuleFamily.AUDIT_LOGGING);
            assertThat(f.explanation()).contains("main");
        });
    }

    @org.junit.jupiter.api.Test
    void eachUpdateTrailFindingNamesTheFieldsItJudgedWithTheValueTheCallSet() throws Exception {
        List<Finding> findings = RuleSet.defaults().evaluate(call("UpdateTrail", """
                {"name":"main","isMultiRegionTrail":false,"includeGlobalServiceEvents":false,
                 "enableLogFileValidation":false,"s3BucketName":"elsewhere-logs","s3KeyPrefix":"x"}""", null));

        assertThat(findings).extracting(Finding::ruleId, Finding::facts).containsExactly(
                org.assertj.core.groups.Tuple.tuple("audit-trail-narrowed", java.util.Map.of("isMultiRegionTrail", "false")),
                org.assertj.core.groups.Tuple.tuple("audit-trail-narrowed", java.util.Map.of("includeGlobalServiceEvents", "false")),
                org.assertj.core.groups.Tuple.tuple("audit-trail-validation-off", java.util.Map.of("enableLogFileValidation", "false")),
                org.assertj.core.groups.Tuple.tuple("audit-trail-destination-changed",
                        java.util.Map.of("s3BucketName", "elsewhere-logs", "s3KeyPrefix", "x")));
        assertThat(findings.get(3).explanation()).contains("bucket elsewhere-logs").contains("main");
    }

    @org.junit.jupiter.api.Test
    void aStopLoggingThatFailedIsNotAFinding() throws Exception {
        assertThat(RuleSet.defaults().evaluate(call("StopLogging", "{\"name\":\"main\"}", "AccessDenied"))).isEmpty();
    }
}
