package io.portcullis.cli;

import io.portcullis.incident.RemediationMode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./portcullis} — the commands that run on a developer's machine. */
@Command(name = "portcullis", mixinStandardHelpOptions = true, version = "portcullis 0.1.0",
        description = "Security auto-remediation for AWS: local tools.",
        subcommands = {PortcullisCli.DemoCommand.class})
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

    @Command(name = "demo", description = "Replay a console change that opens SSH to the world on a production "
            + "security group, against the local emulator, and show what Portcullis does.")
    static final class DemoCommand implements Callable<Integer> {

        @Option(names = "--dry-run", description = "Run in dry-run mode: decide and record, change nothing.")
        boolean dryRun;

        @Option(names = "--event", description = "A different sample event to replay (default: ${DEFAULT-VALUE}).",
                defaultValue = Demo.SAMPLE)
        Path event;

        @Override
        public Integer call() {
            Path sample = event.isAbsolute() ? event : null;
            if (sample == null && !event.toString().equals(Demo.SAMPLE)) {
                sample = event.toAbsolutePath();
            }
            return new Demo(System.out).run(dryRun ? RemediationMode.DRY_RUN : RemediationMode.ENFORCE, sample);
        }
    }
}
