package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.finding;
import static io.portcullis.e2e.actions.Emulated.incident;
import static io.portcullis.e2e.actions.Emulated.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.CloudTrailActions;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.testing.InMemoryLastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.AuditLoggingRule;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedEventSelector;
import software.amazon.awssdk.services.cloudtrail.model.AdvancedFieldSelector;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.cloudtrail.model.GetEventSelectorsResponse;
import software.amazon.awssdk.services.cloudtrail.model.Trail;

/**
 * The audit-logging playbook's CloudTrail actions against the emulator: start-logging; restore-trail-settings and
 * restore-event-selectors from the inventory's record of the trail (or, without one, the safe value and a person for
 * what cannot be guessed); each one's Undo and refusals; a deleted trail handed to a person with what to recreate.
 */
class CloudTrailActionsIT {

    /** When the inventory's sweep saw the trail, and when the change was made. */
    static final Instant SWEPT = Instant.now().minusSeconds(3600);
    static final Instant CHANGED = Instant.now().minusSeconds(60);

    final CloudTrailClient cloudTrail = AWS.cloudTrail(Region.US_EAST_1);
    final InMemoryLastKnownConfigurations inventory = new InMemoryLastKnownConfigurations();
    final CloudTrailActions actions = new CloudTrailActions(AWS::cloudTrail, inventory);
    final String trail = unique("org-trail");
    final String bucket = unique("portcullis-trail-logs");
    final String otherBucket = unique("exfil-logs");
    final ResourceRef ref = ResourceRef.trail(trail, ACCOUNT, "us-east-1");
    final Incident stopped = incident(ref, finding(AuditLoggingRule.ID_STOPPED, RuleFamily.AUDIT_LOGGING, ref, Map.of()));

    CloudTrailActionsIT() {
        // The trail's bucket must exist where CloudTrail is served: moto looks for it in its own S3, and the
        // LocalStack run keeps CloudTrail (which LocalStack's free edition lacks) on moto, S3 on LocalStack.
        var s3 = AwsConnection.emulator(AWS.endpointFor("CLOUDTRAIL").orElseThrow(), AWS.region().id()).s3(Region.US_EAST_1);
        s3.createBucket(b -> b.bucket(bucket));
        s3.createBucket(b -> b.bucket(otherBucket));
        cloudTrail.createTrail(t -> t.name(trail).s3BucketName(bucket).isMultiRegionTrail(true)
                .includeGlobalServiceEvents(true).enableLogFileValidation(true));
    }

    boolean logging() {
        return cloudTrail.getTrailStatus(s -> s.name(trail)).isLogging();
    }

    Trail live() {
        return cloudTrail.getTrail(g -> g.name(trail)).trail();
    }

    /** The trail as the sweep saw it before the change, in the inventory's shape. */
    void sweepSaw(String selectors) throws Exception {
        ObjectNode config = (ObjectNode) Json.mapper().readTree("""
                {"name": "%s", "trailArn": "%s", "homeRegion": "us-east-1", "s3BucketName": "%s", "s3KeyPrefix": null,
                 "includeGlobalServiceEvents": true, "isMultiRegionTrail": true, "logFileValidationEnabled": true,
                 "kmsKeyId": null, "cloudWatchLogsLogGroupArn": null, "isOrganizationTrail": false, "isLogging": true}"""
                .formatted(trail, ref.arn(), bucket));
        config.setAll((ObjectNode) Json.mapper().readTree(selectors));
        inventory.record(ref, config, SWEPT);
    }

    Incident incidentOf(String eventName, Finding... findings) {
        Incident i = incident(ref, findings);
        return new Incident(i.incidentId(), 1, i.status(), i.mode(), i.sourceEventId(), eventName, CHANGED, null, null,
                ref, "production", i.findings(), i.priority(), i.response(), null, i.detectedAt(), null, null, null,
                null, null, null, java.util.List.of(), null, java.util.List.of(), java.util.List.of(),
                java.util.List.of(), 1, null);
    }

    Finding narrowed() {
        return finding(AuditLoggingRule.ID_NARROWED, RuleFamily.AUDIT_LOGGING, ref, Map.of("isMultiRegionTrail", "false"));
    }

    Finding redirected() {
        return finding(AuditLoggingRule.ID_DESTINATION_CHANGED, RuleFamily.AUDIT_LOGGING, ref,
                Map.of("s3BucketName", otherBucket));
    }

    // --- start-logging ----------------------------------------------------------------------------------------

    @Test
    void startsAStoppedTrailOnceAndUndoStopsItAgain() {
        cloudTrail.startLogging(s -> s.name(trail));
        cloudTrail.stopLogging(s -> s.name(trail));
        ObjectNode snapshot = actions.snapshot(stopped);
        assertThat(snapshot.path("isLogging").asBoolean(true)).isFalse();
        assertThat(actions.stillWrong(stopped)).hasValue("Trail " + trail + " is not logging.");

        assertThat(actions.apply(RemediationAction.START_LOGGING, stopped, snapshot, true).kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(logging()).isFalse();

        var result = actions.apply(RemediationAction.START_LOGGING, stopped, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(logging()).isTrue();
        assertThat(actions.stillWrong(stopped)).isEmpty();
        assertThat(actions.apply(RemediationAction.START_LOGGING, stopped, snapshot, false).kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(actions.undo(RemediationAction.START_LOGGING, stopped, result.undo()).kind()).isEqualTo(Kind.CHANGED);
        assertThat(logging()).isFalse();
    }

    // --- a deleted trail ---------------------------------------------------------------------------------------

    @Test
    void aDeletedTrailGoesToAPersonWithExactlyWhatToRecreate() throws Exception {
        sweepSaw("""
                {"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true}]}""");
        Incident deleted = incidentOf("DeleteTrail", finding(AuditLoggingRule.ID_DELETED, RuleFamily.AUDIT_LOGGING, ref,
                Map.of()));
        ObjectNode snapshot = actions.snapshot(deleted);
        cloudTrail.deleteTrail(d -> d.name(trail));

        ActionResult result = actions.apply(RemediationAction.START_LOGGING, deleted, snapshot, false);
        ActionResult settings = actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS,
                withStatus(deleted, io.portcullis.incident.IncidentStatus.ESCALATED), snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.NEEDS_PERSON);
        assertThat(result.detail()).contains("Trail " + trail + " (" + ref.arn() + ") no longer exists")
                .contains("Portcullis does not recreate trails")
                .contains("aws cloudtrail create-trail --name " + trail + " --s3-bucket-name " + bucket
                        + " --region us-east-1 --is-multi-region-trail --include-global-service-events"
                        + " --enable-log-file-validation")
                .contains("put-event-selectors --trail-name " + trail + " --event-selectors '[{\"ReadWriteType\":\"All\"")
                .contains("aws cloudtrail start-logging --name " + trail);
        assertThat(settings.kind()).as("said once").isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(actions.stillWrong(deleted)).hasValue("Trail " + trail + " no longer exists.");
    }

    @Test
    void aDeletedTrailWithoutARecordIsStillAPersonsWithWhereToLook() {
        Incident deleted = incidentOf("DeleteTrail", finding(AuditLoggingRule.ID_DELETED, RuleFamily.AUDIT_LOGGING, ref,
                Map.of()));
        cloudTrail.deleteTrail(d -> d.name(trail));

        ActionResult result = actions.apply(RemediationAction.START_LOGGING, deleted, Json.mapper().createObjectNode(),
                false);

        assertThat(result.kind()).isEqualTo(Kind.NEEDS_PERSON);
        assertThat(result.detail()).contains("no record of its configuration")
                .contains("AWS::CloudTrail::Trail").contains("event selectors");
    }

    static Incident withStatus(Incident i, io.portcullis.incident.IncidentStatus status) {
        return new Incident(i.incidentId(), 1, status, i.mode(), i.sourceEventId(), i.eventName(), i.eventTime(), null,
                null, i.resource(), "production", i.findings(), i.priority(), i.response(), null, i.detectedAt(), null,
                null, null, null, null, null, java.util.List.of(), null, java.util.List.of(), java.util.List.of(),
                java.util.List.of(), 1, null);
    }

    // --- restore-trail-settings --------------------------------------------------------------------------------

    @Test
    void aNarrowedTrailIsMadeMultiRegionAgainAsTheInventorySawItAndUndoNarrowsItAgain() throws Exception {
        sweepSaw("{}");
        cloudTrail.updateTrail(u -> u.name(trail).isMultiRegionTrail(false));
        Incident incident = incidentOf("UpdateTrail", narrowed());
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("multi-region"));

        ActionResult dry = actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, null, true);
        assertThat(dry.kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(live().isMultiRegionTrail()).isFalse();

        ActionResult fixed = actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, null, false);

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(fixed.detail()).contains("multi-region (false → true) on trail " + trail + ", as the inventory saw it");
        assertThat(live().isMultiRegionTrail()).isTrue();
        assertThat(live().s3BucketName()).as("nothing else touched").isEqualTo(bucket);
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, null, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);

        ActionResult undone = actions.undo(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, fixed.undo());
        assertThat(undone.kind()).isEqualTo(Kind.CHANGED);
        assertThat(live().isMultiRegionTrail()).isFalse();
        assertThat(actions.undo(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, fixed.undo()).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void withoutARecordTheFlagsTheFindingsNameGoBackOn() {
        cloudTrail.updateTrail(u -> u.name(trail).enableLogFileValidation(false));
        Incident incident = incidentOf("UpdateTrail", finding(AuditLoggingRule.ID_VALIDATION_OFF,
                RuleFamily.AUDIT_LOGGING, ref, Map.of("enableLogFileValidation", "false")));

        ActionResult fixed = actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, null, false);

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(fixed.detail()).contains("log file validation (false → true)").contains("no record of the trail");
        assertThat(live().logFileValidationEnabled()).isTrue();
    }

    @Test
    void logsSentToAnotherBucketGoBackToTheRecordedBucketAndUndoRefusesOnceTheBucketMovedAgain() throws Exception {
        sweepSaw("{}");
        cloudTrail.updateTrail(u -> u.name(trail).s3BucketName(otherBucket));
        Incident incident = incidentOf("UpdateTrail", redirected());

        ActionResult fixed = actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, null, false);

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(live().s3BucketName()).isEqualTo(bucket);
        assertThat(actions.stillWrong(incident)).isEmpty();

        String third = unique("someone-elses");
        cloudTrail.updateTrail(u -> u.name(trail).s3BucketName(third));
        ActionResult undo = actions.undo(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, fixed.undo());
        assertThat(undo.kind()).isEqualTo(Kind.REFUSED);
        assertThat(undo.detail()).contains("log bucket").contains(third);
        assertThat(live().s3BucketName()).isEqualTo(third);
    }

    @Test
    void aBucketNoRecordNamesGoesToAPersonAndABucketChangedAgainIsRefused() {
        cloudTrail.updateTrail(u -> u.name(trail).s3BucketName(otherBucket));
        Incident incident = incidentOf("UpdateTrail", redirected());

        ActionResult unknown = actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, null, false);
        String third = unique("someone-elses");
        cloudTrail.updateTrail(u -> u.name(trail).s3BucketName(third));
        ActionResult moved = actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, null, false);

        assertThat(unknown.kind()).isEqualTo(Kind.NEEDS_PERSON);
        assertThat(unknown.detail()).contains("now delivers its logs to bucket " + otherBucket)
                .contains("no record of where they went before").contains("--s3-bucket-name <log-archive bucket>");
        assertThat(moved.kind()).isEqualTo(Kind.REFUSED);
        assertThat(moved.detail()).contains("changed again since the change was judged");
        assertThat(live().s3BucketName()).isEqualTo(third);
    }

    @Test
    void narrowedAndRedirectedWithoutARecordTurnsTheFlagBackOnAndAsksAPersonForTheBucket() {
        cloudTrail.updateTrail(u -> u.name(trail).isMultiRegionTrail(false).s3BucketName(otherBucket));
        Incident incident = incidentOf("UpdateTrail", narrowed(), redirected());

        ActionResult result = actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, null, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.forPerson()).contains("bucket " + otherBucket);
        assertThat(live().isMultiRegionTrail()).isTrue();
        assertThat(live().s3BucketName()).isEqualTo(otherBucket);
        assertThat(result.undo().path("after").toString()).isEqualTo("{\"isMultiRegionTrail\":true}");
    }

    // --- restore-event-selectors -------------------------------------------------------------------------------

    static EventSelector dataOnly() {
        return EventSelector.builder().readWriteType("All").includeManagementEvents(false)
                .dataResources(DataResource.builder().type("AWS::S3::Object").values("arn:aws:s3").build()).build();
    }

    static AdvancedEventSelector advanced(String name, String category) {
        return AdvancedEventSelector.builder().name(name).fieldSelectors(AdvancedFieldSelector.builder()
                .field("eventCategory").equalsValue(category).build()).build();
    }

    Incident emptied() {
        return incidentOf("PutEventSelectors", finding(AuditLoggingRule.ID_EMPTIED, RuleFamily.AUDIT_LOGGING, ref,
                Map.of("includeManagementEvents", "false")));
    }

    GetEventSelectorsResponse selectors() {
        return cloudTrail.getEventSelectors(g -> g.trailName(trail));
    }

    @Test
    void basicSelectorsGoBackAsTheInventorySawThemAndUndoPutsBackWhatTheFixReplaced() throws Exception {
        sweepSaw("""
                {"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true,
                  "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}],
                 "advancedEventSelectors": null}""");
        cloudTrail.putEventSelectors(p -> p.trailName(trail).eventSelectors(dataOnly()));
        Incident incident = emptied();
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("no management write"));

        ActionResult fixed = actions.apply(RemediationAction.RESTORE_EVENT_SELECTORS, incident, snapshot, false);

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(selectors().eventSelectors()).singleElement().satisfies(s -> {
            assertThat(s.includeManagementEvents()).isTrue();
            assertThat(s.dataResources()).singleElement().satisfies(d -> assertThat(d.type()).isEqualTo("AWS::S3::Object"));
        });
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.RESTORE_EVENT_SELECTORS, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);

        assertThat(actions.undo(RemediationAction.RESTORE_EVENT_SELECTORS, incident, fixed.undo()).kind())
                .isEqualTo(Kind.CHANGED);
        assertThat(selectors().eventSelectors()).singleElement()
                .satisfies(s -> assertThat(s.includeManagementEvents()).isFalse());
    }

    @Test
    void advancedSelectorsGoBackInTheirOwnForm() throws Exception {
        sweepSaw("""
                {"eventSelectors": null, "advancedEventSelectors": [
                  {"name": "Management", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]},
                  {"name": "Data", "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]}]}]}""");
        cloudTrail.putEventSelectors(p -> p.trailName(trail).advancedEventSelectors(advanced("Data", "Data")));
        Incident incident = emptied();

        ActionResult fixed = actions.apply(RemediationAction.RESTORE_EVENT_SELECTORS, incident, actions.snapshot(incident),
                false);

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(selectors().advancedEventSelectors()).extracting(AdvancedEventSelector::name)
                .containsExactly("Management", "Data");
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.undo(RemediationAction.RESTORE_EVENT_SELECTORS, incident, fixed.undo()).kind())
                .isEqualTo(Kind.CHANGED);
        assertThat(selectors().advancedEventSelectors()).extracting(AdvancedEventSelector::name).containsExactly("Data");
    }

    @Test
    void withoutARecordTheDataSelectorsStayAndOneForManagementEventsIsAddedInTheTrailsForm() {
        cloudTrail.putEventSelectors(p -> p.trailName(trail).eventSelectors(dataOnly()));
        Incident incident = emptied();

        ActionResult basic = actions.apply(RemediationAction.RESTORE_EVENT_SELECTORS, incident, actions.snapshot(incident),
                false);

        assertThat(basic.kind()).isEqualTo(Kind.CHANGED);
        assertThat(basic.detail()).startsWith("Added a selector that records every management event");
        assertThat(selectors().eventSelectors()).hasSize(2).first()
                .satisfies(s -> assertThat(s.includeManagementEvents()).isFalse());
        assertThat(selectors().eventSelectors().get(1).includeManagementEvents()).isTrue();

        cloudTrail.putEventSelectors(p -> p.trailName(trail).advancedEventSelectors(advanced("Data", "Data")));
        ActionResult advanced = actions.apply(RemediationAction.RESTORE_EVENT_SELECTORS, incident,
                actions.snapshot(incident), false);

        assertThat(advanced.kind()).isEqualTo(Kind.CHANGED);
        assertThat(selectors().advancedEventSelectors()).extracting(AdvancedEventSelector::name)
                .containsExactly("Data", "Management events (restored by Portcullis)");
        assertThat(actions.stillWrong(incident)).isEmpty();
    }

    @Test
    void selectorsChangedAgainAfterTheSnapshotAreRefusedAndUndoRefusesOnceTheyChangedSinceTheFix() throws Exception {
        sweepSaw("""
                {"eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true}]}""");
        cloudTrail.putEventSelectors(p -> p.trailName(trail).eventSelectors(dataOnly()));
        Incident incident = emptied();
        ObjectNode snapshot = actions.snapshot(incident);
        cloudTrail.putEventSelectors(p -> p.trailName(trail).eventSelectors(EventSelector.builder()
                .readWriteType("ReadOnly").includeManagementEvents(true).build()));

        ActionResult refused = actions.apply(RemediationAction.RESTORE_EVENT_SELECTORS, incident, snapshot, false);

        assertThat(refused.kind()).isEqualTo(Kind.REFUSED);
        assertThat(selectors().eventSelectors()).singleElement()
                .satisfies(s -> assertThat(s.readWriteTypeAsString()).isEqualTo("ReadOnly"));

        ActionResult fixed = actions.apply(RemediationAction.RESTORE_EVENT_SELECTORS, incident,
                actions.snapshot(incident), false);
        cloudTrail.putEventSelectors(p -> p.trailName(trail).eventSelectors(dataOnly(), EventSelector.builder()
                .readWriteType("All").includeManagementEvents(true).build()));
        ActionResult undo = actions.undo(RemediationAction.RESTORE_EVENT_SELECTORS, incident, fixed.undo());

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(undo.kind()).isEqualTo(Kind.REFUSED);
        assertThat(selectors().eventSelectors()).hasSize(2);
    }

    @Test
    void actionsOfOtherFindingsLeaveTheTrailAlone() {
        Incident incident = incidentOf("StopLogging", finding(AuditLoggingRule.ID_STOPPED, RuleFamily.AUDIT_LOGGING, ref,
                Map.of()));
        Trail before = live();

        assertThat(actions.apply(RemediationAction.RESTORE_TRAIL_SETTINGS, incident, null, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(actions.apply(RemediationAction.RESTORE_EVENT_SELECTORS, incident, null, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(actions.apply(RemediationAction.RECREATE_FLOW_LOG, incident, null, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(live()).isEqualTo(before);
    }
}
