package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.S3ReportStore;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IsoWeek;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalLambdaContext;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The report function end to end in the emulator: incidents recorded by the real detector and playbooks, read back
 * through the incidents table's indexes, the three files written encrypted to the private reports bucket, a
 * presigned link that works, and the Slack summary.
 */
class WeeklyReportIT {

    @Test
    void theReportFunctionWritesTheWeeksFilesAndPostsASummaryWithAWorkingLink() throws Exception {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String p1 = p.detect(p.applied("cloudtrail/ec2-authorize-ssh-world-console.json")).path("incidentId").asText();
        p.runtime.runPlaybook(p1);
        String p2 = p.detect(p.applied("cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json")).path("incidentId").asText();
        p.runtime.runPlaybook(p2);
        String week = IsoWeek.of(Instant.now());

        Map<String, Object> answer = p.runtime.reportFunction(Clock.systemUTC())
                .handleRequest(Map.of("week", week), new LocalLambdaContext("portcullis-weekly-report", 300, 1024));

        assertThat(answer).containsEntry("outcome", "published").containsEntry("week", week).containsEntry("incidents", 2);
        String bucket = p.runtime.deployment().reportsBucket();
        S3Client s3 = p.setup.s3(Region.US_EAST_1);
        for (String name : List.of("report.html", "incidents.csv", "figures.json")) {
            var head = s3.headObject(r -> r.bucket(bucket).key(S3ReportStore.key(week, name)));
            assertThat(head.serverSideEncryption()).as(name).isEqualTo(ServerSideEncryption.AWS_KMS);
        }
        JsonNode figures = Json.mapper().readTree(s3.getObjectAsBytes(r -> r.bucket(bucket)
                .key(S3ReportStore.key(week, "figures.json"))).asByteArray());
        JsonNode thisWeek = figures.path("weeks").get(4);
        assertThat(thisWeek.path("byPriority").path("P1").asInt()).isEqualTo(1);
        assertThat(thisWeek.path("byPriority").path("P2").asInt()).isEqualTo(1);
        assertThat(figures.path("outcomes").path("automatic").asInt()).isEqualTo(1);
        assertThat(figures.path("stillOpen")).extracting(n -> n.path("incidentId").asText()).containsExactly(p2);
        String csv = s3.getObjectAsBytes(r -> r.bucket(bucket).key(S3ReportStore.key(week, "incidents.csv"))).asUtf8String();
        assertThat(csv.lines()).hasSize(3);
        assertThat(csv).contains(p1).contains(p2);

        LocalSlack.Request summary = p.runtime.slack().messages().stream()
                .filter(m -> m.text() != null && m.text().startsWith("Weekly remediation report " + week)).findFirst()
                .orElseThrow();
        String link = summary.block("actions", "").path("elements").get(0).path("url").asText();
        assertThat(link).contains(S3ReportStore.key(week, "report.html")).contains("X-Amz-Expires=604800");
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(week).contains("<svg");
    }

    @Test
    void incidentsAreReadThroughTheIndexesAndARepeatedEventAttachesToTheOpenIncident() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        var event = p.applied("cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json");
        String first = p.detect(event).path("incidentId").asText();
        // The same change made again (a Terraform re-apply, say): a new CloudTrail event, the same open problem.
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.path("detail")).put("eventID",
                java.util.UUID.randomUUID().toString());
        JsonNode again = p.detect(event);

        assertThat(again.path("outcome").asText()).isEqualTo("attached-to-open-incident");
        assertThat(again.path("incidentId").asText()).isEqualTo(first);
        assertThat(p.incidentRows()).hasSize(1);
        Incident incident = p.runtime.incident(first).orElseThrow();
        assertThat(incident.occurrences()).isEqualTo(2);
        assertThat(incident.timeline()).last().satisfies(t -> assertThat(t.step()).isEqualTo("repeated"));
        var store = p.runtime.incidents();
        assertThat(store.unfinished()).extracting(Incident::incidentId).contains(first);
        assertThat(store.forResource(incident.resourceKey())).extracting(Incident::incidentId).containsExactly(first);
        assertThat(store.detectedBetween(incident.detectedAt(), incident.detectedAt().plusSeconds(1)))
                .extracting(Incident::incidentId).containsExactly(first);
        assertThat(incident.status()).isEqualTo(IncidentStatus.OPEN);
    }
}
