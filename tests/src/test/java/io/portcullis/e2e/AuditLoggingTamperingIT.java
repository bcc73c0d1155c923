package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.DataResource;
import software.amazon.awssdk.services.cloudtrail.model.EventSelector;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Tampering with audit logging, end to end: the events/ samples of StopLogging, DeleteTrail and PutEventSelectors,
 * aimed at a real trail in the emulator, judged by the real detector against the shipped protocol (P1, automatic) and
 * handled by the audit-logging playbook's state machine: started again, handed to a person, recorded again.
 */
class AuditLoggingTamperingIT {

    final LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
    final CloudTrailClient cloudTrail = p.setup.cloudTrail(Region.US_EAST_1);
    final String trail = "org-trail-" + UUID.randomUUID().toString().substring(0, 8);
    final String trailArn;

    AuditLoggingTamperingIT() {
        String bucket = "portcullis-trail-logs-" + UUID.randomUUID().toString().substring(0, 8);
        // The trail's bucket lives in the S3 that CloudTrail checks: the one serving CloudTrail (moto, also when
        // LocalStack serves S3, whose free edition has no CloudTrail).
        io.portcullis.aws.AwsConnection.emulator(p.setup.endpointFor("CLOUDTRAIL").orElseThrow(), p.setup.region().id())
                .s3(Region.US_EAST_1).createBucket(b -> b.bucket(bucket));
        trailArn = cloudTrail.createTrail(t -> t.name(trail).s3BucketName(bucket)).trailARN();
        cloudTrail.startLogging(s -> s.name(trail));
    }

    /** The sample with a fresh event id, naming this test's trail. */
    ObjectNode sample(String file) {
        ObjectNode event = EventReplay.retarget(EventReplay.load(p.root.resolve("events").resolve(file)), "unused");
        ((ObjectNode) event.path("detail").path("requestParameters")).put("name", trailArn);
        return event;
    }

    @Test
    void stopLoggingIsP1AndTheTrailIsLoggingAgainWithinThePlaybook() {
        cloudTrail.stopLogging(s -> s.name(trail));

        JsonNode answer = p.detect(sample("cloudtrail/cloudtrail-stop-logging-cli.json"));
        String incidentId = answer.path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(answer.path("outcome").asText()).isEqualTo("incident-opened");
        assertThat(answer.path("priority").asText()).isEqualTo("P1");
        assertThat(answer.path("response").asText()).isEqualTo("auto");
        assertThat(execution.arn()).contains(":portcullis-audit-logging-");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.states()).containsSubsequence("Snapshot", "StartLogging", "Verify", "NotifyContained",
                "Resolve").doesNotContain("AwaitApproval", "MarkFailed");
        assertThat(cloudTrail.getTrailStatus(s -> s.name(trail)).isLogging()).isTrue();
        assertThat(p.calls.count("StartLogging")).isEqualTo(1);
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.priority()).isEqualTo(Priority.P1);
        assertThat(incident.response()).isEqualTo(Response.AUTO);
        assertThat(incident.decision().rowName()).isEqualTo("audit logging stopped, deleted or emptied");
        assertThat(incident.findings()).singleElement().satisfies(f -> assertThat(f.ruleId()).isEqualTo("audit-trail-stopped"));
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(incident.remediatedAt()).isNotNull();
        assertThat(incident.verifiedAt()).isNotNull();
    }

    @Test
    void deleteTrailIsP1AndGoesToAPersonInSlackAndPagedNotFailed() throws Exception {
        cloudTrail.deleteTrail(d -> d.name(trail));

        JsonNode answer = p.detect(sample("cloudtrail/cloudtrail-delete-trail-cli.json"));
        String incidentId = answer.path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(answer.path("priority").asText()).isEqualTo("P1");
        assertThat(answer.path("response").asText()).isEqualTo("auto");
        assertThat(answer.path("playbookStarted").asBoolean()).isTrue();
        assertThat(execution.arn()).contains(":portcullis-audit-logging-");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.states()).containsSubsequence("Snapshot", "StartLogging", "RestoreTrailSettings",
                "RestoreEventSelectors", "RecreateFlowLog", "Verify", "Resolve").doesNotContain("MarkFailed");
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.findings()).singleElement().satisfies(f -> assertThat(f.ruleId()).isEqualTo("audit-trail-deleted"));
        assertThat(incident.status()).as("in front of a person").isEqualTo(IncidentStatus.ESCALATED);
        assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.detail()).startsWith("Escalated to a person")
                .contains("Trail " + trail).contains("no longer exists").contains("Portcullis does not recreate trails"));
        // No inventory is deployed yet: the person is told where the configuration can be found instead.
        assertThat(p.runtime.slack().messages()).anySatisfy(m -> assertThat(m.text()).contains("Portcullis alert")
                .contains("A person must act on " + trail).contains("no record of its configuration"));
        List<Message> pages = p.runtime.sqs().receiveMessage(r -> r.queueUrl(p.runtime.deployment().alertQueueUrl())
                .maxNumberOfMessages(10)).messages();
        assertThat(pages).singleElement().satisfies(m -> {
            JsonNode page = Json.mapper().readTree(m.body());
            assertThat(page.path("alert").asText()).isEqualTo("needs-person");
            assertThat(page.path("incidentId").asText()).isEqualTo(incidentId);
        });
        assertThat(p.calls.count("StartLogging")).isZero();
    }

    @Test
    void managementEventsDroppedAreP1AndRecordedAgainWithUndoInSlack() {
        cloudTrail.putEventSelectors(s -> s.trailName(trail).eventSelectors(EventSelector.builder().readWriteType("All")
                .includeManagementEvents(false).dataResources(DataResource.builder().type("AWS::S3::Object")
                        .values("arn:aws:s3").build()).build()));
        ObjectNode event = sample("cloudtrail/cloudtrail-put-event-selectors-no-management-cli.json");
        ((ObjectNode) event.path("detail").path("requestParameters")).put("trailName", trailArn);

        JsonNode answer = p.detect(event);
        String incidentId = answer.path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(answer.path("priority").asText()).isEqualTo("P1");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.states()).containsSubsequence("RestoreEventSelectors", "Verify", "NotifyContained",
                "Resolve").doesNotContain("MarkFailed");
        List<EventSelector> now = cloudTrail.getEventSelectors(g -> g.trailName(trail)).eventSelectors();
        assertThat(now).hasSize(2);
        assertThat(now.get(0).includeManagementEvents()).as("the data selector kept").isFalse();
        assertThat(now.get(1).includeManagementEvents()).isTrue();
        assertThat(now.get(1).readWriteTypeAsString()).isEqualTo("All");
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(incident.verifiedAt()).isNotNull();
        assertThat(incident.fixes()).singleElement().satisfies(f -> assertThat(f.action())
                .isEqualTo("restore-event-selectors"));
        assertThat(p.runtime.slack().messages()).anySatisfy(m -> assertThat(m.block("actions", "undo:").isMissingNode())
                .isFalse());
        assertThat(p.calls.count("PutEventSelectors")).isEqualTo(1);
    }
}
