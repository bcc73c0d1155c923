package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.local.LocalDeployment;
import io.portcullis.local.LocalRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What deploying template.yaml has to get right that the deployment check (tests/emulator/deploy_check.py, LocalStack)
 * cannot show: limits LocalStack does not enforce, and properties it accepts and ignores (SnapStart, reserved
 * concurrency, point-in-time recovery, deletion protection, lifecycle rules).
 */
class DeploymentTest {

    /** Lambda keeps at most this many characters of a version's description. */
    static final int VERSION_DESCRIPTION_LIMIT = 256;
    /** The longest stack name README.md's Deploying section allows: the longest function name is then 64. */
    static final int LONGEST_STACK_NAME = 45;
    /**
     * Properties of a function that configure something else than its published versions (reserved concurrency is
     * the function's, applied at once to whatever version runs).
     */
    static final Set<String> NOT_VERSION_CONFIGURATION = Set.of("Events", "EventInvokeConfig", "VersionDescription",
            "ReservedConcurrentExecutions");
    static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
    /**
     * Parameters a function reads that its VersionDescription has no room for: the parameters already described fill
     * Lambda's 256 characters. The organisation (issue 15) in the detector, the worker and the Slack function, and the
     * member role's name in the worker. A change of one of them alone leaves {@code live} on the old version, so
     * README.md ("Deploying to an organisation") says how to publish after changing them. Each entry must really not
     * fit (a test checks), so this cannot become a way around the rule.
     */
    static final Map<String, Set<String>> NO_ROOM_IN_THE_VERSION = Map.of(
            "DetectorFunction", Set.of("OrganizationId"),
            "RemediatorFunction", Set.of("OrganizationId", "MemberRoleName"),
            "InteractionFunction", Set.of("OrganizationId"));

    final JsonNode template = LocalDeployment.readTemplate(LocalRuntime.repositoryRoot().resolve("template.yaml"));
    final JsonNode resources = template.path("Resources");
    final JsonNode parameters = template.path("Parameters");
    final JsonNode globals = template.path("Globals").path("Function");

    /**
     * SAM names a function's version after its code and its environment as written ({@code !Ref} unresolved), so a
     * new parameter value alone would leave {@code live} on the old version. The version's description is the lever:
     * CloudFormation replaces a version whose description changed, which publishes one. So each function's
     * description must carry every parameter its configuration reads (Globals included), and only those.
     */
    @Test
    void everyParameterAFunctionsConfigurationReadsIsInItsVersionDescription() {
        assertThat(globals.path("AutoPublishAlias").asText()).isEqualTo("live");
        functions().forEach((name, properties) -> {
            Set<String> read = new TreeSet<>();
            List.of(globals, properties).forEach(source -> source.fields().forEachRemaining(p -> {
                if (!NOT_VERSION_CONFIGURATION.contains(p.getKey())) {
                    collectParameters(p.getValue(), read);
                }
            }));
            assertThat(read).as(name + " reads parameters").contains("RemediationMode", "LogLevel", "OrganizationId");
            Set<String> noRoom = NO_ROOM_IN_THE_VERSION.getOrDefault(name, Set.of());
            assertThat(read).as(name + " reads what has no room in its version").containsAll(noRoom);
            read.removeAll(noRoom);
            assertThat(describedParameters(name, properties)).as(name + "'s VersionDescription")
                    .containsExactlyInAnyOrderElementsOf(read);
        });
    }

    /** What is left out of a version description really does not fit in it beside what is there. */
    @Test
    void onlyWhatCannotFitIsLeftOutOfAVersionDescription() {
        assertThat(functions().keySet()).containsAll(NO_ROOM_IN_THE_VERSION.keySet());
        NO_ROOM_IN_THE_VERSION.forEach((name, leftOut) -> {
            int longest = longestDescription(describedParameters(name, functions().get(name)));
            for (String parameter : leftOut) {
                assertThat(longest + 1 + longestValue(parameters.path(parameter))).as(name + " with " + parameter)
                        .isGreaterThan(VERSION_DESCRIPTION_LIMIT);
            }
        });
    }

    /** Whatever values the parameters allow, no version description can pass Lambda's limit and fail a deployment. */
    @Test
    void noParameterValuesCanMakeAVersionDescriptionLongerThanLambdaKeeps() {
        functions().forEach((name, properties) -> {
            for (String parameter : describedParameters(name, properties)) {
                assertThat(longestValue(parameters.path(parameter))).as(parameter + " has neither MaxLength nor"
                        + " AllowedValues, so any value could make " + name + "'s version description longer than "
                        + VERSION_DESCRIPTION_LIMIT).isPositive();
            }
            assertThat(longestDescription(describedParameters(name, properties))).as(name
                    + "'s longest version description").isLessThanOrEqualTo(VERSION_DESCRIPTION_LIMIT);
        });
    }

    /** The longest description these parameters, joined by spaces, can make. */
    int longestDescription(List<String> described) {
        int longest = described.size() - 1;
        for (String parameter : described) {
            longest += longestValue(parameters.path(parameter));
        }
        return longest;
    }

    static int longestValue(JsonNode p) {
        return p.has("MaxLength") ? p.path("MaxLength").asInt() : longestAllowedValue(p);
    }

    /**
     * Two stacks in one account and region: every schedule is named after its stack (without Name, SAM names it
     * after the event's logical id, the same in every stack), and every name made from the stack name fits its
     * service's limit for the longest stack name the README allows, which is as long as it can be.
     */
    @Test
    void everyNameMadeFromTheStackNameIsUniqueToTheStackAndFitsItsLimit() {
        // Resource type, the property naming it, and the service's limit on that name.
        List<List<Object>> limits = List.of(List.of("AWS::Serverless::Function", "FunctionName", 64),
                List.of("AWS::Serverless::StateMachine", "Name", 80), List.of("AWS::Logs::LogGroup", "LogGroupName", 512));
        List<String> checked = new ArrayList<>();
        int longestStackName = Integer.MAX_VALUE;
        for (var r : iterable(resources)) {
            for (List<Object> limit : limits) {
                String name = r.getValue().path("Properties").path((String) limit.get(1)).asText("");
                if (r.getValue().path("Type").asText().equals(limit.get(0))) {
                    assertThat(name).as(r.getKey() + "." + limit.get(1)).contains("${AWS::StackName}");
                    checked.add(r.getKey() + "." + limit.get(1));
                    longestStackName = Math.min(longestStackName, (Integer) limit.get(2) - lengthWithoutStackName(name));
                }
            }
            for (var event : iterable(r.getValue().path("Properties").path("Events"))) {
                String type = event.getValue().path("Type").asText();
                if (type.equals("ScheduleV2") || type.equals("Schedule")) {
                    String name = event.getValue().path("Properties").path("Name").asText("");
                    assertThat(name).as(r.getKey() + "." + event.getKey() + ".Name").startsWith("${AWS::StackName}-");
                    checked.add(r.getKey() + "." + event.getKey());
                    longestStackName = Math.min(longestStackName, 64 - lengthWithoutStackName(name));
                }
            }
        }
        assertThat(checked).contains("WatchdogFunction.EveryFiveMinutes", "ReportFunction.EveryMonday",
                "InteractionFunction.FunctionName", "SecurityGroupIngressPlaybook.Name", "DetectorLogGroup.LogGroupName");
        assertThat(longestStackName).as("the longest stack name every name fits with").isEqualTo(LONGEST_STACK_NAME);
    }

    /**
     * SnapStart restores published versions only, so every function is published and invoked through `live`; no
     * function opts out. (LocalStack accepts SnapStart and ignores it.)
     */
    @Test
    void everyFunctionIsPublishedWithSnapStartAndServedThroughLive() {
        assertThat(globals.path("SnapStart").path("ApplyOn").asText()).isEqualTo("PublishedVersions");
        assertThat(globals.path("AutoPublishAlias").asText()).isEqualTo("live");
        functions().forEach((name, properties) -> {
            assertThat(properties.has("SnapStart")).as(name + " keeps the global SnapStart").isFalse();
            assertThat(properties.has("AutoPublishAlias")).as(name + " keeps the global alias").isFalse();
        });
    }

    /**
     * A ceiling on how much the playbook worker can change at once: its step queue's event source runs at most five
     * at once, which needs no spare concurrency in the account (a reservation of 5 fails in a new account, whose
     * limit of 10 leaves nothing to reserve). (LocalStack ignores both.)
     */
    @Test
    void thePlaybookWorkerRunsAtMostFiveAtOnce() {
        JsonNode worker = resources.path("RemediatorFunction").path("Properties");
        assertThat(worker.path("Events").path("PlaybookSteps").path("Properties").path("ScalingConfig")
                .path("MaximumConcurrency").asInt()).isEqualTo(5);
        assertThat(worker.path("ReservedConcurrentExecutions").toString()).as("a parameter, not a number")
                .contains("WorkerReservedConcurrency");
    }

    /**
     * Incidents and approvals are the record of what Portcullis did: recoverable to any second of the last 35 days,
     * protected from deletion, and kept when the stack is deleted or the table replaced. (LocalStack ignores the
     * first two.)
     */
    @Test
    void incidentsAndApprovalsAreRecoverableAndOutliveTheStack() {
        for (String table : List.of("IncidentsTable", "ApprovalsTable")) {
            JsonNode t = resources.path(table);
            assertThat(t.path("Properties").path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled")
                    .asBoolean()).as(table + " point-in-time recovery").isTrue();
            assertThat(t.path("Properties").path("DeletionProtectionEnabled").asBoolean()).as(table).isTrue();
            assertThat(t.path("DeletionPolicy").asText()).as(table).isEqualTo("Retain");
            assertThat(t.path("UpdateReplacePolicy").asText()).as(table).isEqualTo("Retain");
        }
    }

    /** Weekly reports are kept two years, replaced versions 30 days. (LocalStack ignores lifecycle rules.) */
    @Test
    void reportsAreKeptTwoYearsAndTheirOldVersionsThirtyDays() {
        JsonNode bucket = resources.path("ReportsBucket");
        assertThat(bucket.path("DeletionPolicy").asText()).isEqualTo("Retain");
        assertThat(bucket.path("Properties").path("VersioningConfiguration").path("Status").asText()).isEqualTo("Enabled");
        JsonNode rules = bucket.path("Properties").path("LifecycleConfiguration").path("Rules");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).path("Status").asText()).isEqualTo("Enabled");
        assertThat(rules.get(0).path("ExpirationInDays").asInt()).isEqualTo(731);
        assertThat(rules.get(0).path("NoncurrentVersionExpiration").path("NoncurrentDays").asInt()).isEqualTo(30);
    }

    Map<String, JsonNode> functions() {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        resources.fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                out.put(r.getKey(), r.getValue().path("Properties"));
            }
        });
        assertThat(out).hasSize(5);
        return out;
    }

    /** The parameters a VersionDescription joins: {@code !Join [" ", [!Ref A, !Ref B, …]]}, tags read as text. */
    List<String> describedParameters(String function, JsonNode properties) {
        JsonNode join = properties.path("VersionDescription");
        assertThat(join.isArray() && join.size() == 2 && join.get(0).asText().equals(" "))
                .as(function + ".VersionDescription is !Join [\" \", [!Ref …]]: " + join).isTrue();
        List<String> out = new ArrayList<>();
        join.get(1).forEach(ref -> {
            assertThat(parameters.has(ref.asText())).as(function + ".VersionDescription: " + ref + " is a parameter")
                    .isTrue();
            out.add(ref.asText());
        });
        return out;
    }

    /** Parameter names in a property: a {@code !Ref} reads as the bare name, a {@code !Sub} as ${Name}. */
    void collectParameters(JsonNode node, Set<String> into) {
        if (node.isTextual()) {
            if (parameters.has(node.asText())) {
                into.add(node.asText());
            }
            Matcher m = SUBSTITUTION.matcher(node.asText());
            while (m.find()) {
                if (parameters.has(m.group(1))) {
                    into.add(m.group(1));
                }
            }
        }
        node.forEach(child -> collectParameters(child, into));
    }

    static int longestAllowedValue(JsonNode parameter) {
        int max = 0;
        for (JsonNode v : parameter.path("AllowedValues")) {
            max = Math.max(max, v.asText().length());
        }
        return max;
    }

    /** The length of a name made from the stack name, without the stack name. */
    static int lengthWithoutStackName(String name) {
        return name.replace("${AWS::StackName}", "").length();
    }

    static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
