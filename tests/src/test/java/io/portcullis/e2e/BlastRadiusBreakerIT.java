package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.Sandbox;
import io.portcullis.network.IngressRule;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.safeguard.Safeguards;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The blast-radius breaker in the emulator: a burst of N+1 automatic P1s in one account (N from the shipped
 * protocol's {@code safeguards.breaker.maxAutomatic}), delivered at once to the real detector. The conditional slots
 * in DynamoDB let exactly N remediate; the rest waits at the approval gate, and on-call is paged once.
 */
class BlastRadiusBreakerIT {

    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";

    @Test
    void nPlusOneAutomaticP1sInABurstRemediateNWaitForApprovalWithTheRestAndPageOnce() throws Exception {
        int n = Safeguards.defaults().breaker().maxAutomatic();
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        List<Sandbox> groups = new ArrayList<>();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            Sandbox group = Sandbox.create(p.runtime.ec2(), "web-prod-" + UUID.randomUUID().toString().substring(0, 8),
                    "production");
            groups.add(group);
            events.add(EventReplay.applyIngress(p.runtime.ec2(), EventReplay.retarget(
                    EventReplay.load(p.root.resolve("events").resolve(CONSOLE_SSH)), group.groupId())));
        }

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<JsonNode>> answers = new ArrayList<>();
        for (ObjectNode event : events) {
            answers.add(pool.submit(() -> {
                go.await();
                return p.detect(event);
            }));
        }
        go.countDown();
        List<String> incidentIds = new ArrayList<>();
        for (Future<JsonNode> answer : answers) {
            incidentIds.add(answer.get().path("incidentId").asText());
        }
        pool.shutdown();
        List<LocalRuntime.Execution> executions = new ArrayList<>();
        for (String id : incidentIds) {
            executions.add(p.runtime.runPlaybook(id));
        }
        p.runtime.runSteps();

        List<Incident> incidents = incidentIds.stream().map(id -> p.runtime.incident(id).orElseThrow()).toList();
        assertThat(incidents).extracting(Incident::priority).containsOnly(Priority.P1);
        List<Incident> automatic = incidents.stream().filter(i -> i.response() == Response.AUTO).toList();
        List<Incident> held = incidents.stream().filter(i -> i.response() == Response.APPROVAL).toList();
        assertThat(automatic).hasSize(n).allSatisfy(i -> assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED));
        assertThat(held).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
            assertThat(i.timeline().get(0).detail()).contains("Blast-radius breaker open for account 123456789012");
            assertThat(i.decision().inputs()).containsKey("breaker");
        });
        assertThat(executions).filteredOn(e -> e.status() == ExecutionStatus.SUCCEEDED).hasSize(n);
        assertThat(executions).filteredOn(e -> e.status() == ExecutionStatus.RUNNING).singleElement()
                .satisfies(e -> assertThat(e.states()).endsWith("AwaitApproval")
                        .doesNotContain("RevokeOffendingIngress"));
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isEqualTo(n);
        // The held-back group still has its world-open rule; the others do not.
        String heldGroup = held.get(0).resource().id();
        for (Sandbox group : groups) {
            List<IngressRule> rules = new io.portcullis.aws.Ec2SecurityGroups(r -> p.runtime.ec2()).describe(
                    io.portcullis.change.ResourceRef.securityGroup(group.groupId(), "123456789012", "us-east-1"))
                    .orElseThrow().ingress();
            assertThat(rules.size()).as(group.groupId()).isEqualTo(group.groupId().equals(heldGroup) ? 2 : 1);
        }

        // One page: one message on the alert queue, one alert in Slack.
        List<Message> alerts = p.runtime.sqs().receiveMessage(r -> r.queueUrl(p.runtime.deployment().alertQueueUrl())
                .maxNumberOfMessages(10)).messages();
        assertThat(alerts).singleElement().satisfies(m -> {
            JsonNode body = Json.mapper().readTree(m.body());
            assertThat(body.path("alert").asText()).isEqualTo("breaker-open");
            assertThat(body.path("account").asText()).isEqualTo("123456789012");
            assertThat(body.path("incidentId").asText()).isEqualTo(held.get(0).incidentId());
        });
        assertThat(p.runtime.slack().messages()).filteredOn(m -> m.text().contains("Portcullis alert"))
                .singleElement().satisfies(m -> assertThat(m.text()).contains("Blast-radius breaker open"));
    }
}
