package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Tampering with audit logging, end to end: the events/ samples of StopLogging and DeleteTrail, aimed at a real trail
 * in the emulator, judged by the real detector against the shipped protocol (P1, automatic) and handled by the
 * audit-logging playbook's state machine.
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
    void deleteTrailIsP1AndOnCallIsAlertedThatOnlyAPersonCanRecreateIt() {
        cloudTrail.deleteTrail(d -> d.name(trail));

        JsonNode answer = p.detect(sample("cloudtrail/cloudtrail-delete-trail-cli.json"));
        String incidentId = answer.path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(answer.path("priority").asText()).isEqualTo("P1");
        assertThat(answer.path("response").asText()).isEqualTo("auto");
        assertThat(answer.path("playbookStarted").asBoolean()).isTrue();
        assertThat(execution.arn()).contains(":portcullis-audit-logging-");
        assertThat(execution.states()).containsSubsequence("Snapshot", "StartLogging", "Verify", "MarkFailed");
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.findings()).singleElement().satisfies(f -> assertThat(f.ruleId()).isEqualTo("audit-trail-deleted"));
        assertThat(incident.status()).isEqualTo(IncidentStatus.FAILED);
        assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.detail()).startsWith("Verification failed")
                .contains("check trail " + trail + " by hand"));
        assertThat(p.runtime.slack().messages()).anySatisfy(m -> assertThat(m.text()).contains("Portcullis alert")
                .contains(incidentId));
        assertThat(p.calls.count("StartLogging")).isZero();
    }
}
