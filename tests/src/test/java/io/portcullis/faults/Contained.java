package io.portcullis.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.network.IngressRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** What a user sees when a P1 security-group change was contained, checked the same way by every fault test. */
final class Contained {

    /** The functions' SDK budget in these tests: the standard one, with a 2 s attempt timeout so stalls cost less. */
    static final AwsConnection.Retries BUDGET =
            AwsConnection.Retries.STANDARD.withAttemptTimeout(Duration.ofSeconds(2));
    static final int SDK_ATTEMPTS = BUDGET.maxAttempts();
    /** Longer than {@link #BUDGET}'s attempt timeout: the SDK gives up on the attempt. */
    static final Duration STALL = Duration.ofSeconds(3);
    /** Slow, but within the attempt timeout. */
    static final Duration SLOW = Duration.ofMillis(700);

    private Contained() {
    }

    /**
     * The group lost exactly the offending rules (and kept the harmless one), one revoke changed it, the playbook
     * succeeded once, the incident is RESOLVED and verified and names exactly what was revoked, no timeline entry is
     * there twice, and on-call was offered Undo once.
     */
    static Incident check(FaultyPortcullis p, String incidentId, List<String> offending, LocalRuntime.Execution run) {
        assertThat(run.status()).as("execution %s; faults %s", run.states(), p.proxy)
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.states()).containsSubsequence("RevokeOffendingIngress", "Verify", "Resolve", "Done")
                .doesNotContain("MarkFailed");
        assertThat(run.states().stream().filter("Resolve"::equals).count()).isEqualTo(1);
        assertThat(p.executions(incidentId)).as("one playbook execution").isEqualTo(1);
        assertThat(p.proxy.succeeded("StartExecution")).as("started once").isEqualTo(1);
        assertThat(p.incidentIds()).as("one incident").containsExactly(incidentId);

        assertThat(p.liveRuleIds()).containsExactly(p.sandbox.harmlessRuleId());
        assertThat(p.proxy.succeeded("RevokeSecurityGroupIngress")).as("revokes that changed the group").isEqualTo(1);

        Incident incident = p.incident(incidentId);
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(incident.remediatedAt()).isNotNull();
        assertThat(incident.verifiedAt()).isNotNull();
        assertThat(incident.revokedRules()).extracting(IngressRule::ruleId)
                .containsExactlyInAnyOrderElementsOf(offending);
        List<String> entries = incident.timeline().stream().map(t -> t.step() + "|" + t.actor() + "|" + t.detail())
                .toList();
        assertThat(entries).as("no step recorded twice").doesNotHaveDuplicates();

        assertThat(p.undoOffers(incidentId)).as("Undo offered once").hasSize(1);
        assertThat(p.alerts(incidentId)).isEmpty();
        p.report(incidentId);
        return incident;
    }

    /** How often the state machine retries a step that failed with Portcullis.Transient (from the compiled ASL). */
    static int stepRetries(LocalRuntime runtime) {
        try {
            JsonNode asl = Json.mapper().readTree(LocalRuntime.repositoryRoot()
                    .resolve(Path.of("playbooks", "asl", "security-group-ingress.asl.json")).toFile());
            for (JsonNode retrier : asl.path("States").path("RevokeOffendingIngress").path("Retry")) {
                for (JsonNode error : retrier.path("ErrorEquals")) {
                    if (error.asText().equals("Portcullis.Transient")) {
                        return retrier.path("MaxAttempts").asInt(3);
                    }
                }
            }
            throw new IllegalStateException("RevokeOffendingIngress does not retry Portcullis.Transient");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The execution's failed task attempts, as "error: cause". */
    static List<String> failedTasks(LocalRuntime.Execution run) {
        return run.history().stream().filter(h -> h.taskFailedEventDetails() != null)
                .map(h -> h.taskFailedEventDetails().error() + ": " + h.taskFailedEventDetails().cause())
                .collect(Collectors.toList());
    }
}
