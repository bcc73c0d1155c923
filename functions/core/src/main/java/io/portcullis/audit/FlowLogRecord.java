package io.portcullis.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A VPC flow log's configuration, in the shape the inventory records it and the EC2 adapter reads a live one:
 * {@code {"flowLogId", "resourceId", "resourceType" (VPC | Subnet | NetworkInterface | TransitGateway |
 * TransitGatewayAttachment), "trafficType", "logDestinationType" (s3 | cloud-watch-logs | kinesis-data-firehose),
 * "logDestination", "logGroupName", "deliverLogsPermissionArn", "logFormat", "maxAggregationInterval", "tags": {k: v}}}.
 */
public final class FlowLogRecord {

    private FlowLogRecord() {
    }

    /**
     * Whether two flow logs record the same traffic of the same resource to the same place in the same format (ids and
     * tags aside): a live one like that means the deleted one is back.
     */
    public static boolean sameFlowLog(JsonNode a, JsonNode b) {
        return Objects.equals(text(a, "resourceId"), text(b, "resourceId"))
                && Objects.equals(text(a, "trafficType"), text(b, "trafficType"))
                && Objects.equals(destinationType(a), destinationType(b))
                && Objects.equals(destination(a), destination(b))
                && Objects.equals(text(a, "deliverLogsPermissionArn"), text(b, "deliverLogsPermissionArn"))
                && Objects.equals(text(a, "logFormat"), text(b, "logFormat"))
                && a.path("maxAggregationInterval").asInt(600) == b.path("maxAggregationInterval").asInt(600);
    }

    /** E.g. {@code ALL traffic of VPC vpc-0a1b… to s3 arn:aws:s3:::org-flow-logs}. */
    public static String describe(JsonNode f) {
        return Objects.requireNonNullElse(text(f, "trafficType"), "ALL") + " traffic of "
                + Objects.requireNonNullElse(text(f, "resourceType"), "resource") + " " + text(f, "resourceId")
                + " to " + destinationType(f) + " " + destination(f);
    }

    /** The AWS CLI command that creates a flow log with this configuration. */
    public static String createCommand(JsonNode f) {
        List<String> args = new ArrayList<>(List.of("aws ec2 create-flow-logs",
                "--resource-type " + Objects.requireNonNullElse(text(f, "resourceType"), "VPC"),
                "--resource-ids " + text(f, "resourceId"),
                "--traffic-type " + Objects.requireNonNullElse(text(f, "trafficType"), "ALL"),
                "--log-destination-type " + destinationType(f)));
        if (text(f, "logDestination") != null) {
            args.add("--log-destination " + text(f, "logDestination"));
        } else if (text(f, "logGroupName") != null) {
            args.add("--log-group-name " + text(f, "logGroupName"));
        }
        if (text(f, "deliverLogsPermissionArn") != null) {
            args.add("--deliver-logs-permission-arn " + text(f, "deliverLogsPermissionArn"));
        }
        if (text(f, "logFormat") != null) {
            args.add("--log-format '" + text(f, "logFormat") + "'");
        }
        if (f.path("maxAggregationInterval").isNumber()) {
            args.add("--max-aggregation-interval " + f.path("maxAggregationInterval").asInt());
        }
        List<String> tags = new ArrayList<>();
        f.path("tags").properties().forEach(e -> tags.add("{Key=" + e.getKey() + ",Value=" + e.getValue().asText() + "}"));
        if (!tags.isEmpty()) {
            args.add("--tag-specifications 'ResourceType=vpc-flow-log,Tags=[" + String.join(",", tags) + "]'");
        }
        return String.join(" ", args);
    }

    /** Where a person finds a deleted flow log's configuration when Portcullis kept none. */
    public static String whereToFind(String flowLogId, String region) {
        return "its configuration is in AWS Config's history of AWS::EC2::FlowLog " + flowLogId + " (aws configservice"
                + " get-resource-config-history --resource-type AWS::EC2::FlowLog --resource-id " + flowLogId
                + " --region " + region + ") and in the CreateFlowLogs event that created it (CloudTrail event history"
                + " or your trail's logs: the response names " + flowLogId + ")";
    }

    public static String destinationType(JsonNode f) {
        return Objects.requireNonNullElse(text(f, "logDestinationType"), "cloud-watch-logs");
    }

    /**
     * The bucket, stream or log group the logs go to. A CloudWatch Logs destination is compared by its group: AWS
     * reports it as a name, an ARN, or both.
     */
    public static String destination(JsonNode f) {
        if (destinationType(f).equals("cloud-watch-logs")) {
            String group = text(f, "logGroupName");
            String arn = text(f, "logDestination");
            if (group == null && arn != null && arn.contains(":log-group:")) {
                group = arn.substring(arn.indexOf(":log-group:") + ":log-group:".length()).replaceFirst(":\\*$", "");
            }
            return group;
        }
        return text(f, "logDestination");
    }

    static String text(JsonNode f, String field) {
        JsonNode v = f.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }
}
