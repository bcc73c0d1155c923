package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.DynamoDbApprovalStore;
import io.portcullis.aws.DynamoDbSafeguards;
import io.portcullis.aws.KmsTokenSealer;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.network.IngressRule;
import io.portcullis.playbook.PlaybookWorker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issue 14, the playbook worker: what someone who can write to the step queue, or who can see the breaker and the
 * kill switch, can no longer make Portcullis do. Each attack is tried against the emulator, changes nothing it should
 * not, and is logged (and put on the incident's timeline) with its reason.
 */
class ForgedStepAttackIT {

    static final String CLI_RDP = "cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json";
    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";

    private JsonLogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = new JsonLogCapture();
    }

    @AfterEach
    void stopCapturing() throws Exception {
        logs.close();
    }

    /** A P2 change (RDP to the world from the CLI) whose execution waits at its approval gate. */
    static String atTheGate(LocalPortcullis p) {
        JsonNode answer = p.detect(p.applied(CLI_RDP));
        String incidentId = answer.path("incidentId").asText();
        assertThat(answer.path("priority").asText()).isEqualTo("P2");
        assertThat(p.runtime.runPlaybook(incidentId).states()).endsWith("AwaitApproval");
        return incidentId;
    }

    /** A message on the step queue as the state machine would write it, with a token of the sender's choosing. */
    static ObjectNode forged(LocalPortcullis p, String incidentId, String step, String type) {
        ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "forged-" + step)
                .put("execution", p.runtime.executionArn(incidentId)).put("incidentId", incidentId)
                .put("playbook", "security-group-ingress").put("step", step).put("type", type).put("dryRun", false);
        body.putNull("slack");
        body.putNull("decision");
        return body;
    }

    static void send(LocalPortcullis p, ObjectNode body) {
        p.runtime.sqs().sendMessage(r -> r.queueUrl(p.runtime.deployment().stepQueueUrl()).messageBody(body.toString()));
    }

    /** Messages left on the step queue (visible or in flight): a refused message must not stay to block it. */
    static int leftOnTheQueue(LocalPortcullis p) {
        Map<QueueAttributeName, String> a = p.runtime.sqs().getQueueAttributes(r -> r
                .queueUrl(p.runtime.deployment().stepQueueUrl()).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    void refusedAndLogged(LocalPortcullis p, String incidentId, String step, String reason) {
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.timeline()).last().satisfies(t -> {
            assertThat(t.step()).isEqualTo(PlaybookWorker.REFUSED_STEP);
            assertThat(t.detail()).contains("for step " + step).contains(reason).endsWith("Nothing was done.");
        });
        assertThat(logs.warnings()).anySatisfy(w -> assertThat(w).startsWith("Refused step " + step)
                .contains("of incident " + incidentId).contains(reason).doesNotContain("forged-"));
        assertThat(leftOnTheQueue(p)).as("the refused message was dropped, not retried").isZero();
    }

    @Test
    void aForgedRemediateStepForAnIncidentWaitingAtItsGateIsNotRun() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String incidentId = atTheGate(p);
        List<IngressRule> rulesBefore = p.liveRules();
        long answersBefore = p.calls.count("SendTaskSuccess") + p.calls.count("SendTaskFailure");
        ObjectNode remediate = forged(p, incidentId, "RevokeOffendingIngress", "remediate")
                .put("action", "revoke-ingress");
        remediate.putObject("snapshot");

        send(p, remediate);
        p.runtime.runSteps();

        assertThat(p.liveRules()).isEqualTo(rulesBefore);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isZero();
        assertThat(p.calls.count("SendTaskSuccess") + p.calls.count("SendTaskFailure")).isEqualTo(answersBefore);
        assertThat(p.runtime.incident(incidentId).orElseThrow().status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
        LocalRuntime.Execution e = p.runtime.execution(incidentId);
        assertThat(e.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(e.states()).endsWith("AwaitApproval");
        refusedAndLogged(p, incidentId, "RevokeOffendingIngress",
                "is at state AwaitApproval, not at step RevokeOffendingIngress");
    }

    @Test
    void aForgedRejectionNeitherRejectsTheIncidentNorRecordsAnAcceptedRisk() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String incidentId = atTheGate(p);
        ObjectNode rejected = forged(p, incidentId, "AwaitApproval.Rejected", "rejected");
        rejected.putObject("error").put("Error", "Portcullis.Rejected")
                .put("Cause", "{\"by\":\"U0MALLORY\",\"reason\":\"accepted, trust me\"}");

        send(p, rejected);
        p.runtime.runSteps();

        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
        assertThat(incident.acceptedRisk()).isNull();
        assertThat(incident.timeline()).noneSatisfy(t -> assertThat(t.detail()).contains("U0MALLORY"));
        assertThat(p.runtime.execution(incidentId).states()).endsWith("AwaitApproval");
        refusedAndLogged(p, incidentId, "AwaitApproval.Rejected",
                "is at state AwaitApproval, not at step AwaitApproval.Rejected");
    }

    @Test
    void aCopyOfTheWaitingStepWithAnotherTokenIsNotRun() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String incidentId = atTheGate(p);
        int asksBefore = p.runtime.slack().messages().size();
        ObjectNode copy = forged(p, incidentId, "AwaitApproval", "approve").put("timeoutSeconds", 1)
                .put("onTimeout", "remediate");

        send(p, copy);
        p.runtime.runSteps();

        assertThat(p.runtime.slack().messages()).as("no second gate was asked").hasSize(asksBefore);
        refusedAndLogged(p, incidentId, "AwaitApproval", "differs");
    }

    @Test
    void anApprovedFixPastTheBreakerIsPausedAndPaged() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String incidentId = atTheGate(p);
        // A burst elsewhere in the account holds every slot of the breaker.
        DynamoDbSafeguards slots = new DynamoDbSafeguards(() -> p.runtime.dynamoDb(),
                p.runtime.deployment().safeguardsTable());
        int max = io.portcullis.safeguard.Safeguards.defaults().breaker().maxAutomatic();
        Instant now = Instant.now();
        for (int slot = 0; slot < max; slot++) {
            assertThat(slots.claim("123456789012", slot, "inc-burst-" + slot, now, now.plusSeconds(600))).isTrue();
        }
        List<IngressRule> rulesBefore = p.liveRules();
        LocalSlack.Request ask = p.runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "approval:" + incidentId).isMissingNode()).findFirst().orElseThrow();

        int clicked = p.runtime.click(SlackClicks.click("U0ONCALL1", SlackClicks.button(ask, "approval:", "approve"),
                null), Instant.now()).getStatusCode();
        p.runtime.runPlaybook(incidentId);

        assertThat(clicked).isEqualTo(200);
        assertThat(p.liveRules()).isEqualTo(rulesBefore);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isZero();
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.detail())
                .startsWith("Escalated to a person: Paused by the blast-radius breaker for account 123456789012"));
        assertThat(incident.timeline()).anySatisfy(t -> {
            assertThat(t.step()).isEqualTo("paged");
            assertThat(t.detail()).startsWith(io.portcullis.safeguard.Pager.BREAKER_OPEN + ": Paused by the"
                    + " blast-radius breaker");
        });
        List<String> pages = p.runtime.sqs().receiveMessage(r -> r.queueUrl(p.runtime.deployment().alertQueueUrl())
                .maxNumberOfMessages(10)).messages().stream().map(m -> m.body()).toList();
        assertThat(pages).anySatisfy(m -> assertThat(m).contains(io.portcullis.safeguard.Pager.BREAKER_OPEN)
                .contains(incidentId));
    }

    @Test
    void undoChangesNothingWhileTheKillSwitchIsOff() {
        // The worker reads the switch at every step (no 30-second cache), as a fresh container would.
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE, env -> env.put(
                io.portcullis.aws.SafeguardSettings.KILL_SWITCH_CACHE_SECONDS, "0"));
        JsonNode answer = p.detect(p.applied(CONSOLE_SSH));
        String incidentId = answer.path("incidentId").asText();
        p.runtime.runPlaybook(incidentId);
        Incident contained = p.runtime.incident(incidentId).orElseThrow();
        assertThat(contained.revokedRules()).isNotEmpty();
        List<IngressRule> rulesBefore = p.liveRules();
        long authorisedBefore = p.calls.count("AuthorizeSecurityGroupIngress");
        LocalSlack.Request offer = p.runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "undo:" + incidentId).isMissingNode()).findFirst().orElseThrow();
        p.setup.ssm().putParameter(r -> r.name(p.runtime.deployment().killSwitchParameter()).value("dry-run")
                .overwrite(true));

        int clicked = p.runtime.click(SlackClicks.click("U0ONCALL1", SlackClicks.button(offer, "undo:", "undo"), null),
                Instant.now()).getStatusCode();
        p.runtime.runSteps();

        assertThat(clicked).isEqualTo(200);
        assertThat(p.liveRules()).isEqualTo(rulesBefore);
        assertThat(p.calls.count("AuthorizeSecurityGroupIngress")).isEqualTo(authorisedBefore);
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.timeline()).noneSatisfy(t -> assertThat(t.step()).isEqualTo("undone"));
        assertThat(incident.timeline()).last().satisfies(t -> {
            assertThat(t.step()).isEqualTo("undo-refused");
            assertThat(t.detail()).contains("was not run: kill switch").contains("is set to dry-run");
        });
        assertThat(p.runtime.slack().messages()).anySatisfy(m -> assertThat(m.text()).contains("was not run: kill switch"));
        assertThat(logs.lines()).anySatisfy(l -> assertThat(l.path("message").asText())
                .contains("undo of incident " + incidentId + ": Undo by U0ONCALL1 was not run"));
    }

    @Test
    void aTaskTokenReadFromTheApprovalsTableCompletesNoGate() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String incidentId = atTheGate(p);
        String table = p.runtime.deployment().approvalsTable();
        Map<String, AttributeValue> row = p.runtime.dynamoDb().scanPaginator(r -> r.tableName(table)).items().stream()
                .filter(i -> i.get("incidentId").s().equals(incidentId)).findFirst().orElseThrow();
        String approvalId = row.get("approvalId").s();

        assertThat(row).doesNotContainKey("taskToken").containsKey(DynamoDbApprovalStore.SEALED_TOKEN);
        String sealed = row.get(DynamoDbApprovalStore.SEALED_TOKEN).s();
        assertThatThrownBy(() -> p.setup.sfn().sendTaskSuccess(r -> r.taskToken(sealed).output("{}")))
                .isInstanceOf(software.amazon.awssdk.services.sfn.model.InvalidTokenException.class);
        assertThat(p.runtime.execution(incidentId).status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(p.runtime.execution(incidentId).states()).endsWith("AwaitApproval");

        // The sealed token copied onto another approval's row does not open there, and a row holding a token in the
        // clear (as an older version wrote it) is not used: neither gives the interaction a token to resume with.
        DynamoDbApprovalStore store = new DynamoDbApprovalStore(p.runtime.dynamoDb(), table, Json.mapper(),
                new KmsTokenSealer(() -> p.setup.kms(), p.runtime.deployment().tokenKeyId()));
        assertThat(store.find(approvalId).orElseThrow().taskToken()).as("the worker and the interaction open it")
                .isNotBlank();
        Map<String, AttributeValue> copied = new java.util.HashMap<>(row);
        copied.put("approvalId", AttributeValue.fromS("apv-copied"));
        p.runtime.dynamoDb().putItem(r -> r.tableName(table).item(copied));
        Map<String, AttributeValue> plain = new java.util.HashMap<>(row);
        plain.remove(DynamoDbApprovalStore.SEALED_TOKEN);
        plain.put("approvalId", AttributeValue.fromS("apv-plaintext"));
        plain.put("taskToken", AttributeValue.fromS("a-token-in-the-clear"));
        p.runtime.dynamoDb().putItem(r -> r.tableName(table).item(plain));

        assertThat(store.find("apv-copied").orElseThrow().taskToken()).isNull();
        assertThat(store.find("apv-plaintext").orElseThrow().taskToken()).isNull();
        assertThat(logs.warnings()).anySatisfy(w -> assertThat(w).startsWith("Approval apv-copied of incident "
                + incidentId + ": its sealed task token does not open"));
        assertThat(logs.warnings()).anySatisfy(w -> assertThat(w).startsWith("Approval apv-plaintext of incident "
                + incidentId + " holds a task token in the clear").doesNotContain("a-token-in-the-clear"));
    }
}
