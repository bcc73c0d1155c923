package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.local.LocalDeployment;
import io.portcullis.local.LocalRuntime;
import io.portcullis.playbook.RemediationAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Least privilege, read from template.yaml and checked against the code: every role's IAM actions are exactly what
 * its function's code calls (found in the bytecode of the package the template deploys, {@link AwsCallGraph}) plus
 * what Lambda itself does with the role, or, for the playbooks' role, what their state machine definitions call.
 * Nothing missing, nothing extra; no {@code "*"} action; {@code Resource: "*"} only where AWS offers nothing narrower.
 */
class LeastPrivilegeTest {

    /**
     * The actions AWS grants only on {@code Resource: "*"}: in the Service Authorization Reference their row names no
     * resource type (or, for task tokens, none a token can be matched to). Keep this list short and sourced.
     */
    static final Map<String, String> NO_RESOURCE_LEVEL = Map.ofEntries(
            // Amazon EC2: Describe* actions support no resource-level permissions.
            Map.entry("ec2:DescribeSecurityGroups", "EC2 Describe* actions have no resource type"),
            Map.entry("ec2:DescribeSecurityGroupRules", "EC2 Describe* actions have no resource type"),
            Map.entry("ec2:DescribeFlowLogs", "EC2 Describe* actions have no resource type"),
            // AWS Organizations: ListAccounts lists the whole organisation; its row names no resource.
            Map.entry("organizations:ListAccounts", "listing the organisation's accounts has no resource type"),
            // CloudWatch Logs: the log-delivery actions behind flow logs to S3 or Firehose have no resource type.
            Map.entry("logs:CreateLogDelivery", "CloudWatch Logs' log-delivery actions have no resource type"),
            Map.entry("logs:DeleteLogDelivery", "CloudWatch Logs' log-delivery actions have no resource type"),
            // Amazon S3: the account-level public access block has no resource type.
            Map.entry("s3:GetAccountPublicAccessBlock", "the account-level public access block has no resource type"),
            Map.entry("s3:PutAccountPublicAccessBlock", "the account-level public access block has no resource type"),
            // Amazon S3: ListBuckets (s3:ListAllMyBuckets) lists the account's buckets; its row names no resource.
            Map.entry("s3:ListAllMyBuckets", "listing every bucket of the account has no resource type"),
            // AWS CloudTrail: DescribeTrails lists the region's trails; its row names no resource.
            Map.entry("cloudtrail:DescribeTrails", "listing the region's trails has no resource type"),
            // IAM: GetAccountAuthorizationDetails reads the whole account; its row names no resource.
            Map.entry("iam:GetAccountAuthorizationDetails", "reading the whole account's IAM has no resource type"),
            // AWS Step Functions: their only resource type is an activity; a service integration's task token
            // (.waitForTaskToken) belongs to no activity, so only "*" matches it.
            Map.entry("states:SendTaskSuccess", "a service integration's task token matches no resource but \"*\""),
            Map.entry("states:SendTaskFailure", "a service integration's task token matches no resource but \"*\""));

    /**
     * Calls the call graph reaches in a function's code that the function never makes, each with why. The graph does
     * not follow values; these are the few places where a value rules a call out. Each entry must still be reached
     * (a test checks), so the list cannot outlive the code it excuses. Empty today: the detector's DeleteItem, once
     * listed here, is now made for real (the blast-radius breaker gives back its slot).
     */
    static final Map<String, Map<String, String>> NEVER_ON_THIS_PATH = Map.of("InteractionFunction", Map.of(
            "kms:Encrypt", "the interaction function only decides approvals, and a decided approval keeps no task"
                    + " token: it opens a sealed token, it never seals one"));


    final Path root = LocalRuntime.repositoryRoot();
    final JsonNode template = LocalDeployment.readTemplate(root.resolve("template.yaml"));
    final JsonNode resources = template.path("Resources");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"DetectorFunction, DetectorRole", "RemediatorFunction, RemediatorRole",
            "InteractionFunction, InteractionRole", "ReportFunction, ReportRole", "WatchdogFunction, WatchdogRole"})
    void aFunctionsRoleGrantsExactlyWhatItsCodeCallsAndWhatLambdaDoesWithIt(String function, String role) {
        Map<String, Set<String>> code = codeActions(function);
        Set<String> expected = new TreeSet<>(code.keySet());
        Map<String, String> excused = NEVER_ON_THIS_PATH.getOrDefault(function, Map.of());
        expected.removeAll(excused.keySet());
        expected.addAll(lambdaActions(function));

        Set<String> granted = actions(statements(role));

        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(granted);
        Set<String> extra = new TreeSet<>(granted);
        extra.removeAll(expected);
        assertThat(missing).as(role + " lacks what " + function + " calls: " + where(code, missing)).isEmpty();
        assertThat(extra).as(role + " grants what " + function + " never calls").isEmpty();
        assertThat(code.keySet()).as("every call excused for " + function + " is still in its code")
                .containsAll(excused.keySet());
    }

    /** The playbooks' role may call exactly the services their definitions call, on exactly the queues they name. */
    @Test
    void thePlaybooksRoleSendsExactlyWhereItsStateMachinesSend() throws IOException {
        Set<String> called = new TreeSet<>();
        Set<String> queues = new TreeSet<>();
        for (var it = resources.fields(); it.hasNext(); ) {
            JsonNode machine = it.next().getValue();
            if (!machine.path("Type").asText().equals("AWS::Serverless::StateMachine")) {
                continue;
            }
            assertThat(machine.path("Properties").path("Role").asText()).isEqualTo("PlaybookRole.Arn");
            JsonNode definition = new ObjectMapper().readTree(
                    Files.readString(root.resolve(machine.path("Properties").path("DefinitionUri").asText())));
            JsonNode substitutions = machine.path("Properties").path("DefinitionSubstitutions");
            for (JsonNode task : tasks(definition.path("States"), new ArrayList<>())) {
                called.add(action(task.path("Resource").asText()));
                String url = task.path("Parameters").path("QueueUrl").asText("");
                if (url.matches("\\$\\{\\w+}")) {
                    queues.add(substitutions.path(url.substring(2, url.length() - 1)).asText() + ".Arn");
                }
            }
        }
        List<JsonNode> statements = statements("PlaybookRole");

        assertThat(actions(statements)).isEqualTo(called).containsExactly("sqs:SendMessage");
        Set<String> granted = new TreeSet<>();
        statements.forEach(s -> granted.addAll(TemplateTest.strings(s.path("Resource"))));
        assertThat(granted).isEqualTo(queues).containsExactlyInAnyOrder("StepQueue.Arn", "AlertQueue.Arn");
    }

    @Test
    void noStatementOfAnyRoleGrantsEveryActionOrAllBut() {
        List<JsonNode> all = allStatements();
        assertThat(all).hasSizeGreaterThan(20);
        for (JsonNode s : all) {
            assertThat(TemplateTest.strings(s.path("Action"))).as(s.toString()).isNotEmpty()
                    .allSatisfy(a -> assertThat(a).doesNotContain("*"));
            assertThat(s.has("NotAction") || s.has("NotResource")).as(s.toString()).isFalse();
            assertThat(s.path("Effect").asText()).isEqualTo("Allow");
        }
    }

    @Test
    void resourceStarOnlyForActionsAwsOffersNothingNarrowerFor() {
        Set<String> onStar = new TreeSet<>();
        for (JsonNode s : allStatements()) {
            if (TemplateTest.strings(s.path("Resource")).contains("*")) {
                assertThat(TemplateTest.strings(s.path("Resource"))).as(s.toString()).containsExactly("*");
                onStar.addAll(TemplateTest.strings(s.path("Action")));
            }
        }
        assertThat(NO_RESOURCE_LEVEL.keySet()).as("only these may be granted on \"*\"").containsAll(onStar);
        assertThat(onStar).as("no stale entry in the list of actions without resource-level permissions")
                .containsExactlyInAnyOrderElementsOf(NO_RESOURCE_LEVEL.keySet());
    }

    /**
     * The registered remediation actions declare what they call, and the remediator's code calls nothing else: its
     * AWS calls are exactly the declared permissions of the actions it runs, Undo's, and its own plumbing (answering
     * the executions, reading the Slack secret, the incident and approval tables, paging through the alert queue).
     */
    @Test
    void theRemediatorCallsExactlyWhatItsRegisteredActionsDeclarePlusItsPlumbing() {
        Set<String> declared = new TreeSet<>();
        for (RemediationAction a : RemediationAction.values()) {
            if (a.runsToday()) {
                declared.addAll(a.permissions());
                declared.addAll(a.undoPermissions());
            }
        }
        Set<String> plumbing = Set.of("states:SendTaskSuccess", "states:SendTaskFailure",
                "states:DescribeExecution", "states:GetExecutionHistory" /* steps checked against their execution */,
                "kms:Encrypt", "kms:Decrypt" /* task tokens sealed at rest */,
                "secretsmanager:GetSecretValue", "ssm:GetParameter" /* the kill switch */,
                "sqs:SendMessage" /* pages: the alert queue */,
                "sts:AssumeRole" /* a member account's remediation role, for its incidents */);
        Set<String> called = new TreeSet<>(codeActions("RemediatorFunction").keySet());
        called.removeIf(a -> a.startsWith("dynamodb:") || plumbing.contains(a));

        assertThat(called).isEqualTo(declared);
    }

    /** The hub's own services: what the worker calls for itself, never on a customer's resources. */
    static final Set<String> HUB_SERVICES = Set.of("dynamodb", "sqs", "states", "ssm", "kms", "secretsmanager", "sts");

    /**
     * The member role (issue 15) may do exactly what the worker does on customer resources: the worker's actions
     * (themselves checked against its code above) without the hub's own services and without what Lambda does with
     * the worker's role, each under the statement of the same name, on the same resources of its own account in any
     * region (the role is global; the worker's grants name the hub's region), with the same conditions but the
     * function's source (a session assumed from the hub is no function).
     */
    @Test
    void theMemberRoleGrantsExactlyTheWorkersActionsOnCustomerResources() {
        Set<String> expected = new TreeSet<>(actions(statements("RemediatorRole")));
        expected.removeIf(a -> HUB_SERVICES.contains(a.substring(0, a.indexOf(':'))));
        expected.removeAll(lambdaActions("RemediatorFunction"));

        List<JsonNode> member = statements("MemberRemediationRole");
        assertThat(actions(member)).isEqualTo(expected)
                .contains("ec2:RevokeSecurityGroupIngress", "s3:PutBucketPublicAccessBlock", "iam:DetachRolePolicy",
                        "cloudtrail:StartLogging", "s3:PutAccountPublicAccessBlock");

        Map<String, JsonNode> worker = new TreeMap<>();
        statements("RemediatorRole").forEach(s -> worker.put(s.path("Sid").asText(), s));
        for (JsonNode s : member) {
            String sid = s.path("Sid").asText();
            JsonNode hub = worker.get(sid);
            assertThat(hub).as("the worker's statement " + sid).isNotNull();
            assertThat(TemplateTest.strings(s.path("Action"))).as(sid).isEqualTo(TemplateTest.strings(hub.path("Action")));
            assertThat(TemplateTest.strings(s.path("Resource"))).as(sid).isEqualTo(TemplateTest.strings(hub.path("Resource"))
                    .stream().map(r -> r.replace(":ec2:${AWS::Region}:", ":ec2:*:")).toList());
            JsonNode conditions = hub.path("Condition").deepCopy();
            if (conditions.isObject()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) conditions).remove("ArnEquals");
            }
            assertThat(s.path("Condition").isMissingNode() ? conditions.isEmpty() || conditions.isMissingNode()
                    : s.path("Condition").equals(conditions)).as(sid + "'s conditions are the worker's").isTrue();
        }
        assertThat(member.toString()).as("no Portcullis function uses the member role").doesNotContain("lambda:");
    }

    // --- reading the template and the code ---

    Map<String, Set<String>> codeActions(String function) {
        JsonNode props = resources.path(function).path("Properties");
        Path zip = root.resolve(props.path("CodeUri").asText());
        assertThat(zip).as("built by the reactor before this module").exists();
        String handler = props.path("Handler").asText();
        return AwsCallGraph.actions(zip, handler.substring(0, handler.indexOf("::")));
    }

    /**
     * What Lambda does with a function's role: write its logs (to its log group), poll its SQS event sources (the
     * execution role permissions AWS's SQS event-source guide lists), and send failed asynchronous invocations to an
     * SQS destination.
     */
    Set<String> lambdaActions(String function) {
        JsonNode props = resources.path(function).path("Properties");
        Set<String> out = new TreeSet<>();
        if (props.path("LoggingConfig").has("LogGroup")) {
            out.addAll(List.of("logs:CreateLogStream", "logs:PutLogEvents"));
        }
        props.path("Events").forEach(e -> {
            if (e.path("Type").asText().equals("SQS")) {
                out.addAll(List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"));
            }
        });
        JsonNode destinations = props.path("EventInvokeConfig").path("DestinationConfig");
        for (String when : List.of("OnFailure", "OnSuccess")) {
            if (destinations.path(when).path("Type").asText().equals("SQS")) {
                out.add("sqs:SendMessage");
            }
        }
        return out;
    }

    /** A role's statements, both branches of a conditional ({@code !If}) statement included. */
    List<JsonNode> statements(String role) {
        JsonNode r = resources.path(role);
        assertThat(r.path("Type").asText()).as(role).isEqualTo("AWS::IAM::Role");
        List<JsonNode> out = new ArrayList<>();
        r.path("Properties").path("Policies").forEach(p -> p.path("PolicyDocument").path("Statement").forEach(s -> {
            if (s.isArray()) {
                // !If [condition, statement, statement or AWS::NoValue]
                for (int i = 1; i < s.size(); i++) {
                    if (s.get(i).isObject()) {
                        out.add(s.get(i));
                    }
                }
            } else {
                out.add(s);
            }
        }));
        assertThat(r.path("Properties").has("ManagedPolicyArns")).as(role + " has only inline policies").isFalse();
        return out;
    }

    List<JsonNode> allStatements() {
        List<JsonNode> out = new ArrayList<>();
        for (var it = resources.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().path("Type").asText().equals("AWS::IAM::Role")) {
                out.addAll(statements(e.getKey()));
            }
        }
        return out;
    }

    static Set<String> actions(List<JsonNode> statements) {
        Set<String> out = new TreeSet<>();
        statements.forEach(s -> out.addAll(TemplateTest.strings(s.path("Action"))));
        return out;
    }

    /** Every Task state, in branches and iterators too. */
    static List<JsonNode> tasks(JsonNode states, List<JsonNode> out) {
        states.forEach(state -> {
            if (state.path("Type").asText().equals("Task")) {
                out.add(state);
            }
            state.path("Branches").forEach(b -> tasks(b.path("States"), out));
            tasks(state.path("Iterator").path("States"), out);
            tasks(state.path("ItemProcessor").path("States"), out);
        });
        return out;
    }

    /** {@code arn:aws:states:::sqs:sendMessage.waitForTaskToken} → {@code sqs:SendMessage}. */
    static String action(String resource) {
        String prefix = "arn:aws:states:::";
        assertThat(resource).as("a service integration").startsWith(prefix);
        String[] parts = resource.substring(prefix.length()).split(":");
        String api = parts[1].contains(".") ? parts[1].substring(0, parts[1].indexOf('.')) : parts[1];
        return parts[0] + ":" + api.substring(0, 1).toUpperCase(Locale.ROOT) + api.substring(1);
    }

    static String where(Map<String, Set<String>> code, Set<String> actions) {
        Map<String, Set<String>> out = new TreeMap<>();
        actions.forEach(a -> out.put(a, code.getOrDefault(a, Set.of("(Lambda itself)"))));
        return out.toString();
    }
}
