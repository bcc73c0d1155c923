package io.portcullis.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import java.time.Instant;

/**
 * A resource's security-relevant configuration as Portcullis' inventory sweep last read it, and since when it has
 * been so (the first sweep that saw it in this form).
 *
 * <p>The configuration's shape depends on the resource type (documented where each kind is read, in
 * {@link InventorySource}'s implementations), e.g. for a VPC flow log {@code {"flowLogId": "fl-…", "resourceId":
 * "vpc-…", "resourceType": "VPC", "trafficType": "ALL", "logDestinationType": "s3", "logDestination":
 * "arn:aws:s3:::…", "logGroupName": null, "deliverLogsPermissionArn": null, "logFormat": "…",
 * "maxAggregationInterval": 600, "tags": {}}}.
 *
 * @param resource      what it is the configuration of
 * @param configuration the configuration, as read
 * @param since         when a sweep first saw it in this form (it may have been so earlier)
 */
public record KnownConfiguration(ResourceRef resource, JsonNode configuration, Instant since) {
}
