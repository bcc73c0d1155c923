package io.portcullis.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ResourceRef;
import io.portcullis.detection.DetectChange;
import io.portcullis.detection.DetectionResult;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.incident.AppliedFix;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.testing.InMemoryLastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Protocol;
import io.portcullis.rule.RuleSet;
import io.portcullis.safeguard.Pager;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryApprovals;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import io.portcullis.testing.RecordingNotifier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Audit-logging incidents no action can close, in the worker: AWS Config's "the account has no trail logging" goes to
 * a person once, with the trail the inventory last saw and how to recreate it; and a fix that puts right only part of
 * a finding is recorded (with its Undo) before the rest goes to a person.
 */
class AccountTrailActionsTest {

    final InMemoryIncidentStore incidents = new InMemoryIncidentStore();
    final InMemoryLastKnownConfigurations inventory = new InMemoryLastKnownConfigurations();
    final RecordingNotifier slack = new RecordingNotifier();
    final List<Pager.Page> pages = new ArrayList<>();
    final Clock clock = Clock.fixed(Instant.parse("2026-11-25T05:00:00Z"), ZoneOffset.UTC);

    PlaybookWorker worker(ResourceActions... others) {
        InMemorySecurityGroups groups = new InMemorySecurityGroups();
        return new PlaybookWorker(incidents, new InMemoryApprovals(), slack, Directory.NONE,
                new SecurityGroupActions(groups, groups), List.of(others), clock, RemediationMode.ENFORCE,
                Set.of("U0LEAD"), () -> "apv-1").withPager(pages::add);
    }

    String detect(String sample) {
        DetectionResult opened = new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), new InMemorySecurityGroups(),
                io.portcullis.remediation.ResourceTags.NONE, incidents, (i, input) -> true, clock,
                RemediationMode.ENFORCE, Set.of()).handle(Fixtures.bytes(sample));
        return ((DetectionResult.Opened) opened).incident().incidentId();
    }

    /** The automatic path of playbooks/audit-logging.yaml. */
    void runAuditPlaybook(PlaybookWorker worker, String incidentId) {
        for (String[] s : new String[][] {{"Snapshot", "snapshot", null}, {"StartLogging", "remediate", "start-logging"},
                {"RestoreTrailSettings", "remediate", "restore-trail-settings"},
                {"RestoreEventSelectors", "remediate", "restore-event-selectors"},
                {"RecreateFlowLog", "remediate", "recreate-flow-log"}, {"Verify", "verify", null},
                {"Resolve", "resolve", null}}) {
            ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "t-" + s[0]).put("incidentId", incidentId)
                    .put("playbook", "audit-logging").put("step", s[0]).put("type", s[1]).put("dryRun", false);
            body.putObject("slack").put("channel", "C0ONCALL").put("ts", "1700000000.000001");
            if (s[2] != null) {
                body.put("action", s[2]).putObject("snapshot");
            }
            assertThat(worker.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow())).as(s[0])
                    .isInstanceOf(StepOutcome.Done.class);
        }
    }

    @Test
    void noTrailLoggingInTheAccountGoesToAPersonOnceWithTheTrailTheInventoryLastSaw() throws Exception {
        inventory.record(ResourceRef.trail("org-trail", "123456789012", "us-east-1"), Json.mapper().readTree("""
                {"name": "org-trail", "homeRegion": "us-east-1", "s3BucketName": "org-trail-logs",
                 "isMultiRegionTrail": true, "includeGlobalServiceEvents": true, "logFileValidationEnabled": true,
                 "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": true}]}"""),
                Instant.parse("2026-11-20T00:00:00Z"));
        String id = detect("config/config-compliance-cloudtrail-enabled-noncompliant.json");

        runAuditPlaybook(worker(new AccountTrailActions(inventory)), id);

        Incident incident = incidents.find(id).orElseThrow();
        assertThat(incident.priority()).isEqualTo(Priority.P1);
        assertThat(incident.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(slack.sent.stream().filter(m -> m.startsWith("alert:"))).singleElement().satisfies(m ->
                assertThat(m).contains("no CloudTrail trail logging in account 123456789012 (us-east-1)")
                        .contains("org-trail in us-east-1, logs to bucket org-trail-logs, multi-region")
                        .contains("aws cloudtrail start-logging --name org-trail")
                        .contains("aws cloudtrail create-trail --name org-trail --s3-bucket-name org-trail-logs"));
        assertThat(pages).singleElement().satisfies(p -> assertThat(p.kind()).isEqualTo(Pager.NEEDS_PERSON));
        assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.detail()).startsWith("Already in front of a person"));
    }

    @Test
    void withNoTrailEverSeenThePersonIsToldWhatToCreate() {
        String id = detect("config/config-compliance-cloudtrail-enabled-noncompliant.json");

        runAuditPlaybook(worker(new AccountTrailActions(inventory)), id);

        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("alert:")
                .contains("inventory has seen no trail there").contains("--is-multi-region-trail"));
        assertThat(incidents.find(id).orElseThrow().status()).isEqualTo(IncidentStatus.ESCALATED);
    }

    /** A trail's flags put back, its bucket unknown: the fix is recorded and undoable, and a person gets the rest. */
    @Test
    void aFixThatPutsRightOnlyPartIsRecordedWithItsUndoAndTheRestGoesToAPerson() {
        String id = detect("cloudtrail/cloudtrail-stop-logging-cli.json");
        ResourceActions partly = new ResourceActions() {
            @Override
            public boolean handles(Incident incident) {
                return incident.resource().type().equals(ResourceRef.TRAIL);
            }

            @Override
            public ObjectNode snapshot(Incident incident) {
                return Json.mapper().createObjectNode();
            }

            @Override
            public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
                return action != RemediationAction.START_LOGGING ? ActionResult.nothingToDo("not this one")
                        : ActionResult.changedAndNeedsPerson("Turned multi-region back on.",
                                Json.mapper().createObjectNode().put("before", false), "Point the bucket back.");
            }

            @Override
            public Optional<String> stillWrong(Incident incident) {
                return Optional.of("the bucket is still elsewhere");
            }

            @Override
            public ActionResult undo(RemediationAction action, Incident incident,
                                     com.fasterxml.jackson.databind.JsonNode undo) {
                return ActionResult.nothingToDo("n/a");
            }
        };

        runAuditPlaybook(worker(partly), id);

        Incident incident = incidents.find(id).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(incident.fixes()).extracting(AppliedFix::detail).containsExactly("Turned multi-region back on.");
        assertThat(incident.remediatedAt()).isNotNull();
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).isEqualTo("reply: Turned multi-region back on."));
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("alert: A person must act on")
                .endsWith("Point the bucket back."));
        assertThat(slack.sent).as("what was undone can be undone").anySatisfy(m -> assertThat(m).startsWith("undo apv-1"));
    }
}
