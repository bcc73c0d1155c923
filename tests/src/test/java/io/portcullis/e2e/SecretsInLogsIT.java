package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.RequestSignature;
import io.portcullis.aws.AwsConnection;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.logging.LogLines;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Secrets never reach the logs. Every line the functions log during an end-to-end run — and everything else written
 * to standard output and standard error meanwhile — is captured: the functions built from the Slack secret, a P2
 * bucket policy detected, its playbook waiting at the approval gate (a task token handed over the step queue and kept
 * with the approval), forged, stale and unknown-user clicks refused, the genuine approval resuming the execution, the
 * fix, a P1 security group contained (its author, known to Slack by e-mail, told in a direct message) and undone, and
 * the weekly report. None of it may hold the Slack bot token, the
 * signing secret, or any task token of the run (read back from the approvals table and the executions' histories),
 * at the default log level or at the most verbose.
 */
class SecretsInLogsIT {

    static final String APPROVER = LocalRuntime.APPROVERS.get(0);
    static final Pattern TASK_TOKEN = Pattern.compile("\"taskToken\"\\s*:\\s*\"([^\"]+)\"");

    final AwsConnection setup = Emulator.connection();
    final S3Client s3 = setup.s3(Region.US_EAST_1);

    @ParameterizedTest(name = "log level {0}")
    @ValueSource(strings = {"INFO", "TRACE"})
    void noLogLineHoldsTheSlackTokenTheSigningSecretOrATaskToken(String level) throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        Set<String> tokens = new TreeSet<>();
        LogLines.configure(Map.of("AWS_LAMBDA_LOG_LEVEL", level, "AWS_LAMBDA_LOG_FORMAT", "JSON"));
        System.setOut(new PrintStream(tee(out, console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(tee(err, console), true, StandardCharsets.UTF_8));
        try (AutoCloseable capture = LogLines.capture(lines::add);
             LocalRuntime runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), setup, RemediationMode.ENFORCE,
                     Clock.systemUTC(), Clock.systemUTC())) {
            approvedBucketFix(runtime);
            undoneSecurityGroupFix(runtime);
            Map<String, Object> report = runtime.reportFunction(Clock.systemUTC()).handleRequest(Map.of(), null);
            assertThat(report.get("outcome")).isEqualTo("published");
            tokens.addAll(taskTokens(runtime));
        } finally {
            System.setOut(out);
            System.setErr(err);
            LogLines.configure(System.getenv());
        }
        String logged = String.join("\n", lines) + "\n" + console.toString(StandardCharsets.UTF_8);

        assertThat(lines).as("the run was logged").hasSizeGreaterThan(20);
        assertThat(tokens).as("task tokens were handed out").hasSizeGreaterThanOrEqualTo(10);
        assertThat(logged).as("no line holds the Slack bot token").doesNotContain(LocalRuntime.SLACK_BOT_TOKEN)
                .doesNotContain(LocalRuntime.SLACK_BOT_TOKEN.substring(5))
                .as("no line holds the signing secret").doesNotContain(LocalRuntime.SLACK_SIGNING_SECRET);
        for (String token : tokens) {
            assertThat(logged).as("no line holds a task token").doesNotContain(token)
                    .doesNotContain(token.substring(0, Math.min(token.length(), 24)));
        }
    }

    /** P2 bucket policy: waits at the gate; forged, stale and unknown clicks refused; approved; fixed. */
    void approvedBucketFix(LocalRuntime runtime) {
        String bucket = "portcullis-secrets-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketTagging(t -> t.bucket(bucket).tagging(g -> g.tagSet(software.amazon.awssdk.services.s3.model.Tag
                .builder().key("environment").value("staging").build())));
        s3.putBucketPolicy(r -> r.bucket(bucket).policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
                + "\"PublicRead\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":"
                + "\"arn:aws:s3:::" + bucket + "/*\"}]}"));
        ObjectNode event = EventReplay.load(LocalRuntime.repositoryRoot().resolve(
                "events/cloudtrail/s3-put-bucket-policy-public-read-console.json"));
        ObjectNode detail = (ObjectNode) event.path("detail");
        ((ObjectNode) detail.path("requestParameters")).put("bucketName", bucket);
        ((ObjectNode) detail.path("requestParameters").path("bucketPolicy").path("Statement").get(0))
                .put("Resource", "arn:aws:s3:::" + bucket + "/*");
        detail.put("awsRegion", "us-east-1");
        detail.put("eventID", UUID.randomUUID().toString());
        JsonNode detected = runtime.invokeDetector(event);
        String incidentId = detected.path("incidentId").asText();
        assertThat(detected.path("playbookStarted").asBoolean()).as(detected.toString()).isTrue();

        assertThat(runtime.runPlaybook(incidentId).states()).endsWith("AwaitApproval");
        LocalSlack.Request ask = runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "approval:" + incidentId).isMissingNode()).findFirst().orElseThrow();
        String valid = SlackClicks.click(APPROVER, SlackClicks.button(ask, "approval:", "approve"), null);
        String ts = Long.toString(Instant.now().getEpochSecond());
        byte[] body = valid.getBytes(StandardCharsets.UTF_8);
        assertThat(List.of(
                runtime.postInteraction(valid, ts, new RequestSignature("not-the-secret").sign(ts, body)).getStatusCode(),
                runtime.click(valid, Instant.now().minus(Duration.ofMinutes(10))).getStatusCode(),
                runtime.click(SlackClicks.click("U0STRANGER", SlackClicks.button(ask, "approval:", "approve"), null),
                        Instant.now()).getStatusCode())).containsExactly(401, 401, 403);
        APIGatewayV2HTTPResponse approved = runtime.click(valid, Instant.now());
        assertThat(approved.getStatusCode()).isEqualTo(200);
        assertThat(runtime.click(valid, Instant.now()).getStatusCode()).as("the replay").isEqualTo(409);

        LocalRuntime.Execution done = runtime.runPlaybook(incidentId);
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(runtime.incident(incidentId).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    /** P1 security group by an SSO user: contained automatically, its author told directly, then undone from Slack. */
    void undoneSecurityGroupFix(LocalRuntime runtime) {
        io.portcullis.local.Sandbox sandbox = io.portcullis.local.Sandbox.create(runtime.ec2(),
                "web-prod-" + UUID.randomUUID().toString().substring(0, 8), "production");
        ObjectNode event = EventReplay.applyIngress(runtime.ec2(), EventReplay.retarget(EventReplay.load(
                LocalRuntime.repositoryRoot().resolve("events/cloudtrail/ec2-authorize-ssh-world-console.json")),
                sandbox.groupId()));
        runtime.slack().user("erin@example.com", "U0ERIN");
        ((ObjectNode) event.path("detail").path("userIdentity")).put("arn",
                "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/erin@example.com");
        String incidentId = runtime.invokeDetector(event).path("incidentId").asText();
        assertThat(runtime.runPlaybook(incidentId).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(runtime.slack().directMessages("U0ERIN")).hasSize(1);
        LocalSlack.Request offer = runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "undo:" + incidentId).isMissingNode()).findFirst().orElseThrow();
        assertThat(runtime.click(SlackClicks.click(APPROVER, SlackClicks.button(offer, "undo:", "undo"), null),
                Instant.now()).getStatusCode()).isEqualTo(200);
        assertThat(runtime.runSteps()).isEqualTo(1);
    }

    /** Every task token of the run: kept with the approvals, and handed to each step (the executions' histories). */
    static Set<String> taskTokens(LocalRuntime runtime) {
        Set<String> tokens = new TreeSet<>();
        runtime.dynamoDb().scanPaginator(r -> r.tableName(runtime.deployment().approvalsTable())).items()
                .forEach(item -> {
                    if (item.containsKey("taskToken") && item.get("taskToken").s() != null) {
                        tokens.add(item.get("taskToken").s());
                    }
                    item.values().forEach(v -> find(String.valueOf(v.s()), tokens));
                });
        for (String incidentId : runtime.incidentIds()) {
            runtime.execution(incidentId).history().forEach(e -> {
                if (e.taskScheduledEventDetails() != null) {
                    find(e.taskScheduledEventDetails().parameters(), tokens);
                }
            });
        }
        return tokens;
    }

    static void find(String json, Set<String> into) {
        if (json == null) {
            return;
        }
        Matcher m = TASK_TOKEN.matcher(json);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    static OutputStream tee(OutputStream a, OutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int c) throws java.io.IOException {
                a.write(c);
                synchronized (b) {
                    b.write(c);
                }
            }

            @Override
            public void write(byte[] buf, int off, int len) throws java.io.IOException {
                a.write(buf, off, len);
                synchronized (b) {
                    b.write(buf, off, len);
                }
            }

            @Override
            public void flush() throws java.io.IOException {
                a.flush();
            }
        };
    }
}
