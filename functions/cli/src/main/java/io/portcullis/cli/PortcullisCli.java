package io.portcullis.cli;

import io.portcullis.detection.PolicyEngine;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.scenario.ScenarioRun;
import io.portcullis.policy.PolicyFiles;
import io.portcullis.protocol.Accounts;
import io.portcullis.validation.DeploymentChecks;
import io.portcullis.validation.PolicyValidator;
import io.portcullis.validation.Problem;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./portcullis} — the commands that run on a developer's machine. */
@Command(name = "portcullis", mixinStandardHelpOptions = true, version = "portcullis 0.1.0",
        description = "Security auto-remediation for AWS: local tools.",
        subcommands = {PortcullisCli.DemoCommand.class, PortcullisCli.ValidateCommand.class,
                PortcullisCli.EvaluateCommand.class, PortcullisCli.CompileCommand.class,
                PortcullisCli.ReportCommand.class, PortcullisCli.ReplayCommand.class})
public final class PortcullisCli implements Runnable {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new PortcullisCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // People get the reason, not a stack trace.
            cmd.getErr().println("portcullis: " + e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "demo", description = "Replay a sample change (default: a console user opening SSH to the world on"
            + " a production security group) against a sandbox resource of its kind in the local emulator, follow the"
            + " incident through its playbook, and show what Portcullis did. Exit 0 only when the incident ends as the"
            + " protocol promises.")
    static final class DemoCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dry-run", description = "Run in dry-run mode: decide and record, change nothing.")
        boolean dryRun;

        @Option(names = "--event", paramLabel = "FILE", description = "A sample event (CloudTrail or AWS Config, as"
                + " EventBridge delivers it) to replay (default: ${DEFAULT-VALUE}).", defaultValue = Demo.SAMPLE)
        Path event;

        @Option(names = "--approve", description = "Approve at the approval gate (a signed click by an on-call"
                + " approver in the local Slack).")
        boolean approve;

        @Option(names = "--reject", description = "Reject at the approval gate, with a reason.")
        boolean reject;

        @Option(names = "--undo", description = "After a fix, click the Undo it offers and re-read the resource.")
        boolean undo;

        @Option(names = "--json", description = "Print one JSON object summing up the run, and nothing else, on"
                + " stdout (the functions' logs go to stderr).")
        boolean json;

        @Override
        public Integer call() {
            if (approve && reject) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--approve and --reject: choose one");
            }
            Path sample = event.isAbsolute() ? event : null;
            if (sample == null && !event.toString().equals(Demo.SAMPLE)) {
                sample = event.toAbsolutePath();
            }
            ScenarioRun.Decision decision = approve ? ScenarioRun.Decision.APPROVE
                    : reject ? ScenarioRun.Decision.REJECT : ScenarioRun.Decision.NONE;
            return new Demo(System.out).run(new Demo.Options(dryRun ? RemediationMode.DRY_RUN : RemediationMode.ENFORCE,
                    sample, decision, undo, json));
        }
    }

    @Command(name = "validate", description = "Check policy files (rules, protocol, accounts, exceptions) and "
            + "playbooks against their schemas and cross-references, every playbook against the protocol, and the "
            + "deployment's approvers (samconfig.toml); "
            + "print every problem with file, line and field; exit 1 if there is any.")
    static final class ValidateCommand implements Callable<Integer> {

        @Parameters(arity = "0..1", paramLabel = "DIR",
                description = "A policy folder or a playbooks folder (default: functions/policy and playbooks, and "
                        + "the deployment).")
        Path dir;

        @Option(names = "--config-file", paramLabel = "FILE", description = "The samconfig.toml sam deploy uses "
                + "(default: the repository's, when there is one and no DIR is given).")
        Path samconfig;

        @Override
        public Integer call() {
            Path root = LocalRuntime.repositoryRoot();
            List<Path> folders = dir != null ? List.of(dir) : List.of(
                    root.resolve("functions/policy"), root.resolve("playbooks"));
            int total = 0;
            for (Path folder : folders) {
                List<Problem> problems = new PolicyValidator().validateDirectory(folder);
                problems.forEach(p -> System.out.println(p));
                System.out.println(folder + (problems.isEmpty() ? ": valid"
                        : ": " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")));
                total += problems.size();
            }
            if (dir == null || samconfig != null) {
                Path config = samconfig != null ? samconfig : root.resolve("samconfig.toml");
                DeploymentChecks.Result deployment = DeploymentChecks.check(root.resolve("template.yaml"), config);
                deployment.problems().forEach(p -> System.out.println(p));
                deployment.notes().forEach(n -> System.out.println("note: " + n));
                if (Files.isRegularFile(config)) {
                    System.out.println(config + (deployment.problems().isEmpty() ? ": approvers set"
                            : ": " + deployment.problems().size() + " problem"
                            + (deployment.problems().size() == 1 ? "" : "s")));
                }
                total += deployment.problems().size();
            }
            return total == 0 ? 0 : 1;
        }
    }

    @Command(name = "evaluate", description = "Judge events offline with the detector's engine: one JSON line per "
            + "input, in order, with the findings, priority and response, or the reason the input was refused. "
            + "No AWS call is made.")
    static final class EvaluateCommand implements Callable<Integer> {

        @Option(names = "--accounts", paramLabel = "FILE",
                description = "accounts: {\"123456789012\": {name: payments, environment: production}} (default:"
                        + " functions/policy/accounts.yaml); offline, AWS Organizations is not read")
        Path accounts;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Events, as EventBridge delivers them; a folder "
                + "stands for every .json file below it, in name order.")
        List<Path> inputs;

        @Override
        public Integer call() throws Exception {
            PolicyEngine engine = PolicyEngine.defaults();
            if (accounts != null) {
                engine = engine.withAccounts(Accounts.fromTree(PolicyFiles.read(accounts)));
            }
            List<Path> files = new java.util.ArrayList<>();
            for (Path input : inputs) {
                if (java.nio.file.Files.isDirectory(input)) {
                    try (var walk = java.nio.file.Files.walk(input)) {
                        walk.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
                    }
                } else {
                    files.add(input);
                }
            }
            new Evaluate(engine).run(files, System.out);
            return 0;
        }
    }

    @Command(name = "compile", description = "Compile playbooks/*.yaml into the state machines the template deploys "
            + "(playbooks/asl/<name>.asl.json). With --check, change nothing and exit 1 if a compiled file is stale.")
    static final class CompileCommand implements Callable<Integer> {

        @Option(names = "--check", description = "Only check that the compiled files are up to date.")
        boolean check;

        @Override
        public Integer call() {
            // A playbook that cannot honour the protocol (or is otherwise invalid) is not compiled.
            Path playbooks = LocalRuntime.repositoryRoot().resolve("playbooks");
            List<Problem> problems = new PolicyValidator().validateDirectory(playbooks);
            if (!problems.isEmpty()) {
                problems.forEach(p -> System.out.println(p));
                System.out.println(playbooks + ": " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                        + "; nothing compiled");
                return 1;
            }
            List<String> stale = CompiledPlaybooks.sync(playbooks, !check);
            stale.forEach(f -> System.out.println((check ? "stale: " : "wrote: ") + f));
            if (check && !stale.isEmpty()) {
                System.out.println("Run ./portcullis compile and commit the result.");
                return 1;
            }
            System.out.println(stale.isEmpty() ? "playbooks/asl: up to date" : "playbooks/asl: " + stale.size() + " written");
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Re-drive the events the detector could not process (its failed-events"
            + " queue in the local emulator) through the detector, after a fix. Each event that now succeeds is deleted"
            + " from the queue; one that still fails, or is refused as malformed, is kept. One line per event id. Exit"
            + " 0 when the queue is empty afterwards, 1 when events were kept.")
    static final class ReplayCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--queue", paramLabel = "URL", description = "The failed-events queue (default: the newest "
                + "portcullis-detector-failed-* queue in the emulator, e.g. the demo's).")
        String queue;

        @Option(names = "--dry-run", description = "Replay in dry-run mode: record the incidents, change nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            io.portcullis.aws.AwsConnection aws = io.portcullis.local.Emulator.connection();
            return new Replay(spec.commandLine().getOut()).run(aws, queue,
                    dryRun ? RemediationMode.DRY_RUN : RemediationMode.ENFORCE);
        }
    }

    @Command(name = "report", description = "Write the weekly remediation report (HTML, CSV, JSON) of an incidents"
            + " table in the local emulator, with the report function's own code.")
    static final class ReportCommand implements Callable<Integer> {

        @Option(names = "--week", paramLabel = "YYYY-Www", description = "ISO week, e.g. 2026-W47 (default: last week).")
        String week;

        @Option(names = "--out", paramLabel = "DIR", description = "Where to write <week>/report.html, incidents.csv and"
                + " figures.json (default: .portcullis/reports).")
        Path out;

        @Option(names = "--table", paramLabel = "NAME", description = "The incidents table (default: the newest"
                + " portcullis-incidents-* table in the emulator, e.g. the demo's).")
        String table;

        @Option(names = "--time-zone", paramLabel = "ZONE", description = "IANA time zone of the week (default: UTC).")
        String timeZone;

        @Override
        public Integer call() {
            java.time.ZoneId zone;
            try {
                zone = timeZone == null ? java.time.ZoneOffset.UTC : java.time.ZoneId.of(timeZone);
            } catch (java.time.DateTimeException e) {
                System.out.println("--time-zone: '" + timeZone + "' is not a time zone; use an IANA name such as Europe/London");
                return 2;
            }
            if (week != null) {
                try {
                    io.portcullis.incident.IsoWeek.monday(week);
                } catch (IllegalArgumentException e) {
                    System.out.println("--week: " + e.getMessage());
                    return 2;
                }
            }
            Path dir = out != null ? out : LocalRuntime.repositoryRoot().resolve(".portcullis/reports");
            io.portcullis.aws.AwsConnection aws = io.portcullis.local.Emulator.connection();
            return new Report(System.out).run(aws, table, week, zone, dir, null);
        }
    }
}
