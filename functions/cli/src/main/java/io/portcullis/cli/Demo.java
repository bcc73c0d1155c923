package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.exception.Exceptions;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IsoWeek;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.FileReportStore;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.ShiftableClock;
import io.portcullis.local.scenario.Closure;
import io.portcullis.local.scenario.RunOutcome;
import io.portcullis.local.scenario.SampleEvent;
import io.portcullis.local.scenario.Scenario;
import io.portcullis.local.scenario.ScenarioAws;
import io.portcullis.local.scenario.ScenarioRun;
import io.portcullis.local.scenario.Scenarios;
import io.portcullis.protocol.Protocol;
import io.portcullis.report.PublishWeeklyReport;
import io.portcullis.rule.Finding;
import io.portcullis.slack.SlackNotifier;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The main job, on this machine: a sample change from {@code events/} (by default a console user opening SSH to the
 * world on a production security group) replayed against a sandbox resource of its kind in the emulator, judged by
 * the real detector, and followed through its playbook to where the protocol says it must end. The exit code says
 * whether it got there ({@link Closure}).
 */
final class Demo {

    static final String SAMPLE = "events/cloudtrail/ec2-authorize-ssh-world-console.json";

    /** What the user asked for on the command line. */
    record Options(RemediationMode mode, Path sample, ScenarioRun.Decision decision, boolean undo, boolean json) {
    }

    private final PrintStream out;

    Demo(PrintStream out) {
        this.out = out;
    }

    int run(Options options) {
        Path root = LocalRuntime.repositoryRoot();
        Path file = options.sample() != null ? options.sample() : root.resolve(SAMPLE);
        // The sample is read and its kind checked before anything is deployed: a bad file costs nothing.
        SampleEvent sample = SampleEvent.load(file);
        URI endpoint = Emulator.endpoint();
        AwsConnection aws = Emulator.connection();
        PrintStream stdout = System.out;
        if (options.json()) {
            // One JSON object on stdout and nothing else: the functions' own log lines go to stderr meanwhile.
            System.setOut(System.err);
        }
        ShiftableClock workerClock = new ShiftableClock();
        try (ScenarioAws sandbox = new ScenarioAws(aws); Scenario scenario = Scenarios.forSample(sample, sandbox);
             LocalRuntime runtime = LocalRuntime.deploy(root, aws, options.mode(), workerClock, Clock.systemUTC())) {
            ScenarioRun run = new ScenarioRun(runtime, workerClock, root);
            long started = System.nanoTime();
            ScenarioRun.Staged staged = run.stage(sample, scenario);
            RunOutcome outcome = run.drive(staged, options.decision(),
                    options.undo() ? ScenarioRun.Undo.YES : ScenarioRun.Undo.NO, Duration.ofSeconds(120));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            Closure.Verdict verdict = Closure.judge(outcome, new Closure.Expectation(options.decision(),
                    options.mode() == RemediationMode.DRY_RUN));
            if (options.json()) {
                stdout.println(Json.mapper().writeValueAsString(outcome.toJson(verdict)));
            } else {
                out.println();
                print(options, endpoint, aws, staged, outcome, verdict, took, runtime);
                report(root, runtime);
            }
            return verdict.met() ? 0 : 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            System.setOut(stdout);
        }
    }

    private void print(Options options, URI endpoint, AwsConnection aws, ScenarioRun.Staged staged, RunOutcome o,
                       Closure.Verdict verdict, Duration took, LocalRuntime runtime) {
        out.println("Portcullis demo · emulator " + endpoint + " · region " + aws.region().id() + " · mode "
                + options.mode().value());
        out.println();
        out.println("1. Sandbox: " + o.resource());
        out.println("   Before the change:");
        printState(o.before());
        out.println();
        JsonNode d = staged.event().path("detail");
        out.println("2. The change (" + o.sample() + ", aimed at the sandbox)");
        out.println("   " + staged.sample().describe() + " in account " + d.path("recipientAccountId")
                .asText(d.path("awsAccountId").asText("?")) + ", " + aws.region().id() + ", at "
                + staged.event().path("time").asText());
        Incident incident = o.incident();
        if (incident != null) {
            out.println("   by " + incident.actor().displayName() + " (" + incident.actor().principalArn() + "), MFA "
                    + (incident.actor().mfa() ? "yes" : "no") + ", from " + incident.actor().sourceIp() + ", origin "
                    + incident.origin().label());
        }
        if (staged.sample().failed()) {
            out.println("   The call failed (" + d.path("errorCode").asText() + "), so it was not made here either.");
        }
        out.println("   After the change:");
        printState(o.after());
        out.println();
        if (incident == null) {
            out.println("3. The detector opened no incident: " + o.detector());
            out.println();
            out.println("Closure: " + verdict.outcome() + ". " + verdict.why());
            return;
        }
        out.println("3. Finding");
        for (Finding f : incident.findings()) {
            out.println("   " + f.severity().label() + " · " + f.ruleId() + " · " + f.exposure().name().toLowerCase());
            out.println("   " + f.explanation());
        }
        out.println();
        out.println("4. Incident " + incident.incidentId());
        out.println("   " + incident.priority() + " · " + incident.response().label() + " · protocol row "
                + incident.decision().row() + " (" + incident.decision().rowName() + ")");
        out.println("   status " + incident.status() + " · mode " + incident.mode().value());
        out.println("   detected   " + orDash(incident.detectedAt()));
        out.println("   remediated " + orDash(incident.remediatedAt()));
        out.println("   verified   " + orDash(incident.verifiedAt()));
        out.println();
        out.println("5. " + (options.mode() == RemediationMode.DRY_RUN ? "Would have done (dry-run: nothing changed)"
                : "Actions taken"));
        if (o.actions().isEmpty()) {
            out.println("     (none)");
        }
        o.actions().forEach(a -> out.println("     " + pad(a.step(), 26) + a.detail()));
        o.clicks().forEach(c -> out.println("   Clicked " + c.button() + " in Slack as " + c.by() + ": HTTP " + c.status()));
        out.println();
        out.println("6. At the end" + (o.afterUndo() != null ? " (before Undo)" : ""));
        printState(o.end());
        if (o.afterUndo() != null) {
            out.println("   After Undo:");
            printState(o.afterUndo());
        }
        out.println();
        if (o.execution() != null) {
            out.println("Playbook execution (Step Functions, run by the emulator): " + o.execution().status());
            out.println("   " + String.join(" → ", o.execution().states()));
        } else {
            out.println("No playbook execution started.");
        }
        out.println();
        out.println("Slack (local stand-in for the Web API, channel " + LocalRuntime.SLACK_CHANNEL + ")");
        o.slack().forEach(m -> out.println("   " + pad(m.kind(), 12) + m.text()));
        o.pages().forEach(p -> out.println("   page        " + p.path("alert").asText() + ": " + p.path("text").asText()));
        out.println();
        out.println("Timeline");
        incident.timeline().forEach(t -> out.println("   " + t.at() + "  " + pad(t.step(), 14) + t.actor() + ": "
                + t.detail()));
        out.println();
        out.println("Event to " + incident.status().name().toLowerCase().replace('_', ' ') + " in " + took.toMillis()
                + " ms" + (o.execution() == null ? "" : " (" + o.execution().states().size() + " states)")
                + ". Incidents table: " + runtime.deployment().incidentsTable());
        out.println();
        out.println("Closure: " + verdict.outcome() + (verdict.met() ? "" : " — NOT what the protocol promises")
                + ". " + verdict.why());
        out.println();
    }

    /** The weekly report over what the demo replayed (this week so far), by the report function's own code. */
    private void report(Path root, LocalRuntime runtime) {
        PublishWeeklyReport report = new PublishWeeklyReport(runtime.incidents(),
                new FileReportStore(root.resolve(".portcullis/reports")),
                SlackNotifier.create(LocalRuntime.SLACK_BOT_TOKEN, LocalRuntime.SLACK_CHANNEL, runtime.slack().url()),
                Protocol.defaults().containWithin(), Exceptions.defaults().declared(), ZoneOffset.UTC, Clock.systemUTC());
        new Report(out).summary(report.publish(IsoWeek.of(Instant.now())), runtime.deployment().incidentsTable());
    }

    /** A state object, one field a line; a list one element a line. */
    private void printState(ObjectNode state) {
        for (Map.Entry<String, JsonNode> field : state.properties()) {
            JsonNode v = field.getValue();
            if (v.isArray() && !v.isEmpty()) {
                out.println("     " + field.getKey() + ":");
                v.forEach(e -> out.println("       " + element(e)));
            } else {
                out.println("     " + pad(field.getKey() + ":", 22) + (v.isTextual() ? v.asText()
                        : v.isArray() ? "(none)" : v.toString()));
            }
        }
    }

    /** A list element: text as it is, an object's values side by side ("tcp port 22 from 0.0.0.0/0 · SSH"). */
    private static String element(JsonNode e) {
        if (e.isObject()) {
            java.util.List<String> values = new java.util.ArrayList<>();
            e.properties().forEach(f -> {
                JsonNode v = f.getValue();
                if (!(v.isContainerNode() && v.isEmpty())) {
                    values.add(v.isTextual() ? v.asText() : f.getKey() + " " + v);
                }
            });
            return String.join(" · ", values);
        }
        return e.isTextual() ? e.asText() : e.toString();
    }

    private static String orDash(Object o) {
        return o == null ? "—" : o.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
