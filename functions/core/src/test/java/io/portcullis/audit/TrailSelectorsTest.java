package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrailSelectorsTest {

    static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
        {}                                                                                                   | true
        {"eventSelectors":[{"readWriteType":"All"}]}                                                         | true
        {"eventSelectors":[{"readWriteType":"ReadOnly","includeManagementEvents":true}]}                     | false
        {"eventSelectors":[{"includeManagementEvents":false,"dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3"]}]}]} | false
        {"advancedEventSelectors":[{"name":"m","fieldSelectors":[{"field":"eventCategory","equals":["Management"]}]}]} | true
        {"advancedEventSelectors":[{"name":"d","fieldSelectors":[{"field":"eventCategory","equals":["Data"]}]}]}       | false
        {"eventSelectors":[],"advancedEventSelectors":[{"name":"d","fieldSelectors":[{"field":"eventCategory","equals":["Data"]}]}]} | false
        {"eventSelectors":[{"readWriteType":"All"}],"advancedEventSelectors":[{"name":"d","fieldSelectors":[{"field":"eventCategory","equals":["Data"]}]}]} | true
        """)
    void knowsWhetherSelectorsRecordManagementWrites(String selectors, boolean records) throws Exception {
        assertThat(TrailSelectors.recordsManagementWrites(json(selectors))).isEqualTo(records);
    }

    @Test
    void theSameSelectorsReadTheSameWithDefaultsWrittenOutAndFieldsInOrder() throws Exception {
        assertThat(TrailSelectors.same(json("{\"eventSelectors\":[{\"includeManagementEvents\":true}]}"),
                json("{\"eventSelectors\":[{\"readWriteType\":\"All\",\"includeManagementEvents\":true,"
                        + "\"dataResources\":[],\"excludeManagementEventSources\":[]}],\"advancedEventSelectors\":null}")))
                .isTrue();
        assertThat(TrailSelectors.same(
                json("{\"advancedEventSelectors\":[{\"name\":\"a\",\"fieldSelectors\":[{\"field\":\"resources.type\","
                        + "\"equals\":[\"AWS::S3::Object\"]},{\"field\":\"eventCategory\",\"equals\":[\"Data\"]}]}]}"),
                json("{\"advancedEventSelectors\":[{\"name\":\"a\",\"fieldSelectors\":[{\"field\":\"eventCategory\","
                        + "\"equals\":[\"Data\"],\"startsWith\":[]},{\"field\":\"resources.type\",\"equals\":"
                        + "[\"AWS::S3::Object\"]}]}]}"))).isTrue();
        assertThat(TrailSelectors.same(json("{\"eventSelectors\":[{\"readWriteType\":\"ReadOnly\"}]}"),
                json("{\"eventSelectors\":[{\"readWriteType\":\"All\"}]}"))).isFalse();
    }

    @Test
    void managementEventsAreAddedInTheFormTheTrailUsesKeepingItsDataSelectors() throws Exception {
        JsonNode basic = json("{\"eventSelectors\":[{\"readWriteType\":\"All\",\"includeManagementEvents\":false,"
                + "\"dataResources\":[{\"type\":\"AWS::S3::Object\",\"values\":[\"arn:aws:s3:::b/\"]}]}]}");
        JsonNode advanced = json("{\"advancedEventSelectors\":[{\"name\":\"S3 data\",\"fieldSelectors\":["
                + "{\"field\":\"eventCategory\",\"equals\":[\"Data\"]}]}]}");

        JsonNode fromBasic = TrailSelectors.withManagementEvents(basic);
        JsonNode fromAdvanced = TrailSelectors.withManagementEvents(advanced);

        assertThat(fromBasic.path("eventSelectors")).hasSize(2);
        assertThat(fromBasic.path("eventSelectors").get(0)).isEqualTo(TrailSelectors.normalised(basic)
                .path("eventSelectors").get(0));
        assertThat(fromBasic.path("eventSelectors").get(1).toString())
                .isEqualTo("{\"readWriteType\":\"All\",\"includeManagementEvents\":true,\"dataResources\":[],"
                        + "\"excludeManagementEventSources\":[]}");
        assertThat(fromBasic.has("advancedEventSelectors")).isFalse();
        assertThat(fromAdvanced.path("advancedEventSelectors")).hasSize(2);
        assertThat(fromAdvanced.path("advancedEventSelectors").get(1).path("fieldSelectors").toString())
                .isEqualTo("[{\"field\":\"eventCategory\",\"equals\":[\"Management\"]}]");
        assertThat(TrailSelectors.recordsManagementWrites(fromBasic)).isTrue();
        assertThat(TrailSelectors.recordsManagementWrites(fromAdvanced)).isTrue();
        assertThat(TrailSelectors.describe(fromAdvanced))
                .isEqualTo("2 advanced selectors (S3 data, Management events (restored by Portcullis))");
    }
}
