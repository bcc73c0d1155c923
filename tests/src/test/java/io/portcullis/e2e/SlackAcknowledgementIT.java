package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.aws.DynamoDbApprovalStore;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalSlack;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Slack shows a click as failed unless it is answered within 3 seconds. The decision (DynamoDB, Step Functions) is
 * made before the answer; the Slack message edit after it is not allowed to hold the answer up.
 */
class SlackAcknowledgementIT {

    static final String CLI_RDP = "cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json";

    @Test
    void aSlowChatUpdateDoesNotDelayTheAnswerToSlack() throws Exception {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        JsonNode answer = p.detect(p.applied(CLI_RDP));
        String incidentId = answer.path("incidentId").asText();
        assertThat(p.runtime.runPlaybook(incidentId).states()).endsWith("AwaitApproval");
        LocalSlack.Request ask = p.runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "approval:" + incidentId).isMissingNode()).findFirst().orElseThrow();
        String click = SlackClicks.click("U0ONCALL1", SlackClicks.button(ask, "approval:", "approve"), null);
        p.runtime.slack().slow("chat.update", Duration.ofSeconds(4));

        long started = System.nanoTime();
        int status = p.runtime.click(click, Instant.now()).getStatusCode();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(status).isEqualTo(200);
        assertThat(took).as("answered inside Slack's 3 s although chat.update takes 4").isLessThan(Duration.ofSeconds(3));
        assertThat(p.runtime.slack().updates()).as("the edit had not completed when Slack was answered").isEmpty();
        assertThat(new DynamoDbApprovalStore(p.runtime.dynamoDb(), p.runtime.deployment().approvalsTable(),
                Json.mapper()).ofIncident(incidentId).get(0).status()).as("the decision was made before the answer")
                .isEqualTo(ApprovalStatus.APPROVED);
        assertThat(p.calls.count("SendTaskSuccess")).isPositive();

        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (p.runtime.slack().updates().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(p.runtime.slack().updates()).as("the edit finished after the answer").hasSize(1);
    }
}
