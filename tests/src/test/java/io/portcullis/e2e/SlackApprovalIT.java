package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.approval.DecideApproval;
import io.portcullis.approval.RequestSignature;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbApprovalStore;
import io.portcullis.aws.SfnWorkflowResumer;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A signed Slack click resumes a real Step Functions execution waiting at a {@code sqs:sendMessage.waitForTaskToken}
 * gate in the emulator; the task token travels only AWS-side (queue → approvals table → SendTaskSuccess).
 */
class SlackApprovalIT {

    static final String SECRET = "fake-signing-secret-for-tests";
    final AwsConnection aws = Emulator.connection();
    final DynamoDbClient dynamoDb = aws.dynamoDb();
    final SqsClient sqs = aws.sqs();
    final SfnClient sfn = aws.sfn();
    final String suffix = UUID.randomUUID().toString().substring(0, 8);

    String approvalsTable() {
        String table = "portcullis-approvals-" + suffix;
        dynamoDb.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("approvalId").attributeType("S"))
                .keySchema(k -> k.attributeName("approvalId").keyType("HASH")));
        return table;
    }

    /** The approvals table, its task tokens sealed with a key of the test's own, as the functions keep them. */
    DynamoDbApprovalStore approvals() {
        String key = aws.kms().createKey(r -> r.description("portcullis-tokens-" + suffix)).keyMetadata().keyId();
        return new DynamoDbApprovalStore(dynamoDb, approvalsTable(), Json.mapper(),
                new io.portcullis.aws.KmsTokenSealer(aws::kms, key));
    }

    /** Starts an execution that waits at the gate; returns its ARN and the token it handed over the queue. */
    String[] executionWaitingAtTheGate(String incidentId) throws Exception {
        String queueUrl = sqs.createQueue(q -> q.queueName("portcullis-gate-" + suffix)).queueUrl();
        String definition = """
                {"StartAt": "AwaitApproval", "States": {
                  "AwaitApproval": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"QueueUrl": "%s", "MessageBody": {"incidentId.$": "$.incidentId", "taskToken.$": "$$.Task.Token"}},
                    "TimeoutSeconds": 900, "End": true}}}""".formatted(queueUrl);
        String machine = sfn.createStateMachine(c -> c.name("portcullis-gate-" + suffix).definition(definition)
                .roleArn("arn:aws:iam::123456789012:role/portcullis-playbook")).stateMachineArn();
        String execution = sfn.startExecution(s -> s.stateMachineArn(machine).name(incidentId)
                .input("{\"incidentId\":\"" + incidentId + "\"}")).executionArn();
        for (int i = 0; i < 50; i++) {
            var messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1)).messages();
            if (!messages.isEmpty()) {
                JsonNode body = Json.mapper().readTree(messages.get(0).body());
                return new String[] {execution, body.path("taskToken").asText()};
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the execution never reached its approval gate");
    }

    static byte[] click(String user, String action, String approvalId, String incidentId, String reason) {
        var root = Json.mapper().createObjectNode().put("type", "block_actions");
        root.putObject("user").put("id", user);
        root.putArray("actions").addObject().put("action_id", action).put("value", approvalId)
                .put("block_id", "approval:" + incidentId);
        if (reason != null) {
            root.putObject("state").putObject("values").putObject("b").putObject("reject_reason").put("value", reason);
        }
        return ("payload=" + URLEncoder.encode(root.toString(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    ExecutionStatus settle(String execution) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            ExecutionStatus status = sfn.describeExecution(d -> d.executionArn(execution)).status();
            if (status != ExecutionStatus.RUNNING) {
                return status;
            }
            Thread.sleep(100);
        }
        return ExecutionStatus.RUNNING;
    }

    @Test
    void aSignedApprovalResumesTheWaitingExecutionAndAReplayChangesNothing() throws Exception {
        String incident = "inc-" + suffix;
        String[] waiting = executionWaitingAtTheGate(incident);
        DynamoDbApprovalStore store = approvals();
        store.create(new Approval("apv-" + suffix, incident, ApprovalStatus.PENDING, Set.of("UONCALL"), Set.of("UALICE"),
                Instant.now().plusSeconds(900), waiting[1], null, null, null, 1));
        RequestSignature signature = new RequestSignature(SECRET);
        DecideApproval decide = new DecideApproval(signature, store, new SfnWorkflowResumer(sfn), Clock.systemUTC());
        byte[] body = click("UONCALL", "approve", "apv-" + suffix, incident, null);
        String ts = Long.toString(Instant.now().getEpochSecond());

        DecideApproval.Outcome self = decide.decide(ts, signature.sign(ts, click("UALICE", "approve", "apv-" + suffix, incident, null)),
                click("UALICE", "approve", "apv-" + suffix, incident, null));
        assertThat(self.status()).isEqualTo(403);
        assertThat(settle(waiting[0])).as("nothing resumed the execution").isEqualTo(ExecutionStatus.RUNNING);

        DecideApproval.Outcome approved = decide.decide(ts, signature.sign(ts, body), body);
        DecideApproval.Outcome replay = decide.decide(ts, signature.sign(ts, body), body);

        assertThat(approved.status()).isEqualTo(200);
        assertThat(replay.status()).isEqualTo(409);
        assertThat(settle(waiting[0])).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode output = Json.mapper().readTree(sfn.describeExecution(d -> d.executionArn(waiting[0])).output());
        assertThat(output.path("decision").asText()).isEqualTo("approved");
        assertThat(output.path("by").asText()).isEqualTo("UONCALL");
        assertThat(store.find("apv-" + suffix).orElseThrow().status()).isEqualTo(ApprovalStatus.APPROVED);
    }

    @Test
    void aRejectionFailsTheGateWithItsReason() throws Exception {
        String incident = "inc-" + suffix;
        String[] waiting = executionWaitingAtTheGate(incident);
        DynamoDbApprovalStore store = approvals();
        store.create(new Approval("apv-" + suffix, incident, ApprovalStatus.PENDING, Set.of("UONCALL"), Set.of(),
                Instant.now().plusSeconds(900), waiting[1], null, null, null, 1));
        RequestSignature signature = new RequestSignature(SECRET);
        byte[] body = click("UONCALL", "reject", "apv-" + suffix, incident, "intended: partner feed, CHG-1234");
        String ts = Long.toString(Instant.now().getEpochSecond());

        DecideApproval.Outcome rejected = new DecideApproval(signature, store, new SfnWorkflowResumer(sfn), Clock.systemUTC())
                .decide(ts, signature.sign(ts, body), body);

        assertThat(rejected.status()).isEqualTo(200);
        assertThat(settle(waiting[0])).isEqualTo(ExecutionStatus.FAILED);
        var failed = sfn.getExecutionHistory(h -> h.executionArn(waiting[0])).events().stream()
                .filter(e -> e.taskFailedEventDetails() != null).findFirst().orElseThrow().taskFailedEventDetails();
        assertThat(failed.error()).isEqualTo(SfnWorkflowResumer.REJECTED);
        // moto 5.2.5 does not return SendTaskFailure's cause in the history; the reason is kept with the approval.
        assertThat(store.find("apv-" + suffix).orElseThrow().reason()).isEqualTo("intended: partner feed, CHG-1234");
        // Where the history does keep the cause (AWS, LocalStack), it carries the decision, who made it and why.
        if (failed.cause() != null) {
            JsonNode cause = Json.mapper().readTree(failed.cause());
            assertThat(cause.path("decision").asText()).isEqualTo("rejected");
            assertThat(cause.path("by").asText()).isEqualTo("UONCALL");
            assertThat(cause.path("reason").asText()).isEqualTo("intended: partner feed, CHG-1234");
        }
    }

    @Test
    void ofManySimultaneousClicksExactlyOneDecides() throws Exception {
        DynamoDbApprovalStore store = approvals();
        Approval pending = new Approval("apv-" + suffix, "inc-x", ApprovalStatus.PENDING, Set.of("U1"), Set.of(),
                Instant.now().plusSeconds(900), "fake-token", null, null, null, 1);
        store.create(pending);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String by = "U" + i;
            results.add(pool.submit(() -> {
                go.await();
                return store.decide(pending.decided(ApprovalStatus.APPROVED, by, Instant.now(), null));
            }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> r : results) {
            won += r.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
    }
}
