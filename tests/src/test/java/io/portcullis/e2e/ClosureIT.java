package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.Emulator;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.ShiftableClock;
import io.portcullis.local.scenario.Closure;
import io.portcullis.local.scenario.RunOutcome;
import io.portcullis.local.scenario.SampleEvent;
import io.portcullis.local.scenario.Scenario;
import io.portcullis.local.scenario.ScenarioAws;
import io.portcullis.local.scenario.ScenarioRun;
import io.portcullis.local.scenario.Scenarios;
import io.portcullis.policy.PolicyFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The closure rule (SPEC "Closure"), enforced: every sample in {@code events/} whose expected verdict has a finding is
 * replayed end to end in the emulator — its resource created in the state before the change, the change made for
 * real, the real detector, the playbook's execution with the worker taking its steps, approval gates approved by a
 * signed Slack click of an on-call approver, a scheduled fix's low-tide window opening during the run — and must end
 * fixed and verified by re-reading the resource (and, for every fix that can be put back, undone by Undo as the fix's snapshot
 * had it), in front of a person (an ESCALATED incident with a Slack alert, and a page for P1/P2), or recorded (P4).
 * FAILED never passes here: the emulator does not fail.
 *
 * <p>The runs share one deployment (each on its own resource, with the blast-radius breaker's window emptied first:
 * these are independent changes, not a burst); a sample about an account-wide resource (the account's public access
 * block, the root user) gets its own deployment, since one deployment holds one open incident per problem.
 *
 * <p>README.md's closure matrix is this test's result; {@code ./portcullis closure-matrix} runs it with
 * {@code -Dportcullis.closure.rewrite=true} to write it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClosureIT {

    /** Samples with a finding offline that the detector ignores on purpose, and why. */
    static final Map<String, String> IGNORED_BY_DESIGN = Map.of(
            "cloudtrail/ec2-authorize-ssh-world-by-portcullis.json",
            "made by Portcullis' own role (its Undo); the detector never judges its own changes");

    static final String REWRITE = "portcullis.closure.rewrite";

    final Path root = LocalRuntime.repositoryRoot();
    final AwsConnection aws = Emulator.connection();
    final ShiftableClock workerClock = new ShiftableClock();
    final Map<String, Result> results = new LinkedHashMap<>();
    ScenarioAws sandbox;
    LocalRuntime shared;

    /** One sample's run: its verdict and its matrix row. */
    record Result(String sample, Closure.Verdict verdict, ClosureMatrix.Row row, RunOutcome outcome) {

        String message() {
            StringBuilder b = new StringBuilder(sample + ": " + verdict.outcome() + ": " + verdict.why());
            if (outcome != null && outcome.incident() != null) {
                b.append("\n  execution: ").append(outcome.execution() == null ? "none"
                        : outcome.execution().status() + " " + outcome.execution().states());
                b.append("\n  timeline:");
                outcome.incident().timeline().forEach(t -> b.append("\n    ").append(t.step()).append(" · ")
                        .append(t.actor()).append(": ").append(t.detail()));
                b.append("\n  slack: ").append(outcome.slack().stream().map(RunOutcome.SlackMessage::kind).toList());
                b.append("\n  state before ").append(outcome.before()).append("\n  after change ")
                        .append(outcome.after()).append("\n  at the end   ").append(outcome.end());
            }
            return b.toString();
        }
    }

    @BeforeAll
    void deploy() {
        sandbox = new ScenarioAws(aws);
        shared = LocalRuntime.deploy(root, aws, RemediationMode.ENFORCE, workerClock, Clock.systemUTC());
    }

    @AfterAll
    void close() {
        if (shared != null) {
            shared.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** Every sample whose expected verdict (events/verdicts.yaml) has at least one finding, in name order. */
    static List<String> samples() {
        JsonNode verdicts = PolicyFiles.read(LocalRuntime.repositoryRoot().resolve("events/verdicts.yaml"));
        List<String> out = new ArrayList<>();
        verdicts.properties().forEach(e -> {
            if (e.getValue().path("rules").isArray() && !e.getValue().path("rules").isEmpty()) {
                out.add(e.getKey());
            }
        });
        return out.stream().sorted().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    @Order(1)
    void endsFixedInFrontOfAPersonOrRecorded(String sample) {
        Result result = result(sample);

        assertThat(result.verdict().met()).as(result.message()).isTrue();
    }

    @Test
    @Order(2)
    void readmeShowsTheMatrixThisTestProduced() {
        String matrix = ClosureMatrix.markdown(samples().stream().map(s -> result(s).row()).toList());
        Path readme = root.resolve("README.md");
        if (Boolean.getBoolean(REWRITE)) {
            ClosureMatrix.rewrite(readme, matrix);
        }

        assertThat(ClosureMatrix.inReadme(readme)).as("README.md's closure matrix is not the one this test produced:"
                + " run `./portcullis closure-matrix` to regenerate it").isEqualTo(matrix);
    }

    private Result result(String sample) {
        return results.computeIfAbsent(sample, this::run);
    }

    private Result run(String sample) {
        SampleEvent event = SampleEvent.load(root.resolve("events").resolve(sample));
        String family = family(event);
        Scenario scenario;
        try {
            scenario = Scenarios.forSample(event, sandbox);
        } catch (IllegalArgumentException e) {
            Closure.Verdict v = new Closure.Verdict(false, "no scenario", e.getMessage());
            return new Result(sample, v, new ClosureMatrix.Row(family, event.change(), sample, "—", "—", "—", "—",
                    "no scenario"), null);
        }
        LocalRuntime runtime = scenario.accountWide()
                ? LocalRuntime.deploy(root, aws, RemediationMode.ENFORCE, workerClock, Clock.systemUTC()) : shared;
        try (scenario) {
            runtime.clearBreakerWindow();
            ScenarioRun run = new ScenarioRun(runtime, workerClock, root);
            ScenarioRun.Staged staged = run.stage(event, scenario);
            RunOutcome outcome = run.drive(staged, ScenarioRun.Decision.APPROVE, ScenarioRun.Undo.EVERY_FIX,
                    Duration.ofSeconds(120));
            Closure.Verdict verdict = IGNORED_BY_DESIGN.containsKey(sample) ? ignored(sample, outcome)
                    : Closure.judge(outcome, new Closure.Expectation(ScenarioRun.Decision.APPROVE, false));
            return new Result(sample, verdict, ClosureMatrix.Row.of(sample, family, outcome, verdict), outcome);
        } catch (RuntimeException e) {
            // Recorded, not thrown: the other samples still run, and the matrix says where this one stopped.
            Closure.Verdict v = new Closure.Verdict(false, "setup failed", e.toString());
            return new Result(sample, v, new ClosureMatrix.Row(family, event.change(), sample, "—", "—", "—", "—",
                    "setup failed"), null);
        } finally {
            if (runtime != shared) {
                runtime.close();
            }
        }
    }

    /** A sample the detector ignores by design must be ignored, for that reason, and open nothing. */
    private static Closure.Verdict ignored(String sample, RunOutcome outcome) {
        String reason = outcome.detector().path("reason").asText("");
        boolean asDesigned = outcome.incident() == null && outcome.detector().path("outcome").asText().equals("ignored")
                && reason.contains("Portcullis' own role");
        return new Closure.Verdict(asDesigned, asDesigned ? "ignored by design" : "not ignored",
                asDesigned ? IGNORED_BY_DESIGN.get(sample) : "expected the detector to ignore it ("
                        + IGNORED_BY_DESIGN.get(sample) + "), got " + outcome.detector());
    }

    /** The rule family a sample is about, for rows without an incident. */
    private static String family(SampleEvent event) {
        String type = event.configResourceType();
        return switch (event.source()) {
            case "ec2.amazonaws.com" -> event.eventName().equals("DeleteFlowLogs") ? "audit-logging" : "security-group";
            case "s3.amazonaws.com" -> "s3";
            case "iam.amazonaws.com" -> "iam";
            case "cloudtrail.amazonaws.com" -> "audit-logging";
            default -> type.equals("AWS::EC2::SecurityGroup") ? "security-group"
                    : type.equals("AWS::EC2::VPC") || event.eventName().contains("cloudtrail") ? "audit-logging"
                    : type.startsWith("AWS::S3::") ? "s3" : type.startsWith("AWS::IAM::") || type.equals("AWS::::Account")
                    ? "iam" : type.isEmpty() ? "?" : type;
        };
    }
}
