package io.portcullis.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.detector.DetectorFunction;
import io.portcullis.detector.DetectorHandler;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.remediator.RemediationHandler;
import io.portcullis.remediator.RemediatorFunction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Portcullis deployed into the local emulator: the template's table and queues created, and the real detector and
 * remediation handlers built by their own composition roots from the same environment variables template.yaml sets.
 * Handlers are invoked in-process exactly as Lambda invokes them (raw event stream; SQS batches through Lambda's own
 * event serializer).
 */
public final class LocalRuntime {

    /** The role the local remediation function "runs as"; its own changes are never judged. */
    public static final String REMEDIATOR_ROLE_ARN = "arn:aws:iam::123456789012:role/portcullis-remediator";

    private final AwsConnection aws;
    private final Ec2Client ec2;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final LocalDeployment deployment;
    private final Map<String, String> environment;
    private final DetectorHandler detector;
    private final RemediationHandler remediator;

    private LocalRuntime(AwsConnection aws, LocalDeployment deployment, Map<String, String> environment) {
        this.aws = aws;
        this.ec2 = aws.ec2();
        this.dynamoDb = aws.dynamoDb();
        this.sqs = aws.sqs();
        this.deployment = deployment;
        this.environment = Map.copyOf(environment);
        FunctionSettings settings = FunctionSettings.fromEnvironment(environment);
        this.detector = new DetectorHandler(DetectorFunction.build(settings, aws));
        this.remediator = new RemediationHandler(RemediatorFunction.build(settings, aws));
    }

    /** Deploys a fresh, uniquely named copy of the template's resources and builds both functions against it. */
    public static LocalRuntime deploy(Path repositoryRoot, AwsConnection aws, RemediationMode mode) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        LocalDeployment deployment;
        try (DynamoDbClient d = aws.dynamoDb(); SqsClient s = aws.sqs()) {
            deployment = LocalDeployment.create(repositoryRoot.resolve("template.yaml"), d, s, suffix);
        }
        Map<String, String> env = Map.of(
                FunctionSettings.INCIDENTS_TABLE, deployment.incidentsTable(),
                FunctionSettings.REMEDIATION_QUEUE_URL, deployment.remediationQueueUrl(),
                FunctionSettings.REMEDIATION_MODE, mode.value(),
                FunctionSettings.OWN_ROLE_ARNS, REMEDIATOR_ROLE_ARN,
                FunctionSettings.ACCOUNT_ID, "123456789012");
        return new LocalRuntime(aws, deployment, env);
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

    /** Plays the SQS event-source mapping until the remediation queue is empty; returns the messages completed. */
    public int runRemediations() {
        return new LocalSqsEventSource(sqs, deployment.remediationQueueUrl(), deployment.remediationQueueArn(),
                aws.region().id()).drain(remediator, () -> new LocalLambdaContext("portcullis-remediator", 30, 512));
    }

    public Optional<Incident> incident(String incidentId) {
        return new DynamoDbIncidentStore(dynamoDb, deployment.incidentsTable(), Json.mapper()).find(incidentId);
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

    public LocalDeployment deployment() {
        return deployment;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public DetectorHandler detector() {
        return detector;
    }

    public RemediationHandler remediator() {
        return remediator;
    }
}
