package io.portcullis.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.RequestSignature;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbApprovalStore;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.SfnPlaybookStarter;
import io.portcullis.detector.DetectorFunction;
import io.portcullis.detector.DetectorHandler;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.interaction.InteractionFunction;
import io.portcullis.interaction.SlackInteractionHandler;
import io.portcullis.json.Json;
import io.portcullis.remediator.PlaybookStepHandler;
import io.portcullis.remediator.RemediatorFunction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Portcullis deployed into the local emulator: the template's tables, queues and playbook state machines created,
 * a Slack secret in Secrets Manager, a local stand-in for Slack's Web API, and the real detector, playbook worker
 * and Slack interaction handlers built by their own composition roots from the same environment variables
 * template.yaml sets. Handlers are invoked in-process exactly as Lambda invokes them (raw event stream; SQS batches
 * and API Gateway requests through Lambda's own event serializer). The state machines run for real in the
 * emulator; this class plays Lambda's event-source mapping for the step queue.
 */
public final class LocalRuntime implements AutoCloseable {

    /** The role the local playbook worker "runs as"; its own changes are never judged. */
    public static final String REMEDIATOR_ROLE_ARN = "arn:aws:iam::123456789012:role/portcullis-remediator";
    /** The local worker's function name: Lambda names its role's session after it (see the sample events). */
    public static final String WORKER_FUNCTION_NAME = "portcullis-remediator";
    /** Obviously fake Slack credentials, stored in the emulator's Secrets Manager like the real ones. */
    public static final String SLACK_BOT_TOKEN = "xoxb-local-fake-token";
    public static final String SLACK_SIGNING_SECRET = "local-fake-signing-secret";
    public static final String SLACK_CHANNEL = "C0LOCALONCALL";
    /**
     * The local deployment's approvers: the members of its on-call user group, the only approver setting it makes
     * (SlackApproverGroup; SlackApprovers stays empty), as the local Slack answers {@code usergroups.users.list}.
     */
    public static final String APPROVER_GROUP = "S0LOCALONCALL";
    public static final List<String> APPROVERS = List.of("U0ONCALL1", "U0ONCALL2");

    private final AwsConnection aws;
    private final Ec2Client ec2;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final SfnClient sfn;
    private final LocalDeployment deployment;
    private final LocalSlack slack;
    private final Map<String, String> environment;
    private final DetectorHandler detector;
    private final PlaybookStepHandler worker;
    private final SlackInteractionHandler interaction;
    private final PojoSerializer<APIGatewayV2HTTPEvent> httpEvents =
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, LocalRuntime.class.getClassLoader());

    private LocalRuntime(AwsConnection aws, LocalDeployment deployment, LocalSlack slack,
                         Map<String, String> environment, Clock workerClock, Clock interactionClock) {
        this.aws = aws;
        this.ec2 = aws.ec2();
        this.dynamoDb = aws.dynamoDb();
        this.sqs = aws.sqs();
        this.sfn = aws.sfn();
        this.deployment = deployment;
        this.slack = slack;
        this.environment = Map.copyOf(environment);
        this.detector = new DetectorHandler(DetectorFunction.build(environment, aws, Clock.systemUTC()));
        this.worker = new PlaybookStepHandler(RemediatorFunction.build(environment, aws, workerClock), aws::sfn);
        var decide = InteractionFunction.build(environment, aws, interactionClock);
        this.interaction = new SlackInteractionHandler(() -> decide);
    }

    /**
     * Builds the functions against a deployment another process made, from its environment (a benchmark's fresh JVM:
     * the cold start of the functions themselves, not of the deployment). No local Slack is started: the
     * environment's {@code PORTCULLIS_SLACK_API_URL} names the one the other process serves.
     */
    public static LocalRuntime attach(AwsConnection aws, LocalDeployment deployment, Map<String, String> environment) {
        return new LocalRuntime(aws, deployment, null, environment, Clock.systemUTC(), Clock.systemUTC());
    }

    /** Deploys a fresh, uniquely named copy of the template's resources and builds the functions against it. */
    public static LocalRuntime deploy(Path repositoryRoot, AwsConnection aws, RemediationMode mode) {
        return deploy(repositoryRoot, aws, mode, Clock.systemUTC(), Clock.systemUTC());
    }

    /**
     * @param workerClock      the playbook worker's clock (a test moves it next to a low-tide window)
     * @param interactionClock the interaction endpoint's clock (a test moves it past an approval's expiry)
     */
    public static LocalRuntime deploy(Path repositoryRoot, AwsConnection aws, RemediationMode mode, Clock workerClock,
                                      Clock interactionClock) {
        return deploy(repositoryRoot, aws, mode, workerClock, interactionClock, env -> { });
    }

    /** As above, with the functions' environment adjusted before they are built (a test's configuration). */
    public static LocalRuntime deploy(Path repositoryRoot, AwsConnection aws, RemediationMode mode, Clock workerClock,
                                      Clock interactionClock, java.util.function.Consumer<Map<String, String>> adjust) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        LocalDeployment deployment;
        String secretArn;
        String signingSecretArn;
        try (DynamoDbClient d = aws.dynamoDb(); SqsClient s = aws.sqs(); SfnClient f = aws.sfn();
             var secrets = aws.secretsManager(); var s3 = aws.s3(aws.region()); var ssm = aws.ssm();
             var kms = aws.kms()) {
            LocalDeployment created = LocalDeployment.create(repositoryRoot.resolve("template.yaml"), d, s, f, s3, ssm,
                    kms, suffix);
            // The switch starts where the deployment's mode is, so a later ./portcullis replay (which reads the
            // switch) runs in the same mode.
            ssm.putParameter(r -> r.name(created.killSwitchParameter()).value(mode.value()).overwrite(true));
            deployment = created;
            // Two secrets, as the template makes them: the bot token for every function that posts, the signing
            // secret for the interaction function alone.
            String value = Json.mapper().createObjectNode().put("botToken", SLACK_BOT_TOKEN).toString();
            secretArn = secrets.createSecret(r -> r.name("portcullis-slack-" + suffix).secretString(value)).arn();
            String signing = Json.mapper().createObjectNode().put("signingSecret", SLACK_SIGNING_SECRET).toString();
            signingSecretArn = secrets.createSecret(r -> r.name("portcullis-slack-signing-" + suffix)
                    .secretString(signing)).arn();
        }
        LocalSlack slack = LocalSlack.start(SLACK_BOT_TOKEN).userGroup(APPROVER_GROUP, APPROVERS);
        Map<String, String> env = detectorEnvironment(deployment, mode);
        env.put(FunctionSettings.APPROVALS_TABLE, deployment.approvalsTable());
        env.put(FunctionSettings.TOKEN_KEY_ID, deployment.tokenKeyId());
        env.put(FunctionSettings.SLACK_SECRET_ID, secretArn);
        env.put(io.portcullis.aws.SlackSecrets.SIGNING_SECRET_ID, signingSecretArn);
        env.put(FunctionSettings.SLACK_CHANNEL, SLACK_CHANNEL);
        env.put(FunctionSettings.APPROVER_GROUP, APPROVER_GROUP);
        env.put(FunctionSettings.SLACK_API_URL, slack.url());
        env.put(FunctionSettings.REPORT_BUCKET, deployment.reportsBucket());
        env.put(FunctionSettings.REPORT_TIME_ZONE, "UTC");
        env.put(io.portcullis.approval.Identities.FILE_VARIABLE, localIdentities().toString());
        adjust.accept(env);
        return new LocalRuntime(aws, deployment, slack, env, workerClock, interactionClock);
    }

    /**
     * The local deployment's identity map (who the sample events' principals are), as a file the worker reads like
     * the bundled {@code functions/policy/identities.yaml}.
     */
    static Path localIdentities() {
        try (var in = LocalRuntime.class.getResourceAsStream("identities.yaml")) {
            Path file = Files.createTempFile("portcullis-identities-", ".yaml");
            file.toFile().deleteOnExit();
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The detector's environment variables for a local deployment, as template.yaml sets them. */
    public static Map<String, String> detectorEnvironment(LocalDeployment deployment, RemediationMode mode) {
        Map<String, String> env = new HashMap<>();
        env.put(FunctionSettings.INCIDENTS_TABLE, deployment.incidentsTable());
        env.put(FunctionSettings.PLAYBOOKS, deployment.playbooksSetting());
        env.put(FunctionSettings.STEP_QUEUE_URL, deployment.stepQueueUrl());
        env.put(FunctionSettings.REMEDIATION_MODE, mode.value());
        env.put(FunctionSettings.OWN_ROLE_ARNS, REMEDIATOR_ROLE_ARN);
        env.put(FunctionSettings.WORKER_FUNCTION_NAME, WORKER_FUNCTION_NAME);
        env.put(FunctionSettings.ACCOUNT_ID, "123456789012");
        env.put(io.portcullis.aws.SafeguardSettings.SAFEGUARDS_TABLE, deployment.safeguardsTable());
        env.put(io.portcullis.aws.SafeguardSettings.ALERT_QUEUE_URL, deployment.alertQueueUrl());
        env.put(io.portcullis.aws.SafeguardSettings.KILL_SWITCH_PARAMETER, deployment.killSwitchParameter());
        env.put(io.portcullis.aws.InventorySettings.INVENTORY_TABLE, deployment.inventoryTable());
        return env;
    }

    /**
     * The repository root: the system property {@code portcullis.root} (set by ./portcullis), else the nearest
     * directory above the working directory holding template.yaml and events/.
     */
    public static Path repositoryRoot() {
        String configured = System.getProperty("portcullis.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("template.yaml")) && Files.isDirectory(dir.resolve("events"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository (template.yaml and events/) above "
                + Path.of("").toAbsolutePath());
    }

    /** Invokes the detector with the event's bytes, as EventBridge → Lambda would; returns its JSON answer. */
    public JsonNode invokeDetector(byte[] event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            detector.handleRequest(new ByteArrayInputStream(event), out, new LocalLambdaContext("portcullis-detector", 30, 512));
            return Json.mapper().readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode invokeDetector(JsonNode event) {
        try {
            return invokeDetector(Json.mapper().writeValueAsBytes(event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Delivers an event as EventBridge does: an asynchronous invocation of the detector, retried as Lambda retries it
     * (the template's {@code EventInvokeConfig.MaximumRetryAttempts}, without the minutes between attempts). An event
     * whose every attempt throws goes to the failed-events queue as Lambda's failure destination records it:
     * {@code {"version", "timestamp", "requestContext": {…, "condition": "RetriesExhausted", "approximateInvokeCount"},
     * "requestPayload": <the event>, "responseContext": {…, "functionError": "Unhandled"}, "responsePayload":
     * {"errorMessage", "errorType"}}}.
     *
     * @return the detector's answer, or empty when the event went to the failed-events queue
     */
    public Optional<JsonNode> deliverEvent(byte[] event) {
        RuntimeException last = null;
        int attempts = 1 + deployment.detectorRetries();
        for (int attempt = 0; attempt < attempts; attempt++) {
            try {
                return Optional.of(invokeDetector(event));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", Instant.now().toString());
        ObjectNode request = record.putObject("requestContext");
        request.put("requestId", UUID.randomUUID().toString());
        request.put("functionArn", "arn:aws:lambda:" + aws.region().id() + ":123456789012:function:portcullis-detector:live");
        request.put("condition", "RetriesExhausted");
        request.put("approximateInvokeCount", attempts);
        try {
            record.set("requestPayload", Json.mapper().readTree(event));
        } catch (IOException e) {
            record.put("requestPayload", new String(event, StandardCharsets.UTF_8));
        }
        ObjectNode response = record.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "1");
        response.put("functionError", "Unhandled");
        ObjectNode payload = record.putObject("responsePayload");
        payload.put("errorMessage", String.valueOf(last.getMessage()));
        payload.put("errorType", last.getClass().getName());
        sqs.sendMessage(r -> r.queueUrl(deployment.failedEventsQueueUrl()).messageBody(record.toString()));
        return Optional.empty();
    }

    public JsonNode deliverEvent(JsonNode event) {
        try {
            return deliverEvent(Json.mapper().writeValueAsBytes(event)).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the watchdog once, built by its own composition root, on {@code clock}: the silent-feed check, then a full
     * inventory (every bucket, not a scheduled run's share), so a scenario that changes a resource right after finds
     * its configuration from before the change in the inventory, as a deployed watchdog's sweeps would have kept it.
     */
    public JsonNode runWatchdog(Clock clock) {
        var handler = new io.portcullis.watchdog.WatchdogHandler(io.portcullis.watchdog.WatchdogFunction.build(
                environment, aws, clock));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            byte[] input = "{\"inventory\": \"full\"}".getBytes(StandardCharsets.UTF_8);
            handler.handleRequest(new ByteArrayInputStream(input), out,
                    new LocalLambdaContext("portcullis-watchdog", 120, 512));
            return Json.mapper().readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Empties the blast-radius breaker's window (its slots are its own bookkeeping): for harnesses that run many
     * independent containments in one account on purpose, such as the bench's 50 contain runs, where the breaker
     * would rightly hold the sixth for approval. Returns the slots removed.
     */
    public int clearBreakerWindow() {
        String table = deployment.safeguardsTable();
        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> slots = dynamoDb
                .scanPaginator(r -> r.tableName(table)).items().stream()
                .filter(i -> i.containsKey("pk") && i.get("pk").s().startsWith("breaker|")).toList();
        slots.forEach(i -> dynamoDb.deleteItem(r -> r.tableName(table).key(Map.of("pk", i.get("pk"), "sk", i.get("sk")))));
        return slots.size();
    }

    /** Plays the SQS event-source mapping until the step queue is empty; returns the messages completed. */
    public int runSteps() {
        return new LocalSqsEventSource(sqs, deployment.stepQueueUrl(), deployment.stepQueueArn(), aws.region().id())
                .drain(worker, () -> new LocalLambdaContext("portcullis-remediator", 30, 512));
    }

    private static final long IDLE_POLL_MIN_MILLIS = 10;
    private static final long IDLE_POLL_MAX_MILLIS = 100;

    /**
     * Drives the incident's playbook execution: delivers its steps to the worker as Lambda's event-source mapping
     * would, until the execution ends or waits at an approval gate (or {@code limit} passes).
     */
    public Execution runPlaybook(String incidentId, Duration limit) {
        return runExecution(executionArn(incidentId), incidentId, limit);
    }

    /** As {@link #runPlaybook}, for an execution started by the caller ({@link #startPlaybook}). */
    public Execution runExecution(String arn, String incidentId, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        // Lambda's event source long-polls the queue; here an idle queue is polled again after 10 ms, backing off to
        // 100 ms while nothing arrives (moto serves one request at a time, so a tight loop would slow it down).
        long idleMillis = IDLE_POLL_MIN_MILLIS;
        while (Instant.now().isBefore(deadline)) {
            int done = runSteps();
            Optional<DescribeExecutionResponse> d = describe(arn);
            if (d.isPresent() && d.get().status() != ExecutionStatus.RUNNING) {
                runSteps();
                return executionAt(arn);
            }
            if (done == 0 && d.isPresent() && waitingForApproval(incidentId)) {
                return executionAt(arn);
            }
            if (done == 0) {
                sleep(idleMillis);
                idleMillis = Math.min(IDLE_POLL_MAX_MILLIS, idleMillis * 2);
            } else {
                idleMillis = IDLE_POLL_MIN_MILLIS;
            }
        }
        return executionAt(arn);
    }

    /**
     * Starts the incident's playbook as the detector does, under another execution name and with this input (a
     * test shortens the approval gate's time limit this way).
     */
    public String startPlaybook(String incidentId, String executionName, ObjectNode input) {
        Incident incident = incident(incidentId).orElseThrow();
        String machine = deployment.playbooks().get(incident.findings().get(0).family().key());
        return sfn.startExecution(r -> r.stateMachineArn(machine).name(executionName).input(input.toString()))
                .executionArn();
    }

    public Execution runPlaybook(String incidentId) {
        return runPlaybook(incidentId, Duration.ofSeconds(60));
    }

    private boolean waitingForApproval(String incidentId) {
        return new DynamoDbApprovalStore(dynamoDb, deployment.approvalsTable(), Json.mapper()).pendingFor(incidentId)
                .filter(a -> a.messageTs() != null).isPresent();
    }

    /** The execution's status and the names of the states it entered, in order. */
    public record Execution(String arn, ExecutionStatus status, List<String> states, List<HistoryEvent> history) {

        public boolean entered(String state) {
            return states.contains(state);
        }
    }

    public Execution execution(String incidentId) {
        return executionAt(executionArn(incidentId));
    }

    public Execution executionAt(String arn) {
        Optional<DescribeExecutionResponse> d = describe(arn);
        if (d.isEmpty()) {
            return new Execution(arn, null, List.of(), List.of());
        }
        List<HistoryEvent> history = new ArrayList<>();
        sfn.getExecutionHistoryPaginator(r -> r.executionArn(arn)).events().forEach(history::add);
        List<String> states = history.stream().filter(e -> e.stateEnteredEventDetails() != null)
                .map(e -> e.stateEnteredEventDetails().name()).toList();
        return new Execution(arn, d.get().status(), states, history);
    }

    private Optional<DescribeExecutionResponse> describe(String arn) {
        try {
            return Optional.of(sfn.describeExecution(r -> r.executionArn(arn)));
        } catch (ExecutionDoesNotExistException e) {
            return Optional.empty();
        }
    }

    /** The execution of the incident's playbook: named after the incident, on its family's state machine. */
    public String executionArn(String incidentId) {
        Incident incident = incident(incidentId).orElseThrow(() -> new IllegalStateException("no incident " + incidentId));
        String machine = deployment.playbooks().get(incident.findings().get(0).family().key());
        return machine.replace(":stateMachine:", ":execution:") + ":" + SfnPlaybookStarter.executionName(incidentId);
    }

    /**
     * Sends a click to the Slack interaction handler as API Gateway's HTTP API would: a form-encoded
     * {@code payload}, signed with the local signing secret at {@code at}.
     */
    public APIGatewayV2HTTPResponse click(String formBody, Instant at) {
        String ts = Long.toString(at.getEpochSecond());
        String signature = new RequestSignature(SLACK_SIGNING_SECRET).sign(ts, formBody.getBytes(StandardCharsets.UTF_8));
        return postInteraction(formBody, ts, signature);
    }

    /** Posts a body with the given Slack headers (forged, stale or replayed requests included). */
    public APIGatewayV2HTTPResponse postInteraction(String formBody, String timestamp, String signature) {
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "POST /slack/interactions");
        event.put("rawPath", "/slack/interactions");
        ObjectNode headers = event.putObject("headers");
        headers.put("content-type", "application/x-www-form-urlencoded");
        if (timestamp != null) {
            headers.put("x-slack-request-timestamp", timestamp);
        }
        if (signature != null) {
            headers.put("x-slack-signature", signature);
        }
        ObjectNode http = event.putObject("requestContext").putObject("http");
        http.put("method", "POST");
        http.put("path", "/slack/interactions");
        event.put("body", java.util.Base64.getEncoder().encodeToString(formBody.getBytes(StandardCharsets.UTF_8)));
        event.put("isBase64Encoded", true);
        APIGatewayV2HTTPEvent parsed = httpEvents.fromJson(new ByteArrayInputStream(
                event.toString().getBytes(StandardCharsets.UTF_8)));
        return interaction.handleRequest(parsed, new LocalLambdaContext("portcullis-slack-interactions", 10, 512));
    }

    /**
     * Every incident id in the table: only the key, in pages of 500, and not the per-event claims ({@code seen|…})
     * that share the table (after a burst they outnumber the incidents 70 to 1, and one unbounded page of them took
     * the emulator past the client's 20 s timeout).
     */
    public List<String> incidentIds() {
        return dynamoDb.scanPaginator(r -> r.tableName(deployment.incidentsTable()).projectionExpression("incidentId")
                        .filterExpression("begins_with(incidentId, :incident)").expressionAttributeValues(Map.of(
                                ":incident", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("inc-")))
                        .limit(500)).items().stream()
                .map(i -> i.get("incidentId").s()).filter(id -> id.startsWith("inc-")).sorted().toList();
    }

    /** The report function, built by its own composition root against this deployment, on {@code clock}. */
    public io.portcullis.report.function.WeeklyReportHandler reportFunction(Clock clock) {
        return new io.portcullis.report.function.WeeklyReportHandler(io.portcullis.report.function.ReportFunction.build(
                FunctionSettings.fromEnvironment(environment), aws, clock));
    }

    /** The inventory the watchdog's sweeps keep in this deployment, as the playbook worker reads it. */
    public io.portcullis.inventory.LastKnownConfigurations inventory() {
        return new io.portcullis.aws.DynamoDbInventory(() -> dynamoDb, deployment.inventoryTable());
    }

    /** The incidents of this deployment, as the report reads them. */
    public io.portcullis.incident.IncidentStore incidents() {
        return new DynamoDbIncidentStore(dynamoDb, deployment.incidentsTable(), Json.mapper());
    }

    public Optional<Incident> incident(String incidentId) {
        return new DynamoDbIncidentStore(dynamoDb, deployment.incidentsTable(), Json.mapper()).find(incidentId);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public Ec2Client ec2() {
        return ec2;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public SfnClient sfn() {
        return sfn;
    }

    public LocalSlack slack() {
        return slack;
    }

    public LocalDeployment deployment() {
        return deployment;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public DetectorHandler detector() {
        return detector;
    }

    public PlaybookStepHandler worker() {
        return worker;
    }

    @Override
    public void close() {
        if (slack != null) {
            slack.close();
        }
    }
}
