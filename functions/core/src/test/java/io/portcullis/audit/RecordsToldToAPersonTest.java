package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import org.junit.jupiter.api.Test;

/** What a person is told to recreate: a deleted trail and a deleted flow log, exactly as the inventory saw them. */
class RecordsToldToAPersonTest {

    static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    static final String TRAIL = """
            {"name": "org-trail", "trailArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail",
             "homeRegion": "us-east-1", "s3BucketName": "org-trail-logs", "s3KeyPrefix": "prod",
             "snsTopicName": null, "includeGlobalServiceEvents": true, "isMultiRegionTrail": true,
             "logFileValidationEnabled": true,
             "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:trail:*",
             "cloudWatchLogsRoleArn": "arn:aws:iam::123456789012:role/trail-to-logs",
             "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1111-2222", "isOrganizationTrail": false,
             "isLogging": true,
             "eventSelectors": null,
             "advancedEventSelectors": [{"name": "Management", "fieldSelectors": [
                 {"field": "eventCategory", "equals": ["Management"]}]}]}""";

    @Test
    void aDeletedTrailIsToldAsTheCommandsThatRecreateItExactly() throws Exception {
        JsonNode trail = json(TRAIL);

        assertThat(TrailRecord.describe(trail)).isEqualTo("org-trail in us-east-1, logs to bucket org-trail-logs/prod,"
                + " multi-region, with global-service events, log file validation on, encrypted with KMS key"
                + " arn:aws:kms:us-east-1:123456789012:key/1111-2222, delivered to CloudWatch Logs group"
                + " arn:aws:logs:us-east-1:123456789012:log-group:trail:* (role"
                + " arn:aws:iam::123456789012:role/trail-to-logs), 1 advanced selector (Management)");
        assertThat(TrailRecord.recreateCommands(trail)).isEqualTo("aws cloudtrail create-trail --name org-trail"
                + " --s3-bucket-name org-trail-logs --region us-east-1 --s3-key-prefix prod --is-multi-region-trail"
                + " --include-global-service-events --enable-log-file-validation --kms-key-id"
                + " arn:aws:kms:us-east-1:123456789012:key/1111-2222 --cloud-watch-logs-log-group-arn"
                + " arn:aws:logs:us-east-1:123456789012:log-group:trail:* --cloud-watch-logs-role-arn"
                + " arn:aws:iam::123456789012:role/trail-to-logs; then aws cloudtrail put-event-selectors --trail-name"
                + " org-trail --advanced-event-selectors '[{\"Name\":\"Management\",\"FieldSelectors\":[{\"Field\":"
                + "\"eventCategory\",\"Equals\":[\"Management\"]}]}]'; then aws cloudtrail start-logging --name org-trail");
    }

    static final String FLOW_LOG = """
            {"flowLogId": "fl-07a9b55570fe770b6", "resourceId": "vpc-0a1b2c3d", "resourceType": "VPC",
             "trafficType": "ALL", "logDestinationType": "s3", "logDestination": "arn:aws:s3:::org-flow-logs/vpc",
             "logGroupName": null, "deliverLogsPermissionArn": null,
             "logFormat": "${version} ${srcaddr} ${dstaddr}", "maxAggregationInterval": 60,
             "tags": {"Name": "prod-vpc-flows", "aws:cloudformation:stack-name": "net"}}""";

    @Test
    void aDeletedFlowLogIsToldAsTheCommandThatRecreatesIt() throws Exception {
        JsonNode flowLog = json(FLOW_LOG);

        assertThat(FlowLogRecord.describe(flowLog)).isEqualTo("ALL traffic of VPC vpc-0a1b2c3d to s3"
                + " arn:aws:s3:::org-flow-logs/vpc");
        assertThat(FlowLogRecord.createCommand(flowLog)).isEqualTo("aws ec2 create-flow-logs --resource-type VPC"
                + " --resource-ids vpc-0a1b2c3d --traffic-type ALL --log-destination-type s3 --log-destination"
                + " arn:aws:s3:::org-flow-logs/vpc --log-format '${version} ${srcaddr} ${dstaddr}'"
                + " --max-aggregation-interval 60 --tag-specifications 'ResourceType=vpc-flow-log,Tags=[{Key=Name,"
                + "Value=prod-vpc-flows},{Key=aws:cloudformation:stack-name,Value=net}]'");
    }

    @Test
    void aLiveFlowLogIsTheDeletedOneBackWhenItRecordsTheSameTrafficToTheSamePlace() throws Exception {
        JsonNode known = json(FLOW_LOG);
        JsonNode back = json(FLOW_LOG.replace("fl-07a9b55570fe770b6", "fl-0new").replace("\"Name\": \"prod-vpc-flows\", ", ""));
        JsonNode rejectsOnly = json(FLOW_LOG.replace("\"trafficType\": \"ALL\"", "\"trafficType\": \"REJECT\""));
        JsonNode elsewhere = json(FLOW_LOG.replace("org-flow-logs/vpc", "other-bucket"));
        JsonNode cloudWatch = json("""
                {"resourceId": "vpc-0a1b2c3d", "trafficType": "ALL", "logDestinationType": "cloud-watch-logs",
                 "logGroupName": "flows", "deliverLogsPermissionArn": "arn:aws:iam::123456789012:role/flows"}""");
        JsonNode cloudWatchByArn = json("""
                {"resourceId": "vpc-0a1b2c3d", "trafficType": "ALL", "logDestinationType": "cloud-watch-logs",
                 "logDestination": "arn:aws:logs:us-east-1:123456789012:log-group:flows:*",
                 "deliverLogsPermissionArn": "arn:aws:iam::123456789012:role/flows"}""");

        assertThat(FlowLogRecord.sameFlowLog(known, back)).as("ids and tags aside").isTrue();
        assertThat(FlowLogRecord.sameFlowLog(known, rejectsOnly)).isFalse();
        assertThat(FlowLogRecord.sameFlowLog(known, elsewhere)).isFalse();
        assertThat(FlowLogRecord.sameFlowLog(cloudWatch, cloudWatchByArn)).as("a log group by name or ARN").isTrue();
    }
}
