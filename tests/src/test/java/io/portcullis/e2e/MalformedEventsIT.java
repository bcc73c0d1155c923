package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.incident.RemediationMode;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed events: refused with a logged reason naming the event, no exception out of the handler, no change. */
class MalformedEventsIT {

    private JsonLogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = new JsonLogCapture();
    }

    @AfterEach
    void stopCapturing() throws Exception {
        logs.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        invalid/cloudtrail-missing-event-id.json  | EventBridge event 7f1c2d3e-0000-4000-8000-000000000008 | detail.eventID is missing
        invalid/cloudtrail-port-not-a-number.json | event 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a09              | needs integer fromPort and toPort
        invalid/cloudtrail-bad-cidr.json          | event 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a10              | has an octet above 255
        invalid/truncated-json.json               | an event that is not JSON                              | is not valid JSON
        """)
    void isRefusedWithAReasonAndNothingHappens(String sample, String eventRef, String reason) throws Exception {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        byte[] raw = Files.readAllBytes(p.root.resolve("events").resolve(sample));

        JsonNode[] answer = new JsonNode[1];
        assertThatCode(() -> answer[0] = p.runtime.invokeDetector(raw)).doesNotThrowAnyException();

        assertThat(answer[0].path("outcome").asText()).isEqualTo("refused");
        assertThat(answer[0].path("event").asText()).startsWith(eventRef);
        assertThat(answer[0].path("reason").asText()).contains(reason);
        assertThat(logs.warnings()).anySatisfy(w -> assertThat(w).startsWith("Refused " + eventRef).contains(reason)
                .contains("Kept for replay"));
        assertThat(p.runtime.runSteps()).isZero();
        assertThat(p.incidentRows()).isEmpty();
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isZero();
    }
}
