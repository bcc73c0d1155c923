package io.portcullis.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.inventory.InventorySource;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.FlowLog;

/**
 * The VPC flow logs of one region, read with {@code DescribeFlowLogs} (paginated), each recorded under
 * {@link ResourceRef#flowLog} as what {@code CreateFlowLogs} needs to create it again:
 *
 * <pre>
 * {"flowLogId": "fl-…", "resourceId": "vpc-…", "resourceType": "VPC", "trafficType": "ALL",
 *  "logDestinationType": "s3", "logDestination": "arn:aws:s3:::…", "logGroupName": null,
 *  "deliverLogsPermissionArn": null, "logFormat": "${version} …", "maxAggregationInterval": 600,
 *  "tags": {"team": "network"}}
 * </pre>
 *
 * <p>{@code DescribeFlowLogs} does not say what kind of resource a flow log watches; {@code resourceType} is read
 * from the resource id's prefix in {@code CreateFlowLogs}' terms ({@code VPC}, {@code Subnet},
 * {@code NetworkInterface}, {@code TransitGateway}, {@code TransitGatewayAttachment}; null for an unknown prefix).
 * A field AWS leaves out is null. Delivery status is left out: it changes without anyone changing the flow log.
 */
public final class Ec2FlowLogInventory implements InventorySource {

    private final Supplier<Ec2Client> ec2;
    private final String account;
    private final String region;
    private final Clock clock;

    /** @param ec2 a client in {@code region} */
    public Ec2FlowLogInventory(Supplier<Ec2Client> ec2, String account, String region, Clock clock) {
        this.ec2 = new Lazy<>(ec2);
        this.account = account;
        this.region = region;
        this.clock = clock;
    }

    @Override
    public List<KnownConfiguration> readAll() {
        List<KnownConfiguration> out = new ArrayList<>();
        ec2.get().describeFlowLogsPaginator(r -> r.maxResults(1000)).flowLogs().forEach(f -> out.add(
                new KnownConfiguration(ResourceRef.flowLog(f.flowLogId(), account, region), configuration(f),
                        clock.instant())));
        return out;
    }

    static ObjectNode configuration(FlowLog f) {
        ObjectNode c = Json.mapper().createObjectNode();
        c.put("flowLogId", f.flowLogId());
        c.put("resourceId", f.resourceId());
        c.put("resourceType", resourceType(f.resourceId()));
        c.put("trafficType", f.trafficTypeAsString());
        c.put("logDestinationType", f.logDestinationTypeAsString());
        c.put("logDestination", f.logDestination());
        c.put("logGroupName", f.logGroupName());
        c.put("deliverLogsPermissionArn", f.deliverLogsPermissionArn());
        c.put("logFormat", f.logFormat());
        c.put("maxAggregationInterval", f.maxAggregationInterval());
        Map<String, String> tags = new TreeMap<>();
        f.tags().forEach(t -> tags.put(t.key(), t.value()));
        ObjectNode tagNode = c.putObject("tags");
        tags.forEach(tagNode::put);
        return c;
    }

    /** {@code CreateFlowLogs}' ResourceType for a resource id, by its prefix. */
    static String resourceType(String resourceId) {
        if (resourceId == null) {
            return null;
        }
        if (resourceId.startsWith("vpc-")) {
            return "VPC";
        }
        if (resourceId.startsWith("subnet-")) {
            return "Subnet";
        }
        if (resourceId.startsWith("eni-")) {
            return "NetworkInterface";
        }
        if (resourceId.startsWith("tgw-attach-")) {
            return "TransitGatewayAttachment";
        }
        return resourceId.startsWith("tgw-") ? "TransitGateway" : null;
    }
}
