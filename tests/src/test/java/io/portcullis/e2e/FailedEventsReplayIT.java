package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.cli.PortcullisCli;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.network.IngressRule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Failure destinations, end to end: an event the detector cannot process (its incidents table is gone) is retried as
 * Lambda retries an asynchronous invocation and then lands in the failed-events queue; {@code ./portcullis replay}
 * re-drives it after the fix, deleting only what now succeeds.
 */
class FailedEventsReplayIT {

    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";

    final LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
    final String queue = p.runtime.deployment().failedEventsQueueUrl();

    /** {@code ./portcullis replay --queue <this deployment's queue>}: exit code and what it printed. */
    record Run(int exit, String out) {
    }

    Run replay() {
        return replay("replay", "--queue", queue);
    }

    Run replay(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new PortcullisCli());
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString());
    }

    List<Message> waiting() {
        return p.runtime.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(0))
                .messages();
    }

    int depth() {
        var attributes = p.runtime.sqs().getQueueAttributes(r -> r.queueUrl(queue).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Test
    void anEventThatFailedWaitsInTheQueueAndReplayProcessesItOnceAfterTheFix() throws Exception {
        ObjectNode event = p.applied(CONSOLE_SSH);
        String eventId = event.path("detail").path("eventID").asText();
        p.runtime.dynamoDb().deleteTable(r -> r.tableName(p.runtime.deployment().incidentsTable()));

        Optional<JsonNode> answer = p.runtime.deliverEvent(Json.mapper().writeValueAsBytes(event));

        assertThat(answer).isEmpty();
        assertThat(waiting()).singleElement().satisfies(m -> {
            JsonNode record = Json.mapper().readTree(m.body());
            assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
            assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(3);
            assertThat(record.path("requestPayload").path("detail").path("eventID").asText()).isEqualTo(eventId);
            assertThat(record.path("responsePayload").path("errorType").asText()).contains("ResourceNotFoundException");
        });

        Run beforeTheFix = replay();

        assertThat(beforeTheFix.exit()).isEqualTo(1);
        assertThat(beforeTheFix.out()).contains("event " + eventId + "  kept: still failing: ResourceNotFoundException")
                .contains("Replayed 0 events; 1 kept");
        assertThat(depth()).isEqualTo(1);

        p.runtime.deployment().recreateIncidentsTable(p.root.resolve("template.yaml"), p.runtime.dynamoDb());
        Run afterTheFix = replay();
        Run again = replay();

        assertThat(afterTheFix.exit()).isZero();
        assertThat(afterTheFix.out()).contains("event " + eventId + "  incident-opened inc-" + eventId + " (P1 auto)")
                .contains("Replayed 1 event; 0 kept");
        assertThat(depth()).isZero();
        assertThat(again.out()).contains("Replayed 0 events; 0 kept");
        assertThat(p.incidentRows()).hasSize(1);
        p.runtime.runPlaybook("inc-" + eventId);
        assertThat(p.runtime.incident("inc-" + eventId).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(p.liveRules()).extracting(IngressRule::ruleId).containsExactly(p.sandbox.harmlessRuleId());
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isEqualTo(1);
    }

    @Test
    void eventBridgesOwnDeadLettersReplayTooAndWhatIsNotAGoodEventIsKeptWithItsReason() throws Exception {
        ObjectNode event = p.applied(CONSOLE_SSH);
        String eventId = event.path("detail").path("eventID").asText();
        String malformed = Files.readString(p.root.resolve("events/invalid/cloudtrail-bad-cidr.json"));
        // EventBridge's dead letter is the event itself.
        for (String body : List.of(event.toString(), malformed, "not an event at all")) {
            p.runtime.sqs().sendMessage(r -> r.queueUrl(queue).messageBody(body));
        }

        // Without --queue: the newest deployment's queue, this test's (the ITs run one at a time).
        Run run = replay("replay");

        assertThat(run.out()).contains("Replaying " + queue + " through the detector");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("event " + eventId + "  incident-opened inc-" + eventId)
                .contains("event 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a10  kept: refused:").contains("has an octet above 255")
                .containsPattern("message \\S+  kept: holds no EventBridge event")
                .contains("Replayed 1 event; 2 kept");
        assertThat(depth()).isEqualTo(2);
        assertThat(p.incidentRows()).hasSize(1);
    }

    @Test
    void aMalformedEventIsRefusedWithItsReasonNotFailedSoItNeverLandsInTheQueue() throws Exception {
        byte[] truncated = Files.readAllBytes(p.root.resolve("events/invalid/truncated-json.json"));

        Optional<JsonNode> answer = p.runtime.deliverEvent(truncated);

        assertThat(answer).hasValueSatisfying(a -> {
            assertThat(a.path("outcome").asText()).isEqualTo("refused");
            assertThat(a.path("reason").asText()).contains("not valid JSON");
        });
        assertThat(depth()).isZero();
    }
}
