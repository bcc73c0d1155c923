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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        assertThat(gate.path("Parameters").path("MessageBody").path("onTimeout.$").asText())
                .isEqualTo("$.approval.onTimeout");
        assertThat(gate.path("Parameters").path("MessageBody").has("approverGroup")).as("no Slack ids").isFalse();
        assertThat(gate.path("Catch").toString()).contains("Portcullis.Rejected").contains("States.Timeout");
        assertThat(states.path("AwaitApproval.OnTimeout").path("Choices").toString())
                .contains("remediate").contains("abort");
        // A scheduled fix's gate gets its limit from the window it waits for, worked out just before it.
        assertThat(states.path("AwaitApproval.UntilWindow").path("ResultPath").asText()).isEqualTo("$.approval");
        assertThat(states.path("AwaitApproval.UntilWindow").path("Parameters").path("MessageBody").path("window")
                .path("timeZone").asText()).isEqualTo("Europe/London");
        assertThat(states.path("WaitForLowTide.Sleep").path("SecondsPath").asText()).isEqualTo("$.window.seconds");
        assertThat(Json.mapper().valueToTree(states).toString()).doesNotContain("JSONata");
    }

    /**
     * Every family's playbook takes the same path through gate, window and notices for each response the protocol
     * can give, and for each way a gate ends: the states it passes, leaving out its own remediate steps.
     */
    @ParameterizedTest(name = "{0} ({1}) → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            auto      | -        | Snapshot, Verify, NotifyContained, Resolve
            approval  | approved | Snapshot, NotifyOnCall, AwaitApproval, Verify, Resolve
            approval  | rejected | Snapshot, NotifyOnCall, AwaitApproval, AwaitApproval.Rejected
            approval  | escalate | Snapshot, NotifyOnCall, AwaitApproval, AwaitApproval.TimedOut, AwaitApproval.Escalate
            approval  | remediate| Snapshot, NotifyOnCall, AwaitApproval, AwaitApproval.TimedOut, Verify, Resolve
            scheduled | approved | Snapshot, NotifyOnCall, AwaitApproval.UntilWindow, AwaitApproval, WaitForLowTide, WaitForLowTide.Sleep, Verify, Resolve
            scheduled | escalate | Snapshot, NotifyOnCall, AwaitApproval.UntilWindow, AwaitApproval, AwaitApproval.TimedOut, AwaitApproval.Escalate
            scheduled | advance  | Snapshot, NotifyOnCall, AwaitApproval.UntilWindow, WaitForLowTide, WaitForLowTide.Sleep, Verify, Resolve
            """)
    void everyPlaybookGatesWaitsAndTimesOutAlike(String response, String gateEnds, String expected) {
        for (Playbook playbook : Playbook.readAll(playbooks)) {
            List<String> fixes = playbook.steps().stream().filter(s -> s.type().equals(PlaybookStep.REMEDIATE))
                    .map(PlaybookStep::name).toList();
            List<String> walked = walk(PlaybookCompiler.compile(playbook), response, gateEnds);

            assertThat(walked).as(playbook.name()).endsWith("Done");
            assertThat(walked.stream().filter(s -> !fixes.contains(s) && !s.equals("Done")).toList())
                    .as(playbook.name()).containsExactly(expected.split(", "));
            if (gateEnds.equals("rejected") || gateEnds.equals("escalate")) {
                assertThat(walked).as(playbook.name() + " changes nothing").doesNotContainAnyElementsOf(fixes);
            } else {
                assertThat(walked).as(playbook.name() + " runs every fix").containsSubsequence(fixes);
            }
        }
    }

    /**
     * The task and wait states an execution passes, with the Choice states decided on the input the detector
     * builds (response, the protocol row's timeout action, approved in advance) and the gate ending as told.
     */
    static List<String> walk(JsonNode machine, String response, String gateEnds) {
        JsonNode input = Json.mapper().createObjectNode().put("response", response).set("approval",
                Json.mapper().createObjectNode().put("onTimeout", gateEnds.equals("remediate") ? "remediate" : "escalate")
                        .put("inAdvance", gateEnds.equals("advance")));
        JsonNode states = machine.path("States");
        List<String> passed = new ArrayList<>();
        String at = machine.path("StartAt").asText();
        for (int hops = 0; hops < 100 && !at.equals("Done"); hops++) {
            JsonNode state = states.path(at);
            switch (state.path("Type").asText()) {
                case "Choice" -> {
                    String next = state.path("Default").asText();
                    for (JsonNode choice : state.path("Choices")) {
                        if (holds(choice, input)) {
                            next = choice.path("Next").asText();
                            break;
                        }
                    }
                    at = next;
                }
                case "Task", "Wait" -> {
                    passed.add(at);
                    String next = state.path("Next").asText();
                    if (at.equals("AwaitApproval") && !gateEnds.equals("approved") && !gateEnds.equals("advance")) {
                        String error = gateEnds.equals("rejected") ? "Portcullis.Rejected" : "States.Timeout";
                        for (JsonNode c : state.path("Catch")) {
                            if (c.path("ErrorEquals").get(0).asText().equals(error)) {
                                next = c.path("Next").asText();
                            }
                        }
                    }
                    at = next;
                }
                default -> throw new AssertionError("unexpected state " + at + " of type " + state.path("Type"));
            }
        }
        passed.add(at);
        return passed;
    }

    static boolean holds(JsonNode rule, JsonNode input) {
        if (rule.has("Or")) {
            for (JsonNode r : rule.path("Or")) {
                if (holds(r, input)) {
                    return true;
                }
            }
            return false;
        }
        JsonNode value = input.at(rule.path("Variable").asText().substring(1).replace('.', '/'));
        if (rule.has("StringEquals")) {
            return value.asText().equals(rule.path("StringEquals").asText());
        }
        if (rule.has("BooleanEquals")) {
            return value.isBoolean() && value.asBoolean() == rule.path("BooleanEquals").asBoolean();
        }
        throw new AssertionError("a choice rule this walk does not know: " + rule);
    }
}
