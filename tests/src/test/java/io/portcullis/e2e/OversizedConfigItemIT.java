package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.EventReplay;
import io.portcullis.protocol.Priority;
import java.io.ByteArrayOutputStream;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** An oversized AWS Config item: the event points to S3, the detector fetches the item and judges it. */
class OversizedConfigItemIT {

    @Test
    void theDetectorFetchesTheItemFromS3AndJudgesIt() throws Exception {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode full = EventReplay.load(p.root.resolve("events/config/config-item-security-group-ssh-world.json"));
        ObjectNode oversized = EventReplay.load(p.root.resolve("events/config/config-item-oversized.json"));
        String bucket = "portcullis-config-" + UUID.randomUUID().toString().substring(0, 8);
        String location = oversized.path("detail").path("s3DeliverySummary").path("s3BucketLocation").asText();
        String key = location.substring(location.indexOf('/') + 1);
        ((ObjectNode) oversized.path("detail").path("s3DeliverySummary")).put("s3BucketLocation", bucket + "/" + key);
        ObjectNode message = (ObjectNode) full.path("detail").deepCopy();
        ((ObjectNode) message.path("configurationItem")).put("configurationStateId", System.nanoTime());
        S3Client s3 = p.runtimeS3(Region.US_EAST_1);
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(o -> o.bucket(bucket).key(key), RequestBody.fromBytes(gzip(Json.mapper().writeValueAsBytes(message))));

        JsonNode answer = p.detect(oversized);

        assertThat(answer.path("outcome").asText()).isEqualTo("incident-opened");
        Incident incident = p.runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.findings()).singleElement().satisfies(f ->
                assertThat(f.ruleId()).isEqualTo("sg-ingress-sensitive-port-public"));
        assertThat(incident.priority()).isEqualTo(Priority.P2);
        assertThat(p.calls.count("GetObject")).isEqualTo(1);
    }

    @Test
    void anItemThatCannotBeFetchedIsRefusedWithItsLocation() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode oversized = EventReplay.load(p.root.resolve("events/config/config-item-oversized.json"));

        JsonNode answer = p.detect(oversized);

        assertThat(answer.path("outcome").asText()).isEqualTo("refused");
        assertThat(answer.path("reason").asText()).contains("oversized").contains("example-config-bucket/AWSLogs/");
        assertThat(p.incidentRows()).isEmpty();
    }

    /**
     * Anyone who may write to the delivery bucket could put an object there as large as the detector's memory and
     * point an oversized-item event at it: an uncompressed item past the cap is refused, naming the object and its
     * size, and not read.
     */
    @Test
    void anUncompressedItemLargerThanTheCapIsRefusedWithItsLocationAndSize() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode oversized = EventReplay.load(p.root.resolve("events/config/config-item-oversized.json"));
        String bucket = "portcullis-config-" + UUID.randomUUID().toString().substring(0, 8);
        String location = oversized.path("detail").path("s3DeliverySummary").path("s3BucketLocation").asText();
        String key = location.substring(location.indexOf('/') + 1);
        ((ObjectNode) oversized.path("detail").path("s3DeliverySummary")).put("s3BucketLocation", bucket + "/" + key);
        S3Client s3 = p.runtimeS3(Region.US_EAST_1);
        s3.createBucket(b -> b.bucket(bucket));
        byte[] huge = new byte[16 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        s3.putObject(o -> o.bucket(bucket).key(key), RequestBody.fromBytes(huge));

        JsonNode answer = p.detect(oversized);

        assertThat(answer.path("outcome").asText()).isEqualTo("refused");
        assertThat(answer.path("reason").asText()).contains("s3://" + bucket + "/" + key)
                .contains("is " + huge.length + " bytes").contains("so it was not read");
        assertThat(p.incidentRows()).isEmpty();
    }

    static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }
}
