package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.S3ReportStore;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IsoWeek;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.LocalLambdaContext;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import io.portcullis.report.function.ReportFunction;
import io.portcullis.report.function.WeeklyReportHandler;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
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
        // The second as the detector records it in an organisation, with its account's name and unit; the first as
        // recorded before it knew them.
        Incident second = p.runtime.incident(p2).orElseThrow();
        assertThat(p.runtime.incidents().replace(second.withAccount("payments-prod", "Root/Workloads")
                .noted(new TimelineEntry(Instant.now(), "test", "WeeklyReportIT", "named")), second.version()))
                .isTrue();
        String account = second.resource().account();
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
        // Per account and unit: both incidents under the name the newer one recorded.
        assertThat(figures.path("accounts")).singleElement().satisfies(a -> {
            assertThat(a.path("account").asText()).isEqualTo(account);
            assertThat(a.path("name").asText()).isEqualTo("payments-prod");
            assertThat(a.path("unit").asText()).isEqualTo("Root/Workloads");
            assertThat(a.path("measures").path("incidents").asInt()).isEqualTo(2);
            assertThat(a.path("measures").path("byPriority").path("P1").asInt()).isEqualTo(1);
            assertThat(a.path("measures").path("stillOpen").asInt()).isEqualTo(1);
        });
        assertThat(figures.path("units")).singleElement().satisfies(u -> {
            assertThat(u.path("unit").asText()).isEqualTo("Root/Workloads");
            assertThat(u.path("accounts").asInt()).isEqualTo(1);
            assertThat(u.path("measures").path("incidents").asInt()).isEqualTo(2);
        });
        String csv = s3.getObjectAsBytes(r -> r.bucket(bucket).key(S3ReportStore.key(week, "incidents.csv"))).asUtf8String();
        assertThat(csv.lines()).hasSize(3);
        assertThat(csv).contains(p1).contains(p2);
        assertThat(csv.lines().filter(l -> l.startsWith(p2))).singleElement()
                .satisfies(l -> assertThat(l).endsWith(",payments-prod,Root/Workloads"));
        assertThat(csv.lines().filter(l -> l.startsWith(p1))).singleElement()
                .satisfies(l -> assertThat(l).endsWith(",,"));

        LocalSlack.Request summary = p.runtime.slack().messages().stream()
                .filter(m -> m.text() != null && m.text().startsWith("Weekly remediation report " + week)).findFirst()
                .orElseThrow();
        String link = summary.block("actions", "").path("elements").get(0).path("url").asText();
        assertThat(link).contains(S3ReportStore.key(week, "report.html")).contains("X-Amz-Expires=604800");
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(week).contains("<svg").contains("<h2>By account</h2>")
                .contains("<td>payments-prod (" + account + ")</td><td>Root/Workloads</td>")
                .contains("<h2>By organizational unit</h2>");
        List<String> texts = new java.util.ArrayList<>();
        summary.blocks().forEach(b -> texts.add(b.path("text").path("text").asText()));
        assertThat(texts).anySatisfy(t -> assertThat(t).startsWith("Accounts, worst first:\n• payments-prod ("
                + account + "): 2 incidents (P1 1, P2 1)"));
    }

    @Test
    void aLinkSignedWithTemporaryCredentialsLastsOnlyAsLongAsTheyDoAndTheMessageSaysUntilWhen() throws Exception {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String week = IsoWeek.of(Instant.now());
        // The function's own credentials as Lambda hands them to a SnapStart function: a session that ends in 2 hours.
        Instant expiry = Instant.now().plus(Duration.ofHours(2));
        AwsConnection emulator = Emulator.connection();
        AwsConnection temporary = new AwsConnection(emulator.region(), emulator.endpoint(), emulator.serviceEndpoints(),
                StaticCredentialsProvider.create(AwsSessionCredentials.builder()
                        .accessKeyId(AwsConnection.EMULATOR_ACCOUNT).secretAccessKey("testing")
                        .sessionToken("fake-session-token").expirationTime(expiry).build()),
                emulator.interceptors(), emulator.retries());

        Map<String, Object> answer = new WeeklyReportHandler(ReportFunction.build(
                FunctionSettings.fromEnvironment(p.runtime.environment()), temporary, Clock.systemUTC()))
                .handleRequest(Map.of("week", week), new LocalLambdaContext("portcullis-weekly-report", 300, 1024));

        assertThat(answer).containsEntry("outcome", "published");
        LocalSlack.Request summary = p.runtime.slack().messages().stream()
                .filter(m -> m.text() != null && m.text().startsWith("Weekly remediation report " + week)).findFirst()
                .orElseThrow();
        JsonNode buttons = summary.block("actions", "").path("elements");
        String link = buttons.get(0).path("url").asText();
        Matcher signed = Pattern.compile("X-Amz-Date=(\\d{8}T\\d{6}Z).*X-Amz-Expires=(\\d+)").matcher(link);
        assertThat(signed.find()).as(link).isTrue();
        Instant signedAt = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX").parse(signed.group(1), Instant::from);
        long seconds = Long.parseLong(signed.group(2));
        assertThat(signedAt.plusSeconds(seconds)).as("the link never outlives the credentials that signed it")
                .isBeforeOrEqualTo(expiry).isAfter(expiry.minus(Duration.ofMinutes(1)));
        DateTimeFormatter minutes = DateTimeFormatter.ofPattern("EEE d MMM HH:mm 'UTC'", Locale.ENGLISH)
                .withZone(ZoneOffset.UTC);
        String label = buttons.get(0).path("text").path("text").asText();
        assertThat(label).isIn("Open the report (link valid until " + minutes.format(expiry) + ")",
                "Open the report (link valid until " + minutes.format(expiry.minusSeconds(1)) + ")");
        String until = label.substring("Open the report (link valid until ".length(), label.length() - 1);
        List<String> notes = new java.util.ArrayList<>();
        summary.blocks().forEach(b -> b.path("elements").forEach(e -> notes.add(e.path("text").asText())));
        assertThat(notes).anySatisfy(n -> assertThat(n).startsWith("The report link works until " + until
                + ", when the credentials that signed it expire"));
        assertThat(buttons.get(1).path("url").asText()).isEqualTo("https://console.aws.amazon.com/s3/object/"
                + p.runtime.deployment().reportsBucket() + "?region=us-east-1&bucketType=general&prefix=reports%2F"
                + week + "%2Freport.html");
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
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
