package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.local.LocalDeployment;
import io.portcullis.local.LocalRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What template.yaml promises about state and wiring, read from the template itself (least privilege: LeastPrivilegeTest). */
class TemplateTest {

    /** The kill switch's ARN, as every statement that may read it must name it. */
    static final String KILL_SWITCH_ARN =
            "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${AWS::StackName}/kill-switch";
    /** The per-account kill switches (issue 15): {@code <switch>/<account id>}, created by operators. */
    static final String ACCOUNT_KILL_SWITCHES_ARN = KILL_SWITCH_ARN + "/*";

    final Path root = LocalRuntime.repositoryRoot();
    final JsonNode template = LocalDeployment.readTemplate(root.resolve("template.yaml"));
    final JsonNode resources = template.path("Resources");

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode()) {
            out.add(node.asText());
        }
        return out;
    }

    @Test
    void onlyTheRemediatorMayRevokeAndOnlyInThisAccount() {
        JsonNode detector = resources.path("DetectorRole").path("Properties").path("Policies");
        assertThat(detector.toString()).doesNotContain("Revoke").doesNotContain("Authorize");
        JsonNode revoke = null;
        for (JsonNode s : resources.path("RemediatorRole").path("Properties").path("Policies").get(0)
                .path("PolicyDocument").path("Statement")) {
            if (strings(s.path("Action")).contains("ec2:RevokeSecurityGroupIngress")) {
                revoke = s;
            }
        }
        assertThat(revoke).isNotNull();
        assertThat(revoke.path("Resource").asText()).contains("${AWS::AccountId}:security-group/");
    }

    /** Every playbook is deployed as a state machine from its compiled definition, and the detector can start it. */
    @Test
    void everyPlaybookIsAStateMachineTheDetectorCanStart() {
        java.util.Map<String, String> byFamily = new java.util.TreeMap<>();
        for (io.portcullis.playbook.Playbook playbook : io.portcullis.playbook.Playbook.readAll(root.resolve("playbooks"))) {
            String uri = "playbooks/asl/" + playbook.name() + ".asl.json";
            String found = null;
            for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().path("Type").asText().equals("AWS::Serverless::StateMachine")
                        && e.getValue().path("Properties").path("DefinitionUri").asText().equals(uri)) {
                    found = e.getKey();
                    JsonNode subs = e.getValue().path("Properties").path("DefinitionSubstitutions");
                    assertThat(subs.has("StepQueueUrl") && subs.has("AlertQueueUrl")).as(found).isTrue();
                    assertThat(e.getValue().path("Properties").path("Type").asText()).isEqualTo("STANDARD");
                }
            }
            assertThat(found).as("a state machine deploying " + uri).isNotNull();
            assertThat(java.nio.file.Files.exists(root.resolve(uri))).as(uri).isTrue();
            byFamily.put(playbook.family().key(), found);
        }
        String setting = resources.path("DetectorFunction").path("Properties").path("Environment").path("Variables")
                .path("PORTCULLIS_PLAYBOOKS").toString();
        byFamily.forEach((family, machine) -> assertThat(setting).contains(family + "=${" + machine + "}"));
        assertThat(resources.path("DetectorRole").toString()).contains("states:StartExecution")
                .doesNotContain("SendTask");
    }

    /** The Slack endpoint can record decisions and resume executions; it can change no resource. */
    @Test
    void theSlackEndpointChangesNoResource() {
        String role = resources.path("InteractionRole").toString();
        assertThat(role).contains("states:SendTaskSuccess").contains("secretsmanager:GetSecretValue")
                .doesNotContain("ec2:").doesNotContain("s3:").doesNotContain("iam:").doesNotContain("cloudtrail:");
        assertThat(resources.path("InteractionFunction").path("Properties").path("Events").path("SlackInteractions")
                .path("Type").asText()).isEqualTo("HttpApi");
        // The Slack credentials are a secret's ARN, never a value in the template.
        assertThat(template.path("Parameters").path("SlackSecretArn").path("AllowedPattern").asText())
                .contains("secretsmanager");
        assertThat(template.toString()).doesNotContainPattern("xox[abp]-[0-9A-Za-z]");
    }

    /** Reports hold who did what where: a private, encrypted, TLS-only bucket, written only by the report function. */
    @Test
    void reportsGoToAPrivateEncryptedBucket() {
        JsonNode bucket = resources.path("ReportsBucket").path("Properties");
        assertThat(bucket.path("BucketEncryption").toString()).contains("aws:kms");
        JsonNode block = bucket.path("PublicAccessBlockConfiguration");
        assertThat(List.of("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"))
                .allSatisfy(flag -> assertThat(block.path(flag).asBoolean()).as(flag).isTrue());
        assertThat(bucket.path("OwnershipControls").toString()).contains("BucketOwnerEnforced");
        assertThat(resources.path("ReportsBucketPolicy").toString()).contains("aws:SecureTransport");
        String role = resources.path("ReportRole").toString();
        assertThat(role).contains("reports/*").doesNotContain("dynamodb:Scan").doesNotContain("dynamodb:PutItem")
                .doesNotContain("ec2:");
        JsonNode schedule = resources.path("ReportFunction").path("Properties").path("Events").path("EveryMonday");
        assertThat(schedule.path("Type").asText()).isEqualTo("ScheduleV2");
        assertThat(schedule.path("Properties").has("ScheduleExpressionTimezone")).isTrue();
    }

    /** The report and the operators read incidents by week, status and resource through indexes, never by scanning. */
    @Test
    void incidentsHaveIndexesForTheReportAndNoFunctionScans() {
        List<String> indexes = new ArrayList<>();
        resources.path("IncidentsTable").path("Properties").path("GlobalSecondaryIndexes")
                .forEach(i -> indexes.add(i.path("IndexName").asText()));
        assertThat(indexes).containsExactlyInAnyOrder("byWeek", "byStatus", "byResource");
        assertThat(resources.toString()).doesNotContain("dynamodb:Scan");
    }

    @Test
    void incidentsTableIsOnDemandEncryptedAndRecoverable() {
        JsonNode table = resources.path("IncidentsTable").path("Properties");
        assertThat(table.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
        assertThat(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean()).isTrue();
        assertThat(table.path("KeySchema").get(0).path("AttributeName").asText()).isEqualTo("incidentId");
    }

    /** Repeats' event id claims expire through the table's time-to-live, on the attribute the store writes them with. */
    @Test
    void incidentsTableExpiresRepeatClaimsOnTheAttributeTheStoreWrites() {
        JsonNode ttl = resources.path("IncidentsTable").path("Properties").path("TimeToLiveSpecification");
        assertThat(ttl.path("Enabled").asBoolean()).isTrue();
        assertThat(ttl.path("AttributeName").asText()).isEqualTo(io.portcullis.aws.DynamoDbIncidentStore.EXPIRES_AT);
    }

    /**
     * With the default parameters no approval gate could be answered: the stack refuses to deploy, in words, until
     * SlackApproverGroup or SlackApprovers is set, and the worker reads both.
     */
    @Test
    void aStackNobodyCouldApproveInIsRefusedAtDeploy() {
        JsonNode rule = template.path("Rules").path("SomeoneCanApprove").path("Assertions").get(0);
        JsonNode parameters = template.path("Parameters");
        Map<String, String> defaults = Map.of("SlackApprovers", parameters.path("SlackApprovers").path("Default").asText(),
                "SlackApproverGroup", parameters.path("SlackApproverGroup").path("Default").asText());

        assertThat(holds(rule.path("Assert"), defaults)).as("the defaults deploy").isFalse();
        assertThat(holds(rule.path("Assert"), Map.of("SlackApprovers", "", "SlackApproverGroup", "S0ONCALL"))).isTrue();
        assertThat(holds(rule.path("Assert"), Map.of("SlackApprovers", "U0ALICE", "SlackApproverGroup", ""))).isTrue();
        assertThat(rule.path("AssertDescription").asText()).contains("Set SlackApproverGroup").contains("SlackApprovers");
        JsonNode worker = resources.path("RemediatorFunction").path("Properties").path("Environment").path("Variables");
        assertThat(worker.path("PORTCULLIS_APPROVERS").asText()).isEqualTo("SlackApprovers");
        assertThat(worker.path("PORTCULLIS_APPROVER_GROUP").asText()).isEqualTo("SlackApproverGroup");
    }

    /** Evaluates a rule assertion written in long form (Fn::And, Fn::Or, Fn::Not, Fn::Equals, Ref) for parameter values. */
    static boolean holds(JsonNode condition, Map<String, String> parameters) {
        if (condition.has("Fn::And")) {
            for (JsonNode c : condition.path("Fn::And")) {
                if (!holds(c, parameters)) {
                    return false;
                }
            }
            return true;
        }
        if (condition.has("Fn::Or")) {
            for (JsonNode c : condition.path("Fn::Or")) {
                if (holds(c, parameters)) {
                    return true;
                }
            }
            return false;
        }
        if (condition.has("Fn::Not")) {
            return !holds(condition.path("Fn::Not").get(0), parameters);
        }
        if (condition.has("Fn::Equals")) {
            return value(condition.path("Fn::Equals").get(0), parameters)
                    .equals(value(condition.path("Fn::Equals").get(1), parameters));
        }
        throw new AssertionError("a rule function this test does not evaluate: " + condition);
    }

    private static String value(JsonNode node, Map<String, String> parameters) {
        return node.has("Ref") ? parameters.get(node.path("Ref").asText()) : node.asText();
    }

    @Test
    void remediationModeDefaultsToDryRun() {
        JsonNode mode = template.path("Parameters").path("RemediationMode");
        assertThat(strings(mode.path("AllowedValues"))).containsExactly("enforce", "dry-run");
        assertThat(mode.path("Default").asText()).isEqualTo("dry-run");
        assertThat(template.path("Parameters").has("LogLevel")).isTrue();
    }

    @Test
    void detectorListensForSecurityGroupCalls() {
        JsonNode pattern = resources.path("DetectorFunction").path("Properties").path("Events")
                .path("SecurityGroupChanges").path("Properties").path("Pattern");
        assertThat(strings(pattern.path("detail-type"))).containsExactly("AWS API Call via CloudTrail");
        assertThat(strings(pattern.path("detail").path("eventName"))).contains("AuthorizeSecurityGroupIngress");
    }

    @Test
    void everyCallTheDetectorUnderstandsIsRoutedToIt() {
        List<JsonNode> patterns = new ArrayList<>();
        resources.path("DetectorFunction").path("Properties").path("Events").forEach(e -> {
            if (e.path("Type").asText().equals("EventBridgeRule")) {
                patterns.add(e.path("Properties").path("Pattern"));
            }
        });
        io.portcullis.change.CloudTrailEventReader.supportedCalls().forEach((source, names) -> names.forEach(name ->
                assertThat(patterns).as(source + " " + name + " reaches the detector").anySatisfy(p -> {
                    assertThat(strings(p.path("detail-type"))).contains("AWS API Call via CloudTrail");
                    assertThat(strings(p.path("detail").path("eventSource"))).contains(source);
                    assertThat(strings(p.path("detail").path("eventName"))).contains(name);
                })));
    }

    @Test
    void awsConfigItemAndComplianceEventsReachTheDetector() {
        List<JsonNode> patterns = new ArrayList<>();
        resources.path("DetectorFunction").path("Properties").path("Events").forEach(e ->
                patterns.add(e.path("Properties").path("Pattern")));
        assertThat(patterns).anySatisfy(p -> {
            assertThat(strings(p.path("source"))).containsExactly("aws.config");
            assertThat(strings(p.path("detail-type")))
                    .contains("Config Configuration Item Change", "Config Rules Compliance Change");
            assertThat(strings(p.path("detail").path("messageType")))
                    .contains("OversizedConfigurationItemChangeNotification");
        });
    }

    @Test
    void everyFunctionPointsAtItsBuiltPackageAndARealHandler() throws Exception {
        Map<String, Class<?>> expected = Map.of(
                "DetectorFunction", com.amazonaws.services.lambda.runtime.RequestStreamHandler.class,
                "RemediatorFunction", com.amazonaws.services.lambda.runtime.RequestHandler.class,
                "WatchdogFunction", com.amazonaws.services.lambda.runtime.RequestStreamHandler.class);
        for (var e : expected.entrySet()) {
            JsonNode props = resources.path(e.getKey()).path("Properties");
            String handler = props.path("Handler").asText();
            Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
            assertThat(e.getValue().isAssignableFrom(type)).as(handler).isTrue();
            Path codeUri = root.resolve(props.path("CodeUri").asText());
            assertThat(Files.isRegularFile(codeUri)).as(codeUri + " is built by mvn package").isTrue();
        }
    }

    /** The statements of one role's inline policy. */
    List<JsonNode> statements(String role) {
        return statements(resources.path(role));
    }

    /**
     * The statements of a role's first inline policy as written, both branches of a conditional ({@code !If
     * [condition, statement, statement or AWS::NoValue]}) statement included.
     */
    static List<JsonNode> statements(JsonNode role) {
        List<JsonNode> out = new ArrayList<>();
        role.path("Properties").path("Policies").get(0).path("PolicyDocument").path("Statement").forEach(s -> {
            if (s.isArray()) {
                for (int i = 1; i < s.size(); i++) {
                    if (s.get(i).isObject()) {
                        out.add(s.get(i));
                    }
                }
            } else {
                out.add(s);
            }
        });
        return out;
    }

    /**
     * The kill switch is an SSM parameter the stack creates at {@code enforce}; the detector and the worker, and only
     * they, may read it, by its own ARN, and the per-account switches beneath it ({@code <switch>/<account id>});
     * nobody in the stack may write it (only an operator flips it).
     */
    @Test
    void theKillSwitchIsAParameterOnlyTheDetectorAndTheWorkerMayReadByItsOwnArn() {
        JsonNode killSwitch = resources.path("KillSwitch");
        assertThat(killSwitch.path("Type").asText()).isEqualTo("AWS::SSM::Parameter");
        assertThat(killSwitch.path("Properties").path("Value").asText()).isEqualTo("enforce");
        assertThat(killSwitch.path("Properties").path("AllowedPattern").asText()).isEqualTo("^(enforce|dry-run)$");
        List<String> readers = new ArrayList<>();
        resources.fields().forEachRemaining(r -> {
            if (r.getValue().path("Properties").has("Policies")) {
                statements(r.getValue()).forEach(st -> {
                    List<String> actions = strings(st.path("Action"));
                    assertThat(actions).as(r.getKey()).noneMatch(a -> a.startsWith("ssm:") && !a.equals("ssm:GetParameter"));
                    if (actions.contains("ssm:GetParameter")) {
                        readers.add(r.getKey());
                        assertThat(actions).as(r.getKey()).containsExactly("ssm:GetParameter");
                        assertThat(strings(st.path("Resource"))).as(r.getKey())
                                .containsExactly(KILL_SWITCH_ARN, ACCOUNT_KILL_SWITCHES_ARN);
                    }
                });
            }
        });
        assertThat(readers).containsExactlyInAnyOrder("DetectorRole", "RemediatorRole");
        assertThat(killSwitch.path("Properties").path("Name").asText()).isEqualTo("/${AWS::StackName}/kill-switch");
        for (String function : List.of("DetectorFunction", "RemediatorFunction")) {
            assertThat(resources.path(function).path("Properties").path("Environment").path("Variables")
                    .path("PORTCULLIS_KILL_SWITCH_PARAMETER").toString()).as(function).contains("KillSwitch");
        }
    }

    /**
     * Events the detector could not process are kept: Lambda's asynchronous failure destination and every
     * EventBridge rule's dead-letter queue are the failed-events queue, which ./portcullis replay re-drives.
     */
    @Test
    void everyEventTheDetectorCouldNotProcessGoesToTheFailedEventsQueue() {
        JsonNode detector = resources.path("DetectorFunction").path("Properties");
        assertThat(detector.path("EventInvokeConfig").path("DestinationConfig").path("OnFailure").path("Destination")
                .toString()).contains("DetectorFailedEventsQueue");
        assertThat(detector.path("EventInvokeConfig").path("MaximumRetryAttempts").asInt(-1)).isEqualTo(2);
        List<String> rules = new ArrayList<>();
        detector.path("Events").fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("EventBridgeRule")) {
                rules.add(e.getKey());
                assertThat(e.getValue().path("Properties").path("DeadLetterConfig").path("Arn").toString())
                        .as(e.getKey()).contains("DetectorFailedEventsQueue");
            }
        });
        assertThat(rules).hasSizeGreaterThanOrEqualTo(5);
        assertThat(resources.path("DetectorFailedEventsQueue").path("Properties").path("MessageRetentionPeriod").asInt())
                .isEqualTo(1209600);
        assertThat(resources.path("DetectorFailedEventsQueuePolicy").toString()).contains("events.amazonaws.com")
                .contains("aws:SourceArn");
    }

    /**
     * The watchdog runs on a schedule, pages through the alert queue and Slack, reads the configurations the inventory
     * keeps and changes none: it writes only the safeguards and inventory tables; no incident, no playbook.
     */
    @Test
    void theWatchdogRunsOnAScheduleReadsResourcesAndWritesOnlyItsOwnTables() {
        JsonNode schedule = resources.path("WatchdogFunction").path("Properties").path("Events").path("EveryFiveMinutes");
        assertThat(schedule.path("Type").asText()).isEqualTo("ScheduleV2");
        assertThat(schedule.path("Properties").path("ScheduleExpression").asText()).isEqualTo("rate(5 minutes)");
        java.util.Set<String> actions = new java.util.TreeSet<>();
        for (JsonNode st : statements("WatchdogRole")) {
            List<String> granted = strings(st.path("Action"));
            actions.addAll(granted);
            for (String action : granted) {
                String service = action.substring(0, action.indexOf(':'));
                String name = action.substring(action.indexOf(':') + 1);
                if (List.of("ec2", "cloudtrail", "s3", "iam").contains(service)) {
                    assertThat(name).as(action + " reads").matches("(Describe|Get|List).*");
                }
                if (service.equals("dynamodb") && !name.equals("GetItem") && !name.equals("Query")) {
                    assertThat(st.path("Resource").toString()).as(action)
                            .matches(".*(SafeguardsTable|InventoryTable).*").doesNotContain("IncidentsTable");
                }
            }
        }
        assertThat(actions).contains("dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem",
                "dynamodb:DeleteItem", "sqs:SendMessage", "secretsmanager:GetSecretValue", "ec2:DescribeFlowLogs",
                "cloudtrail:GetEventSelectors", "s3:GetEncryptionConfiguration", "iam:GetAccountAuthorizationDetails");
        String role = resources.path("WatchdogRole").toString();
        assertThat(role).contains("SafeguardsTable").contains("AlertQueue").contains("InventoryTable")
                .doesNotContain("IncidentsTable").doesNotContain("StepQueue");
    }

    /**
     * The inventory is history AWS cannot give back: retained with the stack, recoverable to a point in time,
     * encrypted. The watchdog keeps it; the playbook worker only reads it.
     */
    @Test
    void theInventoryIsRetainedRecoverableAndOnlyReadByTheWorker() {
        JsonNode table = resources.path("InventoryTable");
        assertThat(table.path("Type").asText()).isEqualTo("AWS::DynamoDB::Table");
        assertThat(table.path("DeletionPolicy").asText()).isEqualTo("Retain");
        assertThat(table.path("Properties").path("PointInTimeRecoverySpecification")
                .path("PointInTimeRecoveryEnabled").asBoolean()).isTrue();
        assertThat(table.path("Properties").path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
        List<String> workerActions = new ArrayList<>();
        statements("RemediatorRole").forEach(st -> {
            if (st.path("Resource").toString().contains("InventoryTable")) {
                workerActions.addAll(strings(st.path("Action")));
            }
        });
        assertThat(workerActions).containsExactlyInAnyOrder("dynamodb:GetItem", "dynamodb:Query");
        for (String function : List.of("WatchdogFunction", "RemediatorFunction")) {
            assertThat(resources.path(function).path("Properties").path("Environment").path("Variables")
                    .path("PORTCULLIS_INVENTORY_TABLE").asText()).as(function).isEqualTo("InventoryTable");
        }
    }

    /** The detector may write the safeguards table and page, and nothing more than that was added for it. */
    @Test
    void theDetectorsSafeguardsArePagesAndConditionalWritesToItsOwnTable() {
        Map<String, List<String>> bySid = new java.util.LinkedHashMap<>();
        statements("DetectorRole").forEach(st -> bySid.put(st.path("Sid").asText(), strings(st.path("Action"))));
        assertThat(bySid.get("HeartbeatAndBreaker")).containsExactlyInAnyOrder("dynamodb:UpdateItem",
                "dynamodb:PutItem", "dynamodb:DeleteItem");
        assertThat(bySid.get("PageOnCall")).containsExactly("sqs:SendMessage");
        statements("DetectorRole").forEach(st -> {
            if (st.path("Sid").asText().equals("HeartbeatAndBreaker")) {
                assertThat(st.path("Resource").toString()).contains("SafeguardsTable").doesNotContain("IncidentsTable");
            }
            if (st.path("Sid").asText().equals("PageOnCall")) {
                assertThat(st.path("Resource").toString()).contains("AlertQueue").contains("StepQueue");
            }
        });
        JsonNode table = resources.path("SafeguardsTable").path("Properties");
        assertThat(table.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
        assertThat(table.path("KeySchema").toString()).contains("pk").contains("sk");
    }
}
