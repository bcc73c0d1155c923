package io.portcullis.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.inventory.InventorySource;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.cloudtrail.model.TrailNotFoundException;

/**
 * The CloudTrail trails that log this region: {@code DescribeTrails} there (its own trails and the shadows of
 * multi-region trails made elsewhere), then per trail {@code GetEventSelectors} and {@code GetTrailStatus} in the
 * trail's home region. Each trail is recorded once, under {@link ResourceRef#trail} with its ARN and home region, as
 *
 * <pre>
 * {"name", "trailArn", "homeRegion", "s3BucketName", "s3KeyPrefix", "snsTopicName", "includeGlobalServiceEvents",
 *  "isMultiRegionTrail", "logFileValidationEnabled", "cloudWatchLogsLogGroupArn", "cloudWatchLogsRoleArn", "kmsKeyId",
 *  "isOrganizationTrail", "isLogging",
 *  "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true,
 *                      "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::bucket/"]}],
 *                      "excludeManagementEventSources": []}],
 *  "advancedEventSelectors": null}
 * </pre>
 *
 * <p>A trail has basic or advanced selectors: the other list is null ({@code eventSelectors} is null exactly when
 * advanced ones are in use). In an advanced field selector a condition AWS leaves out ({@code equals},
 * {@code startsWith}, {@code endsWith}, {@code notEquals}, {@code notStartsWith}, {@code notEndsWith}) is null.
 * A field AWS leaves out is null.
 *
 * <p>An organization trail seen from a member account belongs to the management account and is swept there; a
 * trail deleted, or whose selectors cannot be read, between the two calls is left out with a WARN.
 */
public final class CloudTrailInventory implements InventorySource {

    private static final Logger LOG = LoggerFactory.getLogger(CloudTrailInventory.class);

    private final Function<Region, CloudTrailClient> factory;
    private final Map<String, CloudTrailClient> clients = new ConcurrentHashMap<>();
    private final String account;
    private final String region;
    private final Clock clock;

    /** @param cloudTrail a CloudTrail client for a region; called once per region */
    public CloudTrailInventory(Function<Region, CloudTrailClient> cloudTrail, String account, String region,
                               Clock clock) {
        this.factory = cloudTrail;
        this.account = account;
        this.region = region;
        this.clock = clock;
    }

    private CloudTrailClient client(String inRegion) {
        return clients.computeIfAbsent(inRegion, r -> factory.apply(Region.of(r)));
    }

    @Override
    public List<KnownConfiguration> readAll() {
        UnreadResources unread = new UnreadResources("trails");
        List<KnownConfiguration> out = new ArrayList<>();
        for (Trail trail : client(region).describeTrails(r -> r.includeShadowTrails(true)).trailList()) {
            String arn = trail.trailARN();
            String owner = arn.split(":", 6)[4];
            if (!owner.equals(account)) {
                LOG.debug("Inventory of trails: {} belongs to account {}, whose own sweep records it", arn, owner);
                continue;
            }
            String home = trail.homeRegion() == null ? region : trail.homeRegion();
            CloudTrailClient inHome = client(home);
            GetEventSelectorsResponse selectors;
            boolean logging;
            try {
                selectors = inHome.getEventSelectors(r -> r.trailName(arn));
                logging = Boolean.TRUE.equals(inHome.getTrailStatus(r -> r.name(arn)).isLogging());
            } catch (TrailNotFoundException e) {
                unread.skip(arn, "deleted during the sweep");
                continue;
            } catch (AwsServiceException e) {
                unread.skip(arn, UnreadResources.why(e));
                continue;
            }
            out.add(new KnownConfiguration(ResourceRef.trail(arn, account, home),
                    configuration(trail, selectors, logging), clock.instant()));
        }
        unread.finish();
        return out;
    }

    static ObjectNode configuration(Trail t, GetEventSelectorsResponse selectors, boolean logging) {
        ObjectNode c = Json.mapper().createObjectNode();
        c.put("name", t.name());
        c.put("trailArn", t.trailARN());
        c.put("homeRegion", t.homeRegion());
        c.put("s3BucketName", t.s3BucketName());
        c.put("s3KeyPrefix", t.s3KeyPrefix());
        c.put("snsTopicName", t.snsTopicName());
        c.put("includeGlobalServiceEvents", t.includeGlobalServiceEvents());
        c.put("isMultiRegionTrail", t.isMultiRegionTrail());
        c.put("logFileValidationEnabled", t.logFileValidationEnabled());
        c.put("cloudWatchLogsLogGroupArn", t.cloudWatchLogsLogGroupArn());
        c.put("cloudWatchLogsRoleArn", t.cloudWatchLogsRoleArn());
        c.put("kmsKeyId", t.kmsKeyId());
        c.put("isOrganizationTrail", t.isOrganizationTrail());
        c.put("isLogging", logging);
        boolean advanced = selectors.hasAdvancedEventSelectors() && !selectors.advancedEventSelectors().isEmpty();
        if (advanced) {
            c.putNull("eventSelectors");
            ArrayNode list = c.putArray("advancedEventSelectors");
            selectors.advancedEventSelectors().forEach(s -> list.add(advanced(s)));
        } else {
            ArrayNode list = c.putArray("eventSelectors");
            selectors.eventSelectors().forEach(s -> list.add(basic(s)));
            c.putNull("advancedEventSelectors");
        }
        return c;
    }

    private static ObjectNode basic(EventSelector s) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("readWriteType", s.readWriteTypeAsString());
        out.put("includeManagementEvents", s.includeManagementEvents());
        ArrayNode data = out.putArray("dataResources");
        s.dataResources().forEach(d -> {
            ObjectNode resource = data.addObject().put("type", d.type());
            ArrayNode values = resource.putArray("values");
            d.values().forEach(values::add);
        });
        ArrayNode excluded = out.putArray("excludeManagementEventSources");
        s.excludeManagementEventSources().forEach(excluded::add);
        return out;
    }

    private static ObjectNode advanced(AdvancedEventSelector s) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("name", s.name());
        ArrayNode fields = out.putArray("fieldSelectors");
        for (AdvancedFieldSelector f : s.fieldSelectors()) {
            ObjectNode field = fields.addObject().put("field", f.field());
            condition(field, "equals", f.hasEqualsValue(), f.equalsValue());
            condition(field, "startsWith", f.hasStartsWith(), f.startsWith());
            condition(field, "endsWith", f.hasEndsWith(), f.endsWith());
            condition(field, "notEquals", f.hasNotEquals(), f.notEquals());
            condition(field, "notStartsWith", f.hasNotStartsWith(), f.notStartsWith());
            condition(field, "notEndsWith", f.hasNotEndsWith(), f.notEndsWith());
        }
        return out;
    }

    private static void condition(ObjectNode field, String name, boolean present, List<String> values) {
        if (!present || values.isEmpty()) {
            field.putNull(name);
            return;
        }
        ArrayNode list = field.putArray(name);
        values.forEach(list::add);
    }
}
