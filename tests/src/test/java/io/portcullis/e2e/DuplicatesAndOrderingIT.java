package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.network.IngressRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Issue 8, duplicates and ordering: EventBridge delivers at least once and in no particular order, and Portcullis'
 * own changes come back to it as CloudTrail events. Whatever the order and however many copies: one incident, one
 * action, no loop.
 */
class DuplicatesAndOrderingIT {

    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";
    static final String CONSOLE_REVOKE = "cloudtrail/ec2-revoke-ssh-world-console.json";
    static final String BY_PORTCULLIS = "cloudtrail/ec2-authorize-ssh-world-by-portcullis.json";

    @Test
    void sixteenCopiesAndRepeatsAtOnceMakeOneIncidentOneExecutionAndOneRevoke() throws Exception {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode event = p.applied(CONSOLE_SSH);
        // Ten redeliveries of the same event and six repeats of the same change under new event ids (a retrying
        // client, a Terraform loop), all at once.
        List<ObjectNode> deliveries = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ObjectNode copy = event.deepCopy();
            if (i >= 10) {
                ((ObjectNode) copy.path("detail")).put("eventID", UUID.randomUUID().toString());
            }
            deliveries.add(copy);
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(deliveries.size());
        List<Future<String>> results = new ArrayList<>();
        for (ObjectNode delivery : deliveries) {
            results.add(pool.submit(() -> {
                go.await();
                return p.detect(delivery).path("outcome").asText();
            }));
        }
        go.countDown();
        List<String> outcomes = new ArrayList<>();
        for (Future<String> f : results) {
            outcomes.add(f.get());
        }
        pool.shutdown();
        String incidentId = p.runtime.incidentIds().get(0);
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(outcomes).filteredOn("incident-opened"::equals).hasSize(1);
        assertThat(outcomes).as("the same event id again is a duplicate, whichever copy came first")
                .filteredOn("duplicate"::equals).hasSize(9);
        assertThat(outcomes).as("a repeat under a new event id is attached").filteredOn(
                "attached-to-open-incident"::equals).hasSize(6);
        assertThat(p.incidentRows()).hasSize(1);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(p.runtime.sfn().listExecutions(r -> r.stateMachineArn(
                p.runtime.deployment().playbooks().get("security-group"))).executions()).hasSize(1);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isEqualTo(1);
        assertThat(p.liveRules()).extracting(IngressRule::ruleId).containsExactly(p.sandbox.harmlessRuleId());
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.occurrences()).as("every repeat under a new event id is counted on the one incident")
                .isEqualTo(1 + 6);
    }

    /**
     * A Terraform loop and a redelivery storm on one open incident, far past the 20 repeats its timeline names: every
     * repeat is attached once, every redelivery is a duplicate, whatever the order and however many run at once.
     */
    @Test
    void overAHundredRepeatsAndARedeliveryOfEachAreCountedExactly() throws Exception {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode opener = p.applied(CONSOLE_SSH);
        String incidentId = p.detect(opener).path("incidentId").asText();
        int repeats = 101;
        List<ObjectNode> deliveries = new ArrayList<>();
        List<String> repeatIds = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            ObjectNode repeat = opener.deepCopy();
            String eventId = UUID.randomUUID().toString();
            ((ObjectNode) repeat.path("detail")).put("eventID", eventId);
            repeatIds.add(eventId);
            deliveries.add(repeat);
            deliveries.add(repeat.deepCopy());
        }
        deliveries.add(opener.deepCopy());
        java.util.Collections.shuffle(deliveries, new java.util.Random(13));

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<JsonNode>> results = new ArrayList<>();
        for (ObjectNode delivery : deliveries) {
            // As EventBridge delivers: an asynchronous invocation, retried by Lambda if it throws.
            results.add(pool.submit(() -> p.runtime.deliverEvent(delivery)));
        }
        List<JsonNode> answers = new ArrayList<>();
        for (Future<JsonNode> f : results) {
            answers.add(f.get());
        }
        pool.shutdown();

        assertThat(answers).as("no event went to the failed-events queue").doesNotContainNull();
        assertThat(answers).extracting(a -> a.path("outcome").asText()).filteredOn("attached-to-open-incident"::equals)
                .hasSize(repeats);
        assertThat(answers).extracting(a -> a.path("outcome").asText()).filteredOn("duplicate"::equals)
                .as("each redelivery, and the opening event's").hasSize(repeats + 1);
        assertThat(answers).extracting(a -> a.path("incidentId").asText()).containsOnly(incidentId);
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.occurrences()).isEqualTo(1 + repeats);
        assertThat(incident.timeline()).filteredOn(t -> t.step().equals("repeated"))
                .hasSize(Incident.REPEATS_ON_TIMELINE);
        assertThat(p.incidentRows()).hasSize(1);
        assertThat(p.runtime.incidents().forResource(incident.resourceKey())).extracting(Incident::incidentId)
                .as("the claims stay out of the indexes").containsExactly(incidentId);
        assertThat(p.runtime.incidents().unfinished()).extracting(Incident::incidentId).containsExactly(incidentId);
        // Each repeat's claim names the incident and expires, through the table's time-to-live, 30 days on.
        var claim = p.runtime.dynamoDb().getItem(r -> r.tableName(p.runtime.deployment().incidentsTable())
                .key(java.util.Map.of("incidentId", software.amazon.awssdk.services.dynamodb.model.AttributeValue
                        .fromS("seen|" + repeatIds.get(0))))).item();
        assertThat(claim.get("attachedTo").s()).isEqualTo(incidentId);
        assertThat(Long.parseLong(claim.get(DynamoDbIncidentStore.EXPIRES_AT).n()) - Instant.parse(
                claim.get("attachedAt").s()).getEpochSecond()).isEqualTo(java.time.Duration.ofDays(30).toSeconds());
        assertThat(p.runtime.dynamoDb().describeTimeToLive(r -> r.tableName(p.runtime.deployment().incidentsTable()))
                .timeToLiveDescription().attributeName()).isEqualTo(DynamoDbIncidentStore.EXPIRES_AT);

        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(p.runtime.sfn().listExecutions(r -> r.stateMachineArn(
                p.runtime.deployment().playbooks().get("security-group"))).executions()).hasSize(1);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isEqualTo(1);
    }

    @Test
    void aRevokeArrivingBeforeItsAuthoriseLeavesTheGroupAsTheUserLeftIt() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode authorise = p.applied(CONSOLE_SSH);
        String ruleId = authorise.at("/detail/responseElements/securityGroupRuleSet/items/0/securityGroupRuleId")
                .asText();
        // The user took it back at once; CloudTrail delivers the revoke first.
        p.setup.ec2().revokeSecurityGroupIngress(r -> r.groupId(p.sandbox.groupId()).securityGroupRuleIds(ruleId));
        List<IngressRule> asTheUserLeftIt = p.liveRules();
        long authorisedBefore = p.calls.count("AuthorizeSecurityGroupIngress");

        JsonNode first = p.detect(p.event(CONSOLE_REVOKE));
        JsonNode second = p.detect(authorise);
        String incidentId = second.path("incidentId").asText(null);
        LocalRuntime.Execution execution = incidentId == null ? null : p.runtime.runPlaybook(incidentId);
        JsonNode again = p.detect(authorise);

        assertThat(first.path("outcome").asText()).isEqualTo("compliant");
        assertThat(p.liveRules()).isEqualTo(asTheUserLeftIt);
        assertThat(p.calls.count("AuthorizeSecurityGroupIngress")).isEqualTo(authorisedBefore);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).as("nothing was left to revoke").isZero();
        assertThat(p.incidentRows()).hasSizeLessThanOrEqualTo(1);

        assertThat(again.path("outcome").asText()).isIn("duplicate", "compliant", "ignored");
        if (incidentId != null) {
            // Recorded (the exposure existed), but nothing was left to undo, and that is not a failure.
            assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(execution.states()).doesNotContain("MarkFailed");
            Incident incident = p.runtime.incident(incidentId).orElseThrow();
            assertThat(incident.status()).isNotEqualTo(IncidentStatus.FAILED);
            assertThat(incident.revokedRules()).isEmpty();
            assertThat(incident.outcome()).startsWith("Resolved: ").contains("gone before Portcullis acted")
                    .doesNotContain("Resolved: Resolved");
            assertThat(p.runtime.slack().messages()).anySatisfy(m -> assertThat(m.blocks().toString())
                    .contains("was already gone when Portcullis looked"));
            assertThat(p.runtime.slack().messages()).noneSatisfy(m -> assertThat(
                    m.block("actions", "undo:").isMissingNode()).isFalse());
        }
    }

    @Test
    void theRemediationsOwnEventsAndAnUndoComeBackWithoutALoop() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        String incidentId = p.detect(p.applied(CONSOLE_SSH)).path("incidentId").asText();
        p.runtime.runPlaybook(incidentId);
        long authorisedBefore = p.calls.count("AuthorizeSecurityGroupIngress");
        IngressRule revoked = p.runtime.incident(incidentId).orElseThrow().revokedRules().get(0);

        // The revoke Portcullis made comes back as a CloudTrail event by its own role.
        ObjectNode ownRevoke = p.event(CONSOLE_REVOKE);
        ((ObjectNode) ownRevoke.path("detail")).set("userIdentity",
                p.event(BY_PORTCULLIS).path("detail").path("userIdentity").deepCopy());
        JsonNode revokeSeen = p.detect(ownRevoke);
        // On-call clicks Undo; the worker puts the rule back, and that call comes back too.
        LocalSlack.Request undoOffer = p.runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "undo:").isMissingNode()).findFirst().orElseThrow();
        int clicked = p.runtime.click(SlackClicks.click("U0ONCALL1", SlackClicks.button(undoOffer, "undo:", "undo"),
                null), Instant.now()).getStatusCode();
        p.runtime.runSteps();
        ObjectNode undoEvent = p.event(BY_PORTCULLIS);
        ((ObjectNode) undoEvent.path("detail")).put("eventID", UUID.randomUUID().toString());
        JsonNode undoSeen = p.detect(undoEvent);
        int moreSteps = p.runtime.runSteps();

        assertThat(clicked).isEqualTo(200);
        assertThat(revokeSeen.path("outcome").asText()).isIn("ignored", "compliant");
        assertThat(undoSeen.path("outcome").asText()).isEqualTo("ignored");
        assertThat(moreSteps).isZero();
        assertThat(p.incidentRows()).hasSize(1);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).as("no second revoke of the restored rule").isEqualTo(1);
        assertThat(p.calls.count("AuthorizeSecurityGroupIngress") - authorisedBefore).as("one Undo").isEqualTo(1);
        assertThat(p.liveRules()).anySatisfy(r -> assertThat(r.samePermissionAs(revoked)).isTrue());
    }

    static ObjectNode load(String sample) {
        return EventReplay.load(LocalRuntime.repositoryRoot().resolve("events").resolve(sample));
    }
}
