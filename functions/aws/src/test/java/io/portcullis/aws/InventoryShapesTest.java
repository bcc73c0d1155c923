package io.portcullis.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.ec2.model.FlowLog;

/**
 * The configuration shapes the inventory records (the contract the playbooks restore from) for the cases the
 * emulator cannot produce: flow logs on other resource types, advanced event selectors, IAM's URL-encoded documents.
 * The common cases are checked end to end against the emulator (InventoryIT).
 */
class InventoryShapesTest {

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"vpc-0a1b2c3d, VPC", "subnet-0a1b2c3d, Subnet", "eni-0a1b2c3d, NetworkInterface",
            "tgw-0a1b2c3d, TransitGateway", "tgw-attach-0a1b2c3d, TransitGatewayAttachment", "igw-0a1b2c3d,"})
    void aFlowLogsResourceTypeIsWhatCreateFlowLogsWantsForItsResourceId(String resourceId, String type) {
        assertThat(Ec2FlowLogInventory.resourceType(resourceId)).isEqualTo(type);
    }

    @Test
    void aFlowLogToCloudWatchLogsHasEveryFieldAndNullWhereAwsSaysNothing() {
        FlowLog flowLog = FlowLog.builder().flowLogId("fl-0123456789abcdef0").resourceId("subnet-0a1b2c3d")
                .trafficType("REJECT").logDestinationType("cloud-watch-logs")
                .logDestination("arn:aws:logs:eu-west-1:123456789012:log-group:flows")
                .logGroupName("flows").deliverLogsPermissionArn("arn:aws:iam::123456789012:role/flow-logs")
                .logFormat("${version} ${action}").maxAggregationInterval(600).deliverLogsStatus("FAILED").build();

        assertThat(Ec2FlowLogInventory.configuration(flowLog)).isEqualTo(json("{\"flowLogId\": \"fl-0123456789abcdef0\","
                + " \"resourceId\": \"subnet-0a1b2c3d\", \"resourceType\": \"Subnet\", \"trafficType\": \"REJECT\","
                + " \"logDestinationType\": \"cloud-watch-logs\","
                + " \"logDestination\": \"arn:aws:logs:eu-west-1:123456789012:log-group:flows\","
                + " \"logGroupName\": \"flows\", \"deliverLogsPermissionArn\": \"arn:aws:iam::123456789012:role/flow-logs\","
                + " \"logFormat\": \"${version} ${action}\", \"maxAggregationInterval\": 600, \"tags\": {}}"));
    }

    @Test
    void aTrailWithAdvancedSelectorsHasNoBasicOnesAndNullForTheConditionsItDoesNotUse() {
        Trail trail = Trail.builder().name("org").trailARN("arn:aws:cloudtrail:eu-west-1:123456789012:trail/org")
                .homeRegion("eu-west-1").s3BucketName("trail-logs").includeGlobalServiceEvents(true)
                .isMultiRegionTrail(true).logFileValidationEnabled(true).isOrganizationTrail(false)
                .kmsKeyId("arn:aws:kms:eu-west-1:123456789012:key/k").build();
        GetEventSelectorsResponse selectors = GetEventSelectorsResponse.builder().advancedEventSelectors(a -> a
                .name("management and S3 writes").fieldSelectors(
                        f -> f.field("eventCategory").equalsValue("Data"),
                        f -> f.field("resources.type").equalsValue("AWS::S3::Object"),
                        f -> f.field("readOnly").equalsValue("false"),
                        f -> f.field("resources.ARN").notStartsWith("arn:aws:s3:::trail-logs/"))).build();

        JsonNode c = CloudTrailInventory.configuration(trail, selectors, false);

        assertThat(c.path("eventSelectors").isNull()).isTrue();
        assertThat(c.path("isLogging").asBoolean()).isFalse();
        assertThat(c.path("s3KeyPrefix").isNull()).isTrue();
        assertThat(c.path("kmsKeyId").asText()).isEqualTo("arn:aws:kms:eu-west-1:123456789012:key/k");
        assertThat(c.path("advancedEventSelectors")).isEqualTo(json("[{\"name\": \"management and S3 writes\","
                + " \"fieldSelectors\": ["
                + " {\"field\": \"eventCategory\", \"equals\": [\"Data\"], \"startsWith\": null, \"endsWith\": null,"
                + "  \"notEquals\": null, \"notStartsWith\": null, \"notEndsWith\": null},"
                + " {\"field\": \"resources.type\", \"equals\": [\"AWS::S3::Object\"], \"startsWith\": null,"
                + "  \"endsWith\": null, \"notEquals\": null, \"notStartsWith\": null, \"notEndsWith\": null},"
                + " {\"field\": \"readOnly\", \"equals\": [\"false\"], \"startsWith\": null, \"endsWith\": null,"
                + "  \"notEquals\": null, \"notStartsWith\": null, \"notEndsWith\": null},"
                + " {\"field\": \"resources.ARN\", \"equals\": null, \"startsWith\": null, \"endsWith\": null,"
                + "  \"notEquals\": null, \"notStartsWith\": [\"arn:aws:s3:::trail-logs/\"], \"notEndsWith\": null}]}]"));
        assertThat(c.size()).as("exactly the contract's fields").isEqualTo(16);
    }

    @Test
    void aTrailWithBasicSelectorsListsThemWithEmptyListsForWhatItLeavesOut() {
        Trail trail = Trail.builder().name("t").trailARN("arn:aws:cloudtrail:us-east-1:123456789012:trail/t").build();
        GetEventSelectorsResponse selectors = GetEventSelectorsResponse.builder().eventSelectors(e -> e
                .readWriteType("WriteOnly").includeManagementEvents(true)).advancedEventSelectors(java.util.List.of())
                .build();

        JsonNode c = CloudTrailInventory.configuration(trail, selectors, true);

        assertThat(c.path("advancedEventSelectors").isNull()).isTrue();
        assertThat(c.path("eventSelectors")).isEqualTo(json("[{\"readWriteType\": \"WriteOnly\","
                + " \"includeManagementEvents\": true, \"dataResources\": [], \"excludeManagementEventSources\": []}]"));
    }

    @Test
    void anInlinePolicyIsRecordedDecodedAsAJsonObject() {
        String document = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\":"
                + " \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::a b+c/*\"}]}";
        String asIamSendsIt = URLEncoder.encode(document, StandardCharsets.UTF_8).replace("+", "%20");

        assertThat(IamInlinePolicyInventory.document(asIamSendsIt)).isEqualTo(json(document));
        assertThat(IamInlinePolicyInventory.document(document)).as("sent plain, '+' and all").isEqualTo(json(document));
        assertThatThrownBy(() -> IamInlinePolicyInventory.document("%5B%5D"))
                .hasMessage("the document is not a JSON object");
        assertThatThrownBy(() -> IamInlinePolicyInventory.document("%7B%22Version"))
                .hasMessageStartingWith("the document is not JSON");
    }
}
