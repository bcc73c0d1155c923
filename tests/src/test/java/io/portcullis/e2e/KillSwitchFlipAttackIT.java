package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Issue 14, blinding Portcullis: someone who may write the kill switch flips it to dry-run (or deletes it) so that
 * nothing is contained any more. The flip itself cannot be refused (the operator's switch must work without
 * Portcullis), but it is never silent: the CloudTrail event of the write pages on-call through the alert queue with
 * who made it, from where and when, and the detector logs it. A write to any other parameter pages nobody.
 */
class KillSwitchFlipAttackIT {

    static final String MALLORY = "arn:aws:sts::123456789012:assumed-role/Developer/dev-mallory";

    final io.portcullis.aws.AwsConnection aws = Emulator.connection();
    final software.amazon.awssdk.services.ssm.SsmClient ssm = aws.ssm();
    final LocalRuntime runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), aws, RemediationMode.ENFORCE);
    final String parameter = runtime.deployment().killSwitchParameter();
    private JsonLogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = new JsonLogCapture();
    }

    @AfterEach
    void stopCapturing() throws Exception {
        logs.close();
    }

    /** The sample CloudTrail event of the call, naming this deployment's parameter (or {@code name}), as new. */
    ObjectNode trailEvent(String sample, String name) {
        ObjectNode event = EventReplay.retarget(EventReplay.load(LocalRuntime.repositoryRoot().resolve("events")
                .resolve(sample)), null);
        ((ObjectNode) event.path("detail").path("requestParameters")).put("name", name);
        return event;
    }

    List<Message> alerts() {
        return runtime.sqs().receiveMessage(r -> r.queueUrl(runtime.deployment().alertQueueUrl())
                .maxNumberOfMessages(10)).messages();
    }

    @Test
    void flippingTheSwitchToDryRunPagesOnCallWithWhoDidIt() throws Exception {
        ssm.putParameter(r -> r.name(parameter).value("dry-run").overwrite(true));
        ObjectNode event = trailEvent("cloudtrail/ssm-put-parameter-kill-switch-cli.json", parameter);

        JsonNode answer = runtime.invokeDetector(event);

        assertThat(answer.path("outcome").asText()).isEqualTo("kill-switch-changed");
        assertThat(answer.path("actor").asText()).isEqualTo(MALLORY);
        assertThat(alerts()).singleElement().satisfies(m -> {
            JsonNode page = Json.mapper().readTree(m.body());
            assertThat(page.path("alert").asText()).isEqualTo("kill-switch-changed");
            assertThat(page.path("account").asText()).isEqualTo("123456789012");
            assertThat(Instant.parse(page.path("at").asText()))
                    .isEqualTo(Instant.parse(event.path("detail").path("eventTime").asText()));
            assertThat(page.path("text").asText()).contains("Kill switch " + parameter + " was overwritten by "
                    + MALLORY + " (AssumedRole, from 198.51.100.23)");
        });
        assertThat(logs.warnings()).anySatisfy(w -> assertThat(w).contains("Kill switch changed, on-call paged")
                .contains(MALLORY));
        assertThat(runtime.incidentIds()).noneMatch(id -> id.contains(event.path("detail").path("eventID").asText()));
    }

    @Test
    void deletingTheSwitchPagesOnCallWithWhoDidIt() throws Exception {
        ssm.deleteParameter(r -> r.name(parameter));

        JsonNode answer = runtime.invokeDetector(trailEvent("cloudtrail/ssm-delete-parameter-kill-switch-console.json",
                parameter));

        assertThat(answer.path("outcome").asText()).isEqualTo("kill-switch-changed");
        assertThat(alerts()).singleElement().satisfies(m -> assertThat(Json.mapper().readTree(m.body()).path("text")
                .asText()).contains("was deleted by arn:aws:iam::123456789012:user/ops-bob"));
    }

    @Test
    void aWriteToAnyOtherParameterPagesNobody() {
        String other = "/payments-" + UUID.randomUUID().toString().substring(0, 8) + "/feature-flag";
        ssm.putParameter(r -> r.name(other).value("on").type("String"));

        JsonNode answer = runtime.invokeDetector(trailEvent("cloudtrail/ssm-put-parameter-other-cli.json", other));

        assertThat(answer.path("outcome").asText()).isEqualTo("ignored");
        assertThat(alerts()).isEmpty();
    }
}
