package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.cloudtrail.model.Trail;
import software.amazon.awssdk.services.cloudtrail.model.TrailNotFoundException;

/**
 * The account's CloudTrail trails as a whole, judged by AWS Config: {@code cloudtrail-enabled} (no trail logging) or
 * {@code multi-region-cloudtrail-enabled} (no multi-region trail logging). Before the change the account has a
 * logging, multi-region trail made for the run, which the deployment's inventory sweep records. The change makes the
 * verdict true in the emulator: for {@code cloudtrail-enabled} that trail is deleted (the inventory knew it; it is
 * gone) and every other trail of the region stops logging; for {@code multi-region-cloudtrail-enabled} it and every
 * other multi-region trail of the region become single-region. The other trails belong to the whole account, so
 * {@link #close} puts them back.
 */
final class AccountTrailsScenario implements Scenario {

    static final String NO_TRAIL = "cloudtrail-enabled";
    static final String NO_MULTI_REGION_TRAIL = "multi-region-cloudtrail-enabled";
    static final Set<String> RULES = Set.of(NO_TRAIL, NO_MULTI_REGION_TRAIL);

    private final ScenarioAws aws;
    private String name;
    private String bucket;
    private final List<String> stopped = new ArrayList<>();
    private final List<String> narrowed = new ArrayList<>();

    AccountTrailsScenario(ScenarioAws aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "the CloudTrail trails of account " + aws.account() + " in " + aws.region() + " (trail " + name
                + " logging to bucket " + bucket + " before the change)";
    }

    @Override
    public boolean accountWide() {
        return true;
    }

    @Override
    public void createBefore(SampleEvent sample) {
        name = ScenarioAws.unique("org-trail");
        bucket = ScenarioAws.unique("portcullis-scenario-trail-logs");
        aws.cloudTrailS3().createBucket(r -> r.bucket(bucket));
        aws.cloudTrail().createTrail(r -> r.name(name).s3BucketName(bucket).isMultiRegionTrail(true)
                .includeGlobalServiceEvents(true).enableLogFileValidation(true));
        aws.cloudTrail().startLogging(r -> r.name(name));
        aws.cloudTrail().putEventSelectors(r -> r.trailName(name).eventSelectors(EventSelector.builder()
                .readWriteType(ReadWriteType.ALL).includeManagementEvents(true).build()));
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        aimAtAccount(event, aws.account());
        return event;
    }

    /** A Config verdict about an account, aimed at {@code account}. */
    static void aimAtAccount(ObjectNode event, String account) {
        event.put("account", account);
        ((ObjectNode) event.path("detail")).put("awsAccountId", account);
        SampleEvent.aimVerdict(event, account);
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        SampleEvent aimed = new SampleEvent(null, event);
        if (!aimed.nonCompliant()) {
            return event;
        }
        if (aimed.eventName().equals(NO_TRAIL)) {
            aws.cloudTrail().deleteTrail(r -> r.name(name));
            for (Trail t : otherTrails()) {
                if (logging(t)) {
                    aws.cloudTrail().stopLogging(r -> r.name(t.name()));
                    stopped.add(t.name());
                }
            }
        } else {
            aws.cloudTrail().updateTrail(r -> r.name(name).isMultiRegionTrail(false));
            for (Trail t : otherTrails()) {
                if (Boolean.TRUE.equals(t.isMultiRegionTrail())) {
                    aws.cloudTrail().updateTrail(r -> r.name(t.name()).isMultiRegionTrail(false));
                    narrowed.add(t.name());
                }
            }
        }
        return event;
    }

    /**
     * {@code {"trail": {"name", "exists", "logging", "multiRegion"}, "trailsLogging": n, "multiRegionTrailsLogging": n}}:
     * the run's trail, and what Config counts in the region.
     */
    @Override
    public ObjectNode read() {
        ObjectNode out = Json.mapper().createObjectNode();
        ObjectNode trail = out.putObject("trail").put("name", name);
        try {
            Trail t = aws.cloudTrail().getTrail(r -> r.name(name)).trail();
            trail.put("exists", true).put("logging", logging(t))
                    .put("multiRegion", Boolean.TRUE.equals(t.isMultiRegionTrail()));
        } catch (TrailNotFoundException e) {
            trail.put("exists", false);
        }
        List<Trail> all = trails();
        out.put("trailsLogging", all.stream().filter(this::logging).count());
        out.put("multiRegionTrailsLogging", all.stream()
                .filter(t -> Boolean.TRUE.equals(t.isMultiRegionTrail()) && logging(t)).count());
        return out;
    }

    @Override
    public void close() {
        stopped.forEach(n -> aws.cloudTrail().startLogging(r -> r.name(n)));
        narrowed.forEach(n -> aws.cloudTrail().updateTrail(r -> r.name(n).isMultiRegionTrail(true)));
    }

    /** The region's own trails (not other regions' multi-region trails shadowed here). */
    private List<Trail> trails() {
        return aws.cloudTrail().describeTrails(r -> r.includeShadowTrails(false)).trailList().stream()
                .filter(t -> t.homeRegion() == null || t.homeRegion().equals(aws.region())).toList();
    }

    private List<Trail> otherTrails() {
        return trails().stream().filter(t -> !t.name().equals(name)).toList();
    }

    private boolean logging(Trail t) {
        return Boolean.TRUE.equals(aws.cloudTrail().getTrailStatus(r -> r.name(t.trailARN())).isLogging());
    }
}
