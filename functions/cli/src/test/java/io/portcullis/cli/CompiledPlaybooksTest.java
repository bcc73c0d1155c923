package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.playbook.Playbook;
import io.portcullis.playbook.PlaybookCompiler;
import io.portcullis.playbook.PlaybookStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state machines the template deploys are the compilation of the playbooks, and keep their promises. */
class CompiledPlaybooksTest {

    final Path playbooks = LocalRuntime.repositoryRoot().resolve("playbooks");

    @Test
    void theCompiledStateMachinesAreUpToDate() {
        assertThat(CompiledPlaybooks.sync(playbooks, false))
                .as("stale compiled playbooks: run ./portcullis compile and commit the result").isEmpty();
    }

    @Test
    void everyStepIsAStateOfItsNameAndEveryTaskRetriesTimesOutAndIsCaught() {
        for (Playbook playbook : Playbook.readAll(playbooks)) {
            JsonNode states = PlaybookCompiler.compile(playbook).path("States");
            for (PlaybookStep step : playbook.steps()) {
                assertThat(states.has(step.name())).as(playbook.name() + " has state " + step.name()).isTrue();
            }
            List<String> tasks = new ArrayList<>();
            states.properties().forEach(e -> {
                JsonNode s = e.getValue();
                if (!s.path("Type").asText().equals("Task")) {
                    return;
                }
                tasks.add(e.getKey());
                String what = playbook.name() + "." + e.getKey();
                assertThat(s.path("Retry").path(0).path("BackoffRate").asDouble()).as(what).isGreaterThan(1.0);
                assertThat(s.path("Retry").path(0).path("JitterStrategy").asText()).as(what).isEqualTo("FULL");
                assertThat(s.path("Catch").toString()).as(what).contains("States.ALL");
                if (s.path("Resource").asText().endsWith(".waitForTaskToken")) {
                    assertThat(s.has("TimeoutSeconds") || s.has("TimeoutSecondsPath")).as(what + " times out").isTrue();
                    assertThat(s.path("Parameters").path("MessageBody").path("taskToken.$").asText())
                            .isEqualTo("$$.Task.Token");
                }
            });
            assertThat(tasks).contains("MarkFailed", "MarkFailed.Alert");
        }
    }

    @Test
    void theApprovalGateTimesOutIntoTheProtocolsActionAndARejectionHasItsOwnPath() {
        Playbook sg = Playbook.readAll(playbooks).stream().filter(p -> p.name().equals("security-group-ingress"))
                .findFirst().orElseThrow();
        JsonNode states = PlaybookCompiler.compile(sg).path("States");
        JsonNode gate = states.path("AwaitApproval");
        assertThat(gate.path("Resource").asText()).isEqualTo("arn:aws:states:::sqs:sendMessage.waitForTaskToken");
        assertThat(gate.path("TimeoutSecondsPath").asText()).isEqualTo("$.approval.timeoutSeconds");
        assertThat(gate.path("Catch").toString()).contains("Portcullis.Rejected").contains("States.Timeout");
        assertThat(states.path("AwaitApproval.OnTimeout").path("Choices").toString())
                .contains("remediate").contains("abort");
        assertThat(states.path("AwaitApproval.When").path("Choices").toString()).contains("approval");
        assertThat(states.path("WaitForLowTide.Sleep").path("SecondsPath").asText()).isEqualTo("$.window.seconds");
        assertThat(Json.mapper().valueToTree(states).toString()).doesNotContain("JSONata");
    }
}
