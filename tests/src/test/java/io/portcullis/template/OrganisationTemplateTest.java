package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.local.LocalDeployment;
import io.portcullis.local.LocalRuntime;
import io.portcullis.template.PolicyEvaluation.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One template, two roles (issue 15), read as CloudFormation receives it for each stack ({@link TransformedTemplate}):
 * the hub (the security account) and the members (a StackSet's instance per account and region). The member's role
 * trusts the hub's worker alone, from the organisation; the hub's bus admits the organisation alone; every member
 * region forwards the hub detector's patterns to the hub's bus (IAM's from us-east-1 only, none where that would loop);
 * and neither deployment holds the other's resources.
 */
class OrganisationTemplateTest {

    static final String MEMBER_ACCOUNT = "444455556666";
    static final String OTHER_ORGANIZATION = "o-zz9zz9zz9z";
    static final String HUB_BUS = "arn:aws:events:" + TransformedTemplate.HUB_REGION + ":" + TransformedTemplate.HUB_ACCOUNT
            + ":event-bus/default";
    /** The member's resources, in the region that creates its role (us-east-1, MemberRoleRegion's default). */
    static final Set<String> MEMBER_RESOURCES = Set.of("MemberRemediationRole", "MemberBoundary", "EventForwardingRole",
            "ForwardingDeadLetterQueue", "ForwardingDeadLetterQueuePolicy", "ForwardSecurityGroupChanges",
            "ForwardAuditLoggingChanges", "ForwardIamPrivilegeChanges", "ForwardConfigDrift", "ForwardS3ExposureChanges");
    /** The detector's only pattern that is not forwarded: the kill switch is the hub's own parameter. */
    static final String HUB_ONLY_PATTERN = "KillSwitchChanges";

    final TransformedTemplate hub = TransformedTemplate.with(Map.of("OrganizationId", TransformedTemplate.ORGANIZATION));
    final JsonNode written = LocalDeployment.readTemplate(LocalRuntime.repositoryRoot().resolve("template.yaml"));

    static TransformedTemplate member(String region) {
        return TransformedTemplate.member(MEMBER_ACCOUNT, region, Map.of());
    }

    // --- which deployment holds what ---

    /**
     * Every resource and output of the template as written is the hub's or a member's: each one's condition is, or
     * implies, one of the two (the conditions read in long form from the transform's output).
     */
    @Test
    void everyResourceIsTheHubsOrAMembers() {
        JsonNode conditions = hub.template.path("Conditions");
        List<String> neither = new ArrayList<>();
        for (String section : List.of("Resources", "Outputs")) {
            written.path(section).fields().forEachRemaining(r -> {
                String role = role(conditions, r.getValue().path("Condition").asText(""));
                if (role == null) {
                    neither.add(section + "." + r.getKey());
                }
            });
        }
        assertThat(neither).as("resources deployed by both roles (no Condition that names IsHub or IsMember)").isEmpty();
        assertThat(written.path("Parameters").path("DeploymentRole").path("Default").asText()).isEqualTo("hub");
    }

    /** The role (IsHub or IsMember) a condition requires: itself, or one that an Fn::And of it requires. */
    static String role(JsonNode conditions, String name) {
        if (name.equals("IsHub") || name.equals("IsMember")) {
            return name;
        }
        JsonNode and = conditions.path(name).path("Fn::And");
        for (JsonNode c : and) {
            String r = role(conditions, c.path("Condition").asText(""));
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** A member's stack has exactly the member's resources; the hub's stack none of them, and none of the member's. */
    @Test
    void theHubHasNoMemberResourceAndAMemberNothingOfTheHubs() {
        TransformedTemplate member = member("us-east-1");

        assertThat(names(member.resources)).containsExactlyInAnyOrderElementsOf(MEMBER_RESOURCES);
        assertThat(names(member.template.path("Outputs"))).containsExactly("MemberRoleArn");
        assertThat(names(hub.resources)).doesNotContainAnyElementsOf(MEMBER_RESOURCES)
                .contains("DetectorFunction", "RemediatorRole", "IncidentsTable", "StepQueue", "TaskTokenKey",
                        "ReportsBucket", "PortcullisBoundary", "SecurityGroupIngressPlaybook", "HubBusAdmitsOrganization");
        assertThat(hub.template.path("Outputs").has("MemberRoleArn")).isFalse();
        assertThat(hub.template.path("Outputs").has("RemediatorRoleArn")).isTrue();
    }

    static Set<String> names(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The IAM role is global: only MemberRoleRegion's instance creates it (and its boundary); the others forward. */
    @Test
    void onlyTheMemberRoleRegionCreatesTheRole() {
        for (String region : List.of("eu-west-1", "ap-southeast-2")) {
            TransformedTemplate member = member(region);
            assertThat(member.resources.has("MemberRemediationRole")).as(region).isFalse();
            assertThat(member.resources.has("MemberBoundary")).as(region).isFalse();
            assertThat(member.resources.has("EventForwardingRole")).as(region).isTrue();
        }
        TransformedTemplate elsewhere = TransformedTemplate.member(MEMBER_ACCOUNT, "eu-west-1",
                Map.of("MemberRoleRegion", "eu-west-1"));
        assertThat(elsewhere.resources.has("MemberRemediationRole")).isTrue();
        assertThat(member("us-east-1").resources.has("MemberRemediationRole")).isTrue();
    }

    /** Each role's stack is refused, in words, without what it needs; a member needs no Slack, a hub no hub. */
    @Test
    void eachRolesStackIsRefusedWithoutWhatItNeeds() {
        JsonNode rules = written.path("Rules");
        Map<String, String> member = new TreeMap<>(TransformedTemplate.MEMBER);
        Map<String, String> hubValues = new TreeMap<>(TransformedTemplate.REQUIRED);
        hubValues.put("DeploymentRole", "hub");
        Map<String, String> bareMember = Map.of("DeploymentRole", "member", "HubAccountId", "", "HubRegion", "",
                "HubWorkerRoleArn", "", "OrganizationId", "");

        assertThat(refused(rules, withDefaults(member))).isEmpty();
        assertThat(refused(rules, withDefaults(hubValues))).isEmpty();
        assertThat(refused(rules, withDefaults(bareMember))).containsExactly("MemberKnowsItsHub");
        Map<String, String> noSlack = new TreeMap<>(hubValues);
        noSlack.put("SlackSecretArn", "");
        assertThat(refused(rules, withDefaults(noSlack))).containsExactly("HubHasSlack");
    }

    Map<String, String> withDefaults(Map<String, String> values) {
        Map<String, String> out = new TreeMap<>();
        written.path("Parameters").fields().forEachRemaining(p -> out.put(p.getKey(), p.getValue().path("Default").asText("")));
        out.putAll(values);
        return out;
    }

    /** The rules whose condition holds and whose assertions do not, for these parameter values. */
    static List<String> refused(JsonNode rules, Map<String, String> values) {
        List<String> out = new ArrayList<>();
        rules.fields().forEachRemaining(r -> {
            JsonNode when = r.getValue().path("RuleCondition");
            if (when.isMissingNode() || TemplateTest.holds(when, values)) {
                for (JsonNode a : r.getValue().path("Assertions")) {
                    if (!TemplateTest.holds(a.path("Assert"), values)) {
                        out.add(r.getKey());
                    }
                }
            }
        });
        return out;
    }

    // --- the member's role ---

    /**
     * The member role trusts the hub's account and, within it, only the worker's role, and only while the caller
     * belongs to the organisation: evaluated as IAM would for the worker, another hub role, the worker from another
     * organisation, and a role of the member's own account.
     */
    @Test
    void theMemberRoleTrustsOnlyTheHubsWorkerFromTheOrganisation() {
        TransformedTemplate member = member("us-east-1");
        JsonNode trust = member.properties("MemberRemediationRole").path("AssumeRolePolicyDocument").path("Statement");
        assertThat(trust).hasSize(1);
        JsonNode statement = trust.get(0);
        assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
        assertThat(TransformedTemplate.strings(statement.path("Action"))).containsExactly("sts:AssumeRole");
        assertThat(statement.path("Principal").size()).as("an AWS account, no service, no wildcard").isEqualTo(1);
        assertThat(TransformedTemplate.strings(statement.path("Principal").path("AWS")))
                .containsExactly("arn:aws:iam::" + TransformedTemplate.HUB_ACCOUNT + ":root");
        assertThat(member.attribute("MemberRemediationRole", "Arn"))
                .isEqualTo("arn:aws:iam::" + MEMBER_ACCOUNT + ":role/portcullis-remediation");

        assertThat(trusts(statement, TransformedTemplate.HUB_WORKER_ROLE, TransformedTemplate.ORGANIZATION)).isTrue();
        assertThat(trusts(statement, "arn:aws:iam::" + TransformedTemplate.HUB_ACCOUNT
                + ":role/portcullis/portcullis-prod/portcullis-prod-DetectorRole-" + TransformedTemplate.SUFFIX,
                TransformedTemplate.ORGANIZATION)).as("another of the hub's roles").isFalse();
        assertThat(trusts(statement, "arn:aws:iam::" + TransformedTemplate.HUB_ACCOUNT + ":role/Administrator",
                TransformedTemplate.ORGANIZATION)).as("the hub's administrator").isFalse();
        assertThat(trusts(statement, TransformedTemplate.HUB_WORKER_ROLE, OTHER_ORGANIZATION))
                .as("the worker's ARN from another organisation").isFalse();
        assertThat(PolicyEvaluation.conditions(statement.path("Condition"), false,
                new Request("sts:AssumeRole", "*").with("aws:PrincipalArn", TransformedTemplate.HUB_WORKER_ROLE)))
                .as("a caller whose organisation is not known").isFalse();
    }

    static boolean trusts(JsonNode statement, String principal, String organization) {
        Request r = new Request("sts:AssumeRole", "*").with("aws:PrincipalArn", principal)
                .with("aws:PrincipalOrgID", organization);
        return PolicyEvaluation.conditions(statement.path("Condition"), false, r);
    }

    /**
     * The member's boundary lets its role do everything its policy grants on the account's resources, allows nothing
     * more, and never lets it change itself, its boundary, the forwarding roles, the hub's roles (when the hub's account
     * is a member too) or the protected trail and its bucket.
     */
    @Test
    void theMemberBoundaryLeavesEveryGrantAndStopsTheRoleFromRewritingPortcullis() {
        TransformedTemplate member = TransformedTemplate.member(MEMBER_ACCOUNT, "us-east-1",
                Map.of("ProtectedTrailArn", TransformedTemplate.ALL_SET.get("ProtectedTrailArn"),
                        "ProtectedTrailBucket", TransformedTemplate.ALL_SET.get("ProtectedTrailBucket")));
        assertThat(member.properties("MemberRemediationRole").path("PermissionsBoundary").asText())
                .isEqualTo(member.ref("MemberBoundary"));
        List<JsonNode> policy = member.inlineStatements("MemberRemediationRole");
        List<JsonNode> boundary = new ArrayList<>();
        member.properties("MemberBoundary").path("PolicyDocument").path("Statement").forEach(boundary::add);

        List<String> blocked = new ArrayList<>();
        for (JsonNode s : policy) {
            for (String action : TransformedTemplate.strings(s.path("Action"))) {
                for (String resource : TransformedTemplate.strings(s.path("Resource"))) {
                    Request r = new Request(action, resource.replace("*", "customer"));
                    if (!PolicyEvaluation.allowed(policy, boundary, r)) {
                        blocked.add(action + " on " + r.resource());
                    }
                }
            }
        }
        assertThat(blocked).as("grants the member boundary takes away").isEmpty();
        Set<String> granted = LeastPrivilegeTest.actions(policy);
        boundary.stream().filter(s -> s.path("Effect").asText().equals("Allow")).forEach(s ->
                TransformedTemplate.strings(s.path("Action")).forEach(pattern -> assertThat(granted)
                        .as("the member boundary allows " + pattern + ", which the member role is not granted")
                        .anyMatch(a -> PolicyEvaluation.wildcard(pattern, true).matcher(a).matches())));

        String self = member.attribute("MemberRemediationRole", "Arn");
        List<String> possible = new ArrayList<>();
        Map<String, List<String>> own = Map.of(
                self, List.of("iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy",
                        "iam:DeleteRolePermissionsBoundary", "iam:PassRole"),
                member.ref("MemberBoundary"), List.of("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"),
                "arn:aws:iam::" + MEMBER_ACCOUNT + ":role/portcullis-member/StackSet-x-EventForwardingRole-1",
                List.of("iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"),
                "arn:aws:iam::" + MEMBER_ACCOUNT + ":role/portcullis/portcullis-prod/portcullis-prod-RemediatorRole-1",
                List.of("iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy"),
                TransformedTemplate.ALL_SET.get("ProtectedTrailArn"), List.of("cloudtrail:StopLogging",
                        "cloudtrail:UpdateTrail"),
                "arn:aws:s3:::" + TransformedTemplate.ALL_SET.get("ProtectedTrailBucket"), List.of("s3:PutBucketPolicy"));
        own.forEach((arn, writes) -> writes.forEach(action -> {
            if (PolicyEvaluation.allowed(policy, boundary, new Request(action, arn))) {
                possible.add(action + " on " + arn);
            }
        }));
        assertThat(possible).as("writes to Portcullis itself the member role could make").isEmpty();
        assertThat(PolicyEvaluation.allowed(policy, null, new Request("iam:UpdateAssumeRolePolicy", self)))
                .as("without the boundary the role could rewrite its own trust").isTrue();
    }

    // --- the hub's organisation ---

    /** The hub's default bus admits events from the organisation's accounts only, and only when there is one. */
    @Test
    void theHubsBusAdmitsTheOrganisationOnly() {
        JsonNode policy = hub.properties("HubBusAdmitsOrganization");
        assertThat(policy.path("EventBusName").asText()).isEqualTo("default");
        JsonNode statement = policy.path("Statement");
        assertThat(statement.path("Principal").asText()).isEqualTo("*");
        Request put = new Request("events:PutEvents",
                "arn:aws:events:" + TransformedTemplate.REGION + ":" + TransformedTemplate.ACCOUNT + ":event-bus/default");

        assertThat(PolicyEvaluation.applies(statement, "Allow", put.with("aws:PrincipalOrgID",
                TransformedTemplate.ORGANIZATION))).as("a member's forwarding role").isTrue();
        assertThat(PolicyEvaluation.applies(statement, "Allow", put.with("aws:PrincipalOrgID", OTHER_ORGANIZATION)))
                .as("another organisation's account").isFalse();
        assertThat(PolicyEvaluation.conditions(statement.path("Condition"), false, put))
                .as("an account in no organisation").isFalse();
        assertThat(PolicyEvaluation.applies(statement, "Allow", new Request("events:PutRule", put.resource())
                .with("aws:PrincipalOrgID", TransformedTemplate.ORGANIZATION))).as("anything but PutEvents").isFalse();
        assertThat(TransformedTemplate.with(Map.of()).resources.has("HubBusAdmitsOrganization"))
                .as("a single-account deployment opens its bus to nobody").isFalse();
    }

    /**
     * Every hub function is told the organisation, the worker the member role's name; the worker may assume that
     * role in the organisation's accounts only, the detector read the organisation's accounts, OUs and tags only.
     */
    @Test
    void theHubsFunctionsKnowTheOrganisationAndReachOnlyIntoIt() {
        hub.ofType("AWS::Lambda::Function").keySet().forEach(f -> assertThat(hub.properties(f).path("Environment")
                .path("Variables").path("PORTCULLIS_ORGANIZATION_ID").asText()).as(f)
                .isEqualTo(TransformedTemplate.ORGANIZATION));
        assertThat(hub.properties("RemediatorFunction").path("Environment").path("Variables")
                .path("PORTCULLIS_MEMBER_ROLE_NAME").asText()).isEqualTo("portcullis-remediation");

        List<JsonNode> boundary = new ArrayList<>();
        hub.properties("PortcullisBoundary").path("PolicyDocument").path("Statement").forEach(boundary::add);
        List<JsonNode> worker = hub.inlineStatements("RemediatorRole");
        String workerFunction = hub.lambdaArn(hub.properties("RemediatorFunction").path("FunctionName").asText());
        Request assume = new Request("sts:AssumeRole", "arn:aws:iam::" + MEMBER_ACCOUNT + ":role/portcullis-remediation")
                .with("lambda:SourceFunctionArn", workerFunction);
        assertThat(PolicyEvaluation.allowed(worker, boundary, assume.with("aws:ResourceOrgID",
                TransformedTemplate.ORGANIZATION))).as("the member role of an account in the organisation").isTrue();
        assertThat(PolicyEvaluation.allowed(worker, boundary, assume.with("aws:ResourceOrgID", OTHER_ORGANIZATION)))
                .as("a role of that name outside the organisation").isFalse();
        assertThat(PolicyEvaluation.allowed(worker, boundary, new Request("sts:AssumeRole",
                "arn:aws:iam::" + MEMBER_ACCOUNT + ":role/Administrator").with("lambda:SourceFunctionArn", workerFunction)
                .with("aws:ResourceOrgID", TransformedTemplate.ORGANIZATION))).as("another role").isFalse();

        List<JsonNode> detector = hub.inlineStatements("DetectorRole");
        String detectorFunction = hub.lambdaArn(hub.properties("DetectorFunction").path("FunctionName").asText());
        String management = "999988887777";
        for (String resource : List.of(
                "arn:aws:organizations::" + management + ":account/" + TransformedTemplate.ORGANIZATION + "/" + MEMBER_ACCOUNT,
                "arn:aws:organizations::" + management + ":ou/" + TransformedTemplate.ORGANIZATION + "/ou-ab12-cd34ef56")) {
            assertThat(PolicyEvaluation.allowed(detector, boundary, new Request("organizations:ListParents", resource)
                    .with("lambda:SourceFunctionArn", detectorFunction))).as(resource).isTrue();
            String elsewhere = resource.replace(TransformedTemplate.ORGANIZATION, OTHER_ORGANIZATION);
            assertThat(PolicyEvaluation.allowed(detector, boundary, new Request("organizations:ListTagsForResource",
                    elsewhere).with("lambda:SourceFunctionArn", detectorFunction))).as(elsewhere).isFalse();
        }
        assertThat(PolicyEvaluation.allowed(detector, boundary, new Request("organizations:ListTagsForResource",
                "arn:aws:organizations::" + management + ":root/" + TransformedTemplate.ORGANIZATION + "/r-ab12")
                .with("lambda:SourceFunctionArn", detectorFunction))).isTrue();
    }

    /** A single-account hub (no OrganizationId) reaches into no other account and asks Organizations nothing. */
    @Test
    void aSingleAccountHubAssumesNoRoleAndReadsNoOrganisation() {
        TransformedTemplate single = TransformedTemplate.with(Map.of());
        for (String role : List.of("RemediatorRole", "DetectorRole")) {
            assertThat(LeastPrivilegeTest.actions(single.inlineStatements(role))).as(role)
                    .noneMatch(a -> a.startsWith("sts:") || a.startsWith("organizations:"));
        }
        single.ofType("AWS::Lambda::Function").keySet().forEach(f -> assertThat(single.properties(f)
                .path("Environment").path("Variables").path("PORTCULLIS_ORGANIZATION_ID").asText("absent")).as(f)
                .isEmpty());
    }

    // --- forwarding ---

    /**
     * In every member region, one rule per detector pattern but the kill switch's, with the very same pattern, puts
     * the events on the hub's default bus through the forwarding role, with a dead-letter queue; IAM's pattern only
     * in us-east-1, where IAM's events arrive.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"us-east-1", "eu-west-1", "ap-southeast-2"})
    void everyMemberRegionForwardsTheDetectorsPatternsToTheHubsBus(String region) {
        TransformedTemplate member = member(region);
        Map<String, JsonNode> detectorPatterns = detectorPatterns();
        assertThat(detectorPatterns).containsKey(HUB_ONLY_PATTERN).hasSizeGreaterThanOrEqualTo(6);

        Map<String, JsonNode> forwarded = new TreeMap<>();
        member.ofType("AWS::Events::Rule").keySet().forEach(rule -> {
            JsonNode p = member.properties(rule);
            assertThat(rule).startsWith("Forward");
            forwarded.put(rule.substring("Forward".length()), p.path("EventPattern"));
            assertThat(p.path("Targets")).as(rule).hasSize(1);
            JsonNode target = p.path("Targets").get(0);
            assertThat(target.path("Arn").asText()).as(rule).isEqualTo(HUB_BUS);
            assertThat(target.path("RoleArn").asText()).as(rule).isEqualTo(member.attribute("EventForwardingRole", "Arn"));
            assertThat(target.path("DeadLetterConfig").path("Arn").asText()).as(rule)
                    .isEqualTo(member.attribute("ForwardingDeadLetterQueue", "Arn"));
        });

        Set<String> expected = new TreeSet<>(detectorPatterns.keySet());
        expected.remove(HUB_ONLY_PATTERN);
        if (!region.equals("us-east-1")) {
            expected.remove("IamPrivilegeChanges");
        }
        assertThat(forwarded.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        forwarded.forEach((name, pattern) -> assertThat(pattern).as(name + " is the detector's pattern")
                .isEqualTo(detectorPatterns.get(name)));

        List<JsonNode> forwarding = member.inlineStatements("EventForwardingRole");
        assertThat(LeastPrivilegeTest.actions(forwarding)).containsExactly("events:PutEvents");
        forwarding.forEach(s -> assertThat(TransformedTemplate.strings(s.path("Resource"))).containsExactly(HUB_BUS));
        JsonNode trust = member.properties("EventForwardingRole").path("AssumeRolePolicyDocument").path("Statement");
        assertThat(trust).hasSize(1);
        assertThat(trust.get(0).path("Principal").path("Service").asText()).isEqualTo("events.amazonaws.com");
        assertThat(trust.get(0).path("Condition").path("StringEquals").path("aws:SourceAccount").asText())
                .isEqualTo(MEMBER_ACCOUNT);
        JsonNode dlq = member.properties("ForwardingDeadLetterQueuePolicy").path("PolicyDocument").path("Statement");
        assertThat(dlq.toString()).contains("events.amazonaws.com")
                .contains("arn:aws:events:" + region + ":" + MEMBER_ACCOUNT + ":rule/*");
    }

    /** The detector's EventBridge patterns in the hub, by event name (SAM names each rule DetectorFunction + name). */
    Map<String, JsonNode> detectorPatterns() {
        Map<String, JsonNode> out = new TreeMap<>();
        hub.ofType("AWS::Events::Rule").keySet().forEach(rule -> {
            assertThat(rule).startsWith("DetectorFunction");
            out.put(rule.substring("DetectorFunction".length()), hub.properties(rule).path("EventPattern"));
        });
        return out;
    }

    /**
     * Where the member's stack runs in the hub's own account and region, the hub's rules already see the events:
     * nothing is forwarded there (it would loop). In the hub's account but another region, everything is.
     */
    @Test
    void nothingIsForwardedFromTheHubsOwnAccountAndRegion() {
        TransformedTemplate there = TransformedTemplate.member(TransformedTemplate.HUB_ACCOUNT,
                TransformedTemplate.HUB_REGION, Map.of());
        assertThat(there.ofType("AWS::Events::Rule")).isEmpty();
        assertThat(there.resources.has("EventForwardingRole")).isFalse();
        assertThat(there.resources.has("ForwardingDeadLetterQueue")).isFalse();

        TransformedTemplate hubAccountUsEast1 = TransformedTemplate.member(TransformedTemplate.HUB_ACCOUNT, "us-east-1",
                Map.of());
        assertThat(hubAccountUsEast1.ofType("AWS::Events::Rule")).containsKey("ForwardIamPrivilegeChanges")
                .hasSize(5);
        assertThat(hubAccountUsEast1.resources.has("MemberRemediationRole")).isTrue();
    }
}
