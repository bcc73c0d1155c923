package io.portcullis.cli;

import io.portcullis.exception.Exceptions;
import io.portcullis.incident.IsoWeek;
import io.portcullis.local.FileReportStore;
import io.portcullis.protocol.Protocol;
import io.portcullis.report.PublishWeeklyReport;
import io.portcullis.slack.SlackNotifier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.Sandbox;
import io.portcullis.network.IngressRule;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.Finding;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The main job, on this machine: a console change opens SSH to the world on a production security group; the
 * detector and remediation handlers, invoked as Lambda would, record a P1 incident and revoke that rule only.
 */
final class Demo {

    static final String SAMPLE = "events/cloudtrail/ec2-authorize-ssh-world-console.json";

    private final PrintStream out;

    Demo(PrintStream out) {
        this.out = out;
    }

    int run(RemediationMode mode, Path sampleOverride) {
        Path root = LocalRuntime.repositoryRoot();
        Path sample = sampleOverride != null ? sampleOverride : root.resolve(SAMPLE);
        URI endpoint = Emulator.endpoint();
        AwsConnection aws = Emulator.connection();
        try (LocalRuntime runtime = LocalRuntime.deploy(root, aws, mode)) {
            return run(mode, root, sample, endpoint, aws, runtime);
        }
    }

    private int run(RemediationMode mode, Path root, Path sample, URI endpoint, AwsConnection aws, LocalRuntime runtime) {

        Sandbox sandbox = Sandbox.create(runtime.ec2(), "web-prod-" + UUID.randomUUID().toString().substring(0, 6), "production");
        ObjectNode event = EventReplay.applyIngress(runtime.ec2(), EventReplay.retarget(EventReplay.load(sample), sandbox.groupId()));
        Ec2SecurityGroups groups = new Ec2SecurityGroups(r -> runtime.ec2());
        ResourceRef group = ResourceRef.securityGroup(sandbox.groupId(), "123456789012", aws.region().id());
        SecurityGroupState before = groups.describe(group).orElseThrow();

        // The handlers run first (their own log lines come out here, as in CloudWatch); the report follows.
        long started = System.nanoTime();
        JsonNode answer = runtime.invokeDetector(event);
        String opened = answer.path("incidentId").asText(null);
        LocalRuntime.Execution execution = opened == null ? null : runtime.runPlaybook(opened);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        out.println();

        out.println("Portcullis demo · emulator " + endpoint + " · region " + aws.region().id() + " · mode " + mode.value());
        out.println();
        out.println("1. Sandbox: VPC " + sandbox.vpcId() + ", security group " + sandbox.groupId() + " \"" + sandbox.groupName()
                + "\" tagged " + before.tags().entrySet().stream().filter(e -> !e.getKey().equals("Name"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        out.println("   Rules before:");
        printRules(before.ingress());
        out.println();

        JsonNode d = event.path("detail");
        out.println("2. The change (" + root.relativize(sample.toAbsolutePath()) + ", aimed at the sandbox)");
        out.println("   " + d.path("eventName").asText() + " on " + sandbox.groupId() + " in account "
                + d.path("recipientAccountId").asText() + ", " + d.path("awsRegion").asText() + ", at " + d.path("eventTime").asText());

        String incidentId = answer.path("incidentId").asText(null);
        if (incidentId == null) {
            out.println("   The detector opened no incident: " + answer);
            return 1;
        }
        Incident incident = runtime.incident(incidentId).orElseThrow();
        out.println("   by " + incident.actor().displayName() + " (" + incident.actor().principalArn() + "), MFA "
                + (incident.actor().mfa() ? "yes" : "no") + ", from " + incident.actor().sourceIp()
                + ", origin " + incident.origin().label());
        out.println();
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
        out.println("5. " + (mode == RemediationMode.DRY_RUN ? "Would have revoked (dry-run: nothing changed)" : "Revoked"));
        printRules(incident.revokedRules());
        out.println();
        SecurityGroupState after = groups.describe(group).orElseThrow();
        out.println("6. Rules after");
        printRules(after.ingress());
        out.println();
        out.println("Playbook execution (Step Functions, run by the emulator): " + execution.status());
        out.println("   " + String.join(" → ", execution.states()));
        out.println();
        out.println("Slack (local stand-in for the Web API, channel " + LocalRuntime.SLACK_CHANNEL + ")");
        runtime.slack().requests().forEach(r -> out.println("   " + pad(r.method(), 16)
                + (r.threadTs() != null ? "in thread · " : "") + firstLine(r.text())));
        out.println();
        out.println("Timeline");
        incident.timeline().forEach(t -> out.println("   " + t.at() + "  " + pad(t.step(), 14) + t.actor() + ": " + t.detail()));
        out.println();
        out.println("Event to " + incident.status().name().toLowerCase().replace('_', ' ') + " in " + took.toMillis()
                + " ms (" + execution.states().size() + " states). Incidents table: "
                + runtime.deployment().incidentsTable());
        out.println();
        // The weekly report over what the demo replayed (this week so far), by the report function's own code.
        PublishWeeklyReport report = new PublishWeeklyReport(runtime.incidents(),
                new FileReportStore(root.resolve(".portcullis/reports")),
                SlackNotifier.create(LocalRuntime.SLACK_BOT_TOKEN, LocalRuntime.SLACK_CHANNEL, runtime.slack().url()),
                Protocol.defaults().containWithin(), Exceptions.defaults().declared(), ZoneOffset.UTC, Clock.systemUTC());
        new Report(out).summary(report.publish(IsoWeek.of(Instant.now())), runtime.deployment().incidentsTable());
        boolean harmlessKept = after.ingress().stream().anyMatch(r -> sandbox.harmlessRuleId().equals(r.ruleId()));
        Set<String> revokedIds = incident.revokedRules().stream().map(IngressRule::ruleId).collect(Collectors.toSet());
        boolean offendingGone = after.ingress().stream().noneMatch(r -> revokedIds.contains(r.ruleId()));
        boolean ok = harmlessKept && (mode == RemediationMode.DRY_RUN ? !offendingGone || revokedIds.isEmpty() : offendingGone);
        return ok ? 0 : 1;
    }

    private void printRules(List<IngressRule> rules) {
        if (rules.isEmpty()) {
            out.println("     (none)");
        }
        for (IngressRule r : rules) {
            out.println("     " + pad(r.ruleId() == null ? "-" : r.ruleId(), 24) + pad(r.describe(), 36)
                    + (r.description() == null ? "" : "\"" + r.description() + "\""));
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.lines().findFirst().orElse("");
        return line.length() > 110 ? line.substring(0, 110) + "…" : line;
    }

    private static String orDash(Object o) {
        return o == null ? "—" : o.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
