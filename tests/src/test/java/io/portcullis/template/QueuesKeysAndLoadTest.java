package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.template.PolicyEvaluation.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Steps and pages cannot be forged, task tokens are kept under a key only their two users hold, the signing secret is
 * the Slack endpoint's alone, and the public endpoint cannot starve detection (issue 14): read from the template as
 * CloudFormation receives it ({@link TransformedTemplate}).
 */
class QueuesKeysAndLoadTest {

    static final String SIGNING_SECRET = TransformedTemplate.ALL_SET.get("SlackSigningSecretArn");
    static final String ADMIN = "arn:aws:iam::123456789012:role/Administrator";

    final TransformedTemplate t = TransformedTemplate.with(Map.of());

    List<JsonNode> statements(JsonNode document) {
        List<JsonNode> out = new ArrayList<>();
        document.path("Statement").forEach(out::add);
        return out;
    }

    /** Roles whose policies let them send to the queue. */
    Set<String> senders(String queueArn) {
        Set<String> out = new TreeSet<>();
        t.ofType("AWS::IAM::Role").keySet().forEach(role -> {
            if (t.inlineStatements(role).stream().anyMatch(s -> PolicyEvaluation.applies(s, "Allow",
                    new Request("sqs:SendMessage", queueArn)))) {
                out.add(t.attribute(role, "Arn"));
            }
        });
        return out;
    }

    /**
     * Every queue has a policy; whoever is not one of the roles that send to it is refused sqs:SendMessage, whatever
     * their IAM policies allow (an administrator forging a step or a page included); AWS services only as a queue's
     * own Allow admits them (EventBridge's rules, to the failed-events queue).
     */
    @Test
    void everyQueueTakesMessagesOnlyFromTheRolesThatSendToIt() {
        Map<String, List<JsonNode>> policies = new TreeMap<>();
        t.ofType("AWS::SQS::QueuePolicy").keySet().forEach(p -> {
            JsonNode props = t.properties(p);
            props.path("Queues").forEach(q -> policies.computeIfAbsent(q.asText(), k -> new ArrayList<>())
                    .addAll(statements(props.path("PolicyDocument"))));
        });
        Map<String, JsonNode> queues = t.ofType("AWS::SQS::Queue");
        assertThat(queues).hasSizeGreaterThanOrEqualTo(4);
        Set<String> roles = new TreeSet<>();
        t.ofType("AWS::IAM::Role").keySet().forEach(r -> roles.add(t.attribute(r, "Arn")));
        roles.add(ADMIN);
        queues.keySet().forEach(queue -> {
            List<JsonNode> policy = policies.get(t.ref(queue));
            assertThat(policy).as(queue + " has a queue policy").isNotNull();
            String arn = t.attribute(queue, "Arn");
            Set<String> senders = senders(arn);
            for (String principal : roles) {
                Request send = new Request("sqs:SendMessage", arn).with("aws:PrincipalArn", principal)
                        .with("aws:PrincipalIsAWSService", "false");
                boolean denied = policy.stream().anyMatch(s -> PolicyEvaluation.applies(s, "Deny", send));
                assertThat(denied).as(queue + ": " + principal + " refused").isEqualTo(!senders.contains(principal));
            }
            Request service = new Request("sqs:SendMessage", arn).with("aws:PrincipalIsAWSService", "true");
            assertThat(policy).as(queue + ": no Deny for AWS services, each admitted by its own Allow")
                    .noneMatch(s -> PolicyEvaluation.applies(s, "Deny", service));
            policy.stream().filter(s -> s.path("Effect").asText().equals("Allow")).forEach(s ->
                    assertThat(s.path("Condition").path("ArnEquals").path("aws:SourceArn").asText())
                            .as(queue + ": a service is admitted only from this account's resources")
                            .startsWith("arn:aws:events:" + TransformedTemplate.REGION + ":" + TransformedTemplate.ACCOUNT));
        });
        assertThat(senders(t.attribute("StepQueue", "Arn"))).as("who may send a step").containsExactlyInAnyOrder(
                t.attribute("PlaybookRole", "Arn"), t.attribute("DetectorRole", "Arn"), t.attribute("InteractionRole", "Arn"));
    }

    /** Queues something is sent to when it failed: SQS's redrive targets, failure destinations, rules' dead letters. */
    Set<String> deadLetterQueues() {
        Set<String> out = new TreeSet<>();
        t.ofType("AWS::SQS::Queue").keySet().forEach(q -> {
            String target = t.properties(q).path("RedrivePolicy").path("deadLetterTargetArn").asText("");
            if (!target.isEmpty()) {
                out.add(target);
            }
        });
        t.ofType("AWS::Lambda::EventInvokeConfig").keySet().forEach(c ->
                out.add(t.properties(c).path("DestinationConfig").path("OnFailure").path("Destination").asText()));
        t.ofType("AWS::Events::Rule").keySet().forEach(r -> t.properties(r).path("Targets").forEach(target ->
                out.add(target.path("DeadLetterConfig").path("Arn").asText())));
        out.remove("");
        return out;
    }

    /** A message in any dead-letter queue (or the failed-events queue) raises an alarm, to a topic when one is set. */
    @Test
    void everyDeadLetterQueueHasAnAlarm() {
        Set<String> dlqs = deadLetterQueues();
        assertThat(dlqs).contains(t.attribute("StepDeadLetterQueue", "Arn"), t.attribute("DetectorFailedEventsQueue", "Arn"));
        TransformedTemplate withTopic = TransformedTemplate.with(TransformedTemplate.ALL_SET);
        for (String dlq : dlqs) {
            String name = dlq.substring(dlq.lastIndexOf(':') + 1);
            List<String> alarms = new ArrayList<>();
            t.ofType("AWS::CloudWatch::Alarm").keySet().forEach(a -> {
                JsonNode p = t.properties(a);
                if (p.path("Dimensions").toString().contains("\"Value\":\"" + name + "\"")) {
                    alarms.add(a);
                    assertThat(p.path("Namespace").asText()).isEqualTo("AWS/SQS");
                    assertThat(p.path("MetricName").asText()).isEqualTo("ApproximateNumberOfMessagesVisible");
                    assertThat(p.path("Threshold").asDouble()).isEqualTo(1.0);
                    assertThat(p.path("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
                    assertThat(p.has("AlarmActions")).as(a + " with no topic set").isFalse();
                    assertThat(withTopic.properties(a).path("AlarmActions").toString()).contains("on-call");
                }
            });
            assertThat(alarms).as("an alarm on " + dlq).hasSize(1);
        }
    }

    /**
     * Reservations are parameters where 0 means none (a new account's limit of 10 leaves nothing to reserve): by
     * default no function reserves any; set, each function reserves what its parameter says.
     */
    @Test
    void reservationsOfZeroReserveNothing() {
        t.ofType("AWS::Lambda::Function").keySet().forEach(f ->
                assertThat(t.properties(f).has("ReservedConcurrentExecutions")).as(f).isFalse());
        TransformedTemplate reserved = TransformedTemplate.with(TransformedTemplate.ALL_SET);
        Map<String, Integer> expected = Map.of("DetectorFunction", 20, "RemediatorFunction", 5, "InteractionFunction", 3);
        reserved.ofType("AWS::Lambda::Function").keySet().forEach(f -> {
            JsonNode value = reserved.properties(f).path("ReservedConcurrentExecutions");
            if (expected.containsKey(f)) {
                assertThat(value.asInt()).as(f).isEqualTo(expected.get(f));
            } else {
                assertThat(value.isMissingNode()).as(f).isTrue();
            }
        });
    }

    /** The public Slack route is throttled on its stage, at the parameters' rates. */
    @Test
    void theSlackRouteIsThrottled() {
        TransformedTemplate tight = TransformedTemplate.with(TransformedTemplate.ALL_SET);
        Map<String, JsonNode> stages = tight.ofType("AWS::ApiGatewayV2::Stage");
        assertThat(stages).hasSize(1);
        JsonNode settings = tight.properties(stages.keySet().iterator().next()).path("DefaultRouteSettings");
        assertThat(settings.path("ThrottlingBurstLimit").asInt()).isEqualTo(7);
        assertThat(settings.path("ThrottlingRateLimit").asInt()).isEqualTo(3);
    }

    /**
     * The task-token key rotates; of every role only the worker's and the Slack interaction function's may encrypt or
     * decrypt with it (the key's policy and the role's policy both say so), each only from its own function; both
     * functions are told the key; no one is given grants.
     */
    @Test
    void onlyTheWorkerAndTheSlackInteractionsUseTheTaskTokenKey() {
        JsonNode key = t.properties("TaskTokenKey");
        assertThat(key.path("EnableKeyRotation").asBoolean()).isTrue();
        List<JsonNode> keyPolicy = statements(key.path("KeyPolicy"));
        String keyArn = t.attribute("TaskTokenKey", "Arn");
        String alias = t.properties("TaskTokenKeyAlias").path("AliasName").asText();
        Set<String> users = new TreeSet<>();
        Map<String, String> functions = new TreeMap<>();
        t.ofType("AWS::Lambda::Function").keySet().forEach(f -> functions.put(
                t.resources.path(f).path("Properties").path("Role").path("Fn::GetAtt").path(0).asText(),
                t.lambdaArn(t.properties(f).path("FunctionName").asText())));
        t.ofType("AWS::IAM::Role").keySet().forEach(role -> {
            for (String action : List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")) {
                Request use = new Request(action, keyArn).with("aws:PrincipalArn", t.attribute(role, "Arn"))
                        .with("kms:ResourceAliases", alias)
                        .with("kms:EncryptionContext:portcullis:approvalId", "apr-1")
                        .with("lambda:SourceFunctionArn", functions.getOrDefault(role, "none"));
                boolean byKey = keyPolicy.stream().anyMatch(s -> PolicyEvaluation.applies(s, "Allow", use));
                boolean byRole = t.inlineStatements(role).stream().anyMatch(s -> PolicyEvaluation.applies(s, "Allow", use));
                if (byKey && byRole) {
                    users.add(role);
                    boolean elsewhere = t.inlineStatements(role).stream().anyMatch(s -> PolicyEvaluation.applies(s,
                            "Allow", use.with("lambda:SourceFunctionArn", RoleHardeningTest.INTRUDER)));
                    assertThat(elsewhere).as(role + " from another function").isFalse();
                }
            }
        });
        assertThat(users).containsExactlyInAnyOrder("RemediatorRole", "InteractionRole");
        Request noContext = new Request("kms:Decrypt", keyArn).with("aws:PrincipalArn", t.attribute("RemediatorRole", "Arn"));
        assertThat(keyPolicy).as("the key opens only tokens sealed for an approval")
                .noneMatch(s -> PolicyEvaluation.applies(s, "Allow", noContext));
        Request admin = new Request("kms:Decrypt", keyArn).with("aws:PrincipalArn", ADMIN);
        assertThat(keyPolicy).as("an administrator cannot decrypt").noneMatch(s -> PolicyEvaluation.applies(s, "Allow", admin));
        assertThat(keyPolicy).as("nobody may create grants").noneMatch(s -> PolicyEvaluation.applies(s, "Allow",
                new Request("kms:CreateGrant", keyArn).with("aws:PrincipalArn", ADMIN)));
        for (String f : List.of("RemediatorFunction", "InteractionFunction")) {
            assertThat(t.properties(f).path("Environment").path("Variables").path("PORTCULLIS_TOKEN_KEY_ID").asText())
                    .as(f).isEqualTo(keyArn);
        }
    }

    /**
     * With SlackSigningSecretArn set, only the Slack interaction function is told it and only its role (from its
     * function) may read it; left empty (stacks from before it), nobody is told a second secret.
     */
    @Test
    void theSigningSecretIsTheSlackInteractionsAlone() {
        TransformedTemplate split = TransformedTemplate.with(TransformedTemplate.ALL_SET);
        List<String> readers = new ArrayList<>();
        split.ofType("AWS::IAM::Role").keySet().forEach(role -> {
            Request read = new Request("secretsmanager:GetSecretValue", SIGNING_SECRET)
                    .with("lambda:SourceFunctionArn", split.lambdaArn(split.stack + "-slack-interactions"));
            if (split.inlineStatements(role).stream().anyMatch(s -> PolicyEvaluation.applies(s, "Allow", read))) {
                readers.add(role);
            }
        });
        assertThat(readers).containsExactly("InteractionRole");
        split.ofType("AWS::Lambda::Function").keySet().forEach(f -> {
            JsonNode variables = split.properties(f).path("Environment").path("Variables");
            assertThat(variables.path("PORTCULLIS_SLACK_SIGNING_SECRET_ID").asText(null)).as(f)
                    .isEqualTo(f.equals("InteractionFunction") ? SIGNING_SECRET : null);
        });
        t.ofType("AWS::Lambda::Function").keySet().forEach(f -> assertThat(t.properties(f).path("Environment")
                .path("Variables").has("PORTCULLIS_SLACK_SIGNING_SECRET_ID")).as(f).isFalse());
    }

    /** The detector knows the worker's function name: a change is Portcullis' own only from that function's session. */
    @Test
    void theDetectorIsToldTheWorkersFunctionName() {
        assertThat(t.properties("DetectorFunction").path("Environment").path("Variables")
                .path("PORTCULLIS_WORKER_FUNCTION_NAME").asText())
                .isEqualTo(t.properties("RemediatorFunction").path("FunctionName").asText())
                .isEqualTo(t.stack + "-remediator");
    }
}
