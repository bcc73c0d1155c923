package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.util.Comparator;
import java.util.Set;
import software.amazon.awssdk.services.ec2.model.FlowLogsResourceType;
import software.amazon.awssdk.services.ec2.model.LogDestinationType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.TrafficType;

/**
 * A production VPC whose traffic (all of it) is recorded by a flow log to an S3 bucket; changed by
 * {@code DeleteFlowLogs} of that flow log, or made NON_COMPLIANT with AWS Config's {@code vpc-flow-logs-enabled} (the
 * VPC's only flow log deleted).
 */
final class FlowLogScenario implements Scenario {

    static final Set<String> CALLS = Set.of("DeleteFlowLogs");
    static final Set<String> RULES = Set.of("vpc-flow-logs-enabled");

    private final ScenarioAws aws;
    private String vpcId;
    private String flowLogId;
    private String bucket;

    FlowLogScenario(ScenarioAws aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "flow log " + flowLogId + " of VPC " + vpcId + " (tagged environment=production), to bucket " + bucket;
    }

    @Override
    public void createBefore(SampleEvent sample) {
        vpcId = aws.ec2().createVpc(r -> r.cidrBlock("10.30.0.0/16").tagSpecifications(TagSpecification.builder()
                .resourceType(ResourceType.VPC).tags(Tag.builder().key("environment").value("production").build(),
                        Tag.builder().key("Name").value(ScenarioAws.unique("prod-vpc")).build()).build())).vpc().vpcId();
        bucket = ScenarioAws.unique("portcullis-scenario-flow-logs");
        aws.s3().createBucket(r -> r.bucket(bucket));
        flowLogId = aws.ec2().createFlowLogs(r -> r.resourceIds(vpcId).resourceType(FlowLogsResourceType.VPC)
                .trafficType(TrafficType.ALL).logDestinationType(LogDestinationType.S3)
                .logDestination("arn:aws:s3:::" + bucket)).flowLogIds().get(0);
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        if (sample.isConfig()) {
            SampleEvent.aimVerdict(event, vpcId);
            return event;
        }
        JsonNode request = event.path("detail").path("requestParameters");
        // Recorded as DeleteFlowLogsRequest.FlowLogId {content, tag} (one or a list) since 2024, flowLogId[] before.
        for (JsonNode ids : java.util.List.of(request.path("DeleteFlowLogsRequest").path("FlowLogId"),
                request.path("flowLogId"), request.path("flowLogIds"))) {
            String sampleId = ids.isArray() ? ids.path(0).path("content").asText(ids.path(0).asText(""))
                    : ids.path("content").asText("");
            SampleEvent.replaceText(request, sampleId, flowLogId);
        }
        return event;
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        SampleEvent aimed = new SampleEvent(null, event);
        if (aimed.isConfig() && !aimed.nonCompliant()) {
            return event;
        }
        aws.ec2().deleteFlowLogs(r -> r.flowLogIds(flowLogId));
        return event;
    }

    /** {@code {"vpc", "flowLogs": [{"traffic", "destinationType", "destination", "status"}]}} (ids are renewed by a fix). */
    @Override
    public ObjectNode read() {
        ObjectNode out = Json.mapper().createObjectNode().put("vpc", vpcId);
        ArrayNode logs = out.putArray("flowLogs");
        aws.ec2().describeFlowLogs(r -> r.filter(f -> f.name("resource-id").values(vpcId))).flowLogs().stream()
                .sorted(Comparator.comparing(f -> f.logDestination() == null ? "" : f.logDestination()))
                .forEach(f -> logs.addObject().put("traffic", f.trafficTypeAsString())
                        .put("destinationType", f.logDestinationTypeAsString())
                        .put("destination", f.logDestination()).put("status", f.flowLogStatus()));
        return out;
    }
}
