package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.template.PolicyEvaluation.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Portcullis' own power cannot be borrowed (issue 14), read from the template as CloudFormation receives it (SAM's
 * generated resources included, {@link TransformedTemplate}) and evaluated as IAM would: each function role's
 * permissions hold only for its own function's code; every role carries the stack's permissions boundary; no role,
 * its boundary applied, can change Portcullis' own roles, functions, tables, queues, kill switch, playbooks, key,
 * report bucket or protected trail; and the boundary still lets every role do everything its policies grant elsewhere.
 */
class RoleHardeningTest {

    static final String TRAIL = TransformedTemplate.ALL_SET.get("ProtectedTrailArn");
    static final String TRAIL_BUCKET = TransformedTemplate.ALL_SET.get("ProtectedTrailBucket");
    static final String INTRUDER = "arn:aws:lambda:us-east-1:123456789012:function:someone-elses-function";

    final TransformedTemplate t = TransformedTemplate.with(TransformedTemplate.ALL_SET);

    /** Each function role and the ARN of the one function that uses it. */
    Map<String, String> functionRoles() {
        Map<String, String> out = new TreeMap<>();
        t.ofType("AWS::Lambda::Function").keySet().forEach(function -> {
            JsonNode p = t.properties(function);
            String role = t.resources.path(function).path("Properties").path("Role").path("Fn::GetAtt").path(0).asText();
            assertThat(role).as(function + "'s role is one of the template's").isNotEmpty();
            assertThat(out).as(role + " serves one function only: its conditions name that function").doesNotContainKey(role);
            out.put(role, t.lambdaArn(p.path("FunctionName").asText()));
        });
        assertThat(out).hasSize(5);
        return out;
    }

    /**
     * The calls Lambda makes with a function's role outside its execution environment, which carry no
     * lambda:SourceFunctionArn (AWS Lambda Developer Guide, "Using source function ARN to control function access
     * behavior"): polling its SQS event sources, and sending failed asynchronous invocations to an SQS destination.
     * Read from the function's event-source mappings and invoke configuration.
     */
    Set<Request> lambdasOwnCalls(String functionArn) {
        Set<Request> out = new java.util.HashSet<>();
        t.ofType("AWS::Lambda::EventSourceMapping").keySet().forEach(m -> {
            JsonNode p = t.properties(m);
            if (p.path("FunctionName").asText().startsWith(functionArn + ":")
                    || p.path("FunctionName").asText().equals(functionArn)) {
                for (String action : List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")) {
                    out.add(new Request(action, p.path("EventSourceArn").asText()));
                }
            }
        });
        t.ofType("AWS::Lambda::EventInvokeConfig").keySet().forEach(c -> {
            JsonNode p = t.properties(c);
            if (functionArn.endsWith(":function:" + p.path("FunctionName").asText())) {
                JsonNode failure = p.path("DestinationConfig").path("OnFailure").path("Destination");
                if (failure.asText().startsWith("arn:aws:sqs:")) {
                    out.add(new Request("sqs:SendMessage", failure.asText()));
                }
            }
        });
        return out;
    }

    /**
     * Another function given a Portcullis role (by anyone who may create functions and pass roles) can do nothing
     * with it: every statement of every function role holds only when lambda:SourceFunctionArn is that role's own
     * function, except Lambda's own calls for the function (which carry no source ARN), granted on exactly their
     * queues.
     */
    @Test
    void noFunctionRolesPermissionWorksWithoutItsFunctionsSourceCondition() {
        functionRoles().forEach((role, function) -> {
            Set<Request> lambdas = lambdasOwnCalls(function);
            for (JsonNode s : t.inlineStatements(role)) {
                String source = s.path("Condition").path("ArnEquals").path("lambda:SourceFunctionArn").asText(null);
                if (source != null) {
                    assertThat(source).as(role + " " + s.path("Sid").asText() + " names its own function").isEqualTo(function);
                    for (String action : TransformedTemplate.strings(s.path("Action"))) {
                        for (String resource : TransformedTemplate.strings(s.path("Resource"))) {
                            Request r = new Request(action, resource.replace("*", "x"));
                            assertThat(PolicyEvaluation.applies(s, "Allow", r.with("lambda:SourceFunctionArn", function)))
                                    .as(role + " " + s.path("Sid").asText() + " for its function").isTrue();
                            assertThat(PolicyEvaluation.applies(s, "Allow", r.with("lambda:SourceFunctionArn", INTRUDER)))
                                    .as(role + " " + s.path("Sid").asText() + " for another function").isFalse();
                        }
                    }
                    continue;
                }
                for (String action : TransformedTemplate.strings(s.path("Action"))) {
                    for (String resource : TransformedTemplate.strings(s.path("Resource"))) {
                        assertThat(lambdas).as(role + " " + s.path("Sid").asText() + ": " + action + " on " + resource
                                + " without lambda:SourceFunctionArn, and not a call Lambda makes for "
                                + function + " (" + lambdas + ")").contains(new Request(action, resource));
                    }
                }
            }
        });
    }

    /** Only Lambda may assume a function role (Lambda sends no aws:SourceAccount to condition it on; see template). */
    @Test
    void functionRolesTrustLambdaAloneAndOtherRolesTheirServiceInThisAccount() {
        Set<String> functionRoles = functionRoles().keySet();
        t.ofType("AWS::IAM::Role").keySet().forEach(role -> {
            JsonNode trust = t.properties(role).path("AssumeRolePolicyDocument").path("Statement");
            assertThat(trust).as(role).hasSize(1);
            List<String> principals = TransformedTemplate.strings(trust.get(0).path("Principal").path("Service"));
            assertThat(trust.get(0).path("Principal").has("AWS")).as(role + " trusts no account or role").isFalse();
            if (functionRoles.contains(role)) {
                assertThat(principals).as(role).containsExactly("lambda.amazonaws.com");
            } else {
                assertThat(trust.get(0).path("Condition").path("StringEquals").path("aws:SourceAccount").asText())
                        .as(role + " is assumed by its service for this account only")
                        .isEqualTo(TransformedTemplate.ACCOUNT);
            }
        });
    }

    /** Every role CloudFormation creates (SAM's generated ones too) carries the boundary, on the path it protects. */
    @Test
    void theBoundaryIsAttachedToEveryRole() {
        String boundary = t.ref("PortcullisBoundary");
        Map<String, JsonNode> roles = t.ofType("AWS::IAM::Role");
        assertThat(roles).hasSizeGreaterThanOrEqualTo(7);
        roles.keySet().forEach(role -> {
            assertThat(t.properties(role).path("PermissionsBoundary").asText()).as(role).isEqualTo(boundary);
            assertThat(t.attribute(role, "Arn")).as(role + " lies where the boundary's denies reach")
                    .startsWith("arn:aws:iam::" + TransformedTemplate.ACCOUNT + ":role/portcullis/" + t.stack + "/");
        });
        assertThat(boundary).startsWith("arn:aws:iam::" + TransformedTemplate.ACCOUNT + ":policy/portcullis/" + t.stack + "/");
    }

    /** Portcullis' own resources, each with the writes that would change, silence or borrow it. */
    Map<String, List<String>> ownResources() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        t.ofType("AWS::IAM::Role").keySet().forEach(r -> out.put(t.attribute(r, "Arn"), List.of("iam:PutRolePolicy",
                "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRolePolicy", "iam:UpdateAssumeRolePolicy",
                "iam:DeleteRole", "iam:UpdateRole", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
                "iam:PassRole")));
        // The member role and a forwarding role, when the hub's account is a member too (issue 15): the worker must
        // not widen the role it acts as.
        for (String memberRole : List.of("role/portcullis-remediation", "role/portcullis-member/StackSet-x-EventForwardingRole-1")) {
            out.put("arn:aws:iam::" + TransformedTemplate.ACCOUNT + ":" + memberRole, List.of("iam:PutRolePolicy",
                    "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary",
                    "iam:PassRole"));
        }
        out.put(t.ref("PortcullisBoundary"), List.of("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
                "iam:DeletePolicyVersion", "iam:DeletePolicy"));
        t.ofType("AWS::Lambda::Function").keySet().forEach(f -> {
            for (String arn : List.of(t.attribute(f, "Arn"), t.attribute(f, "Arn") + ":live")) {
                out.put(arn, List.of("lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
                        "lambda:DeleteFunction", "lambda:AddPermission", "lambda:PutFunctionConcurrency",
                        "lambda:DeleteFunctionConcurrency", "lambda:UpdateAlias", "lambda:PublishVersion"));
            }
        });
        out.put("arn:aws:lambda:us-east-1:123456789012:event-source-mapping:0e3d2c1b-aaaa-bbbb-cccc-123456789012",
                List.of("lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"));
        t.ofType("AWS::DynamoDB::Table").keySet().forEach(table -> out.put(t.attribute(table, "Arn"),
                table.equals("ApprovalsTable")
                        ? List.of("dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive",
                                "dynamodb:UpdateContinuousBackups", "dynamodb:DeleteItem")
                        : List.of("dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive",
                                "dynamodb:UpdateContinuousBackups")));
        t.ofType("AWS::SQS::Queue").keySet().forEach(q -> out.put(t.attribute(q, "Arn"), List.of(
                "sqs:SetQueueAttributes", "sqs:DeleteQueue", "sqs:PurgeQueue", "sqs:AddPermission")));
        t.ofType("AWS::SSM::Parameter").keySet().forEach(p -> out.put("arn:aws:ssm:" + TransformedTemplate.REGION + ":"
                + TransformedTemplate.ACCOUNT + ":parameter" + t.ref(p), List.of("ssm:PutParameter", "ssm:DeleteParameter")));
        // An account's own kill switch (issue 15), which an operator creates beneath the global one.
        out.put("arn:aws:ssm:" + TransformedTemplate.REGION + ":" + TransformedTemplate.ACCOUNT + ":parameter"
                + t.ref("KillSwitch") + "/" + TransformedTemplate.HUB_ACCOUNT, List.of("ssm:PutParameter",
                "ssm:DeleteParameter"));
        t.ofType("AWS::StepFunctions::StateMachine").keySet().forEach(m -> {
            out.put(t.ref(m), List.of("states:UpdateStateMachine", "states:DeleteStateMachine"));
            out.put(t.ref(m).replace(":stateMachine:", ":execution:") + ":incident-1", List.of("states:StopExecution"));
        });
        t.ofType("AWS::KMS::Key").keySet().forEach(k -> out.put(t.attribute(k, "Arn"), List.of(
                "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:CreateGrant")));
        List<String> bucketWrites = List.of("s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl",
                "s3:PutLifecycleConfiguration", "s3:DeleteBucket");
        t.ofType("AWS::S3::Bucket").keySet().forEach(b -> out.put(t.attribute(b, "Arn"), bucketWrites));
        out.put("arn:aws:s3:::" + TRAIL_BUCKET, bucketWrites);
        out.put("arn:aws:s3:::" + TRAIL_BUCKET + "/AWSLogs/123456789012/CloudTrail/x.json.gz",
                List.of("s3:DeleteObject", "s3:DeleteObjectVersion"));
        out.put(TRAIL, List.of("cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
                "cloudtrail:PutEventSelectors"));
        return out;
    }

    List<JsonNode> boundary() {
        List<JsonNode> out = new ArrayList<>();
        t.properties("PortcullisBoundary").path("PolicyDocument").path("Statement").forEach(out::add);
        return out;
    }

    private Map<String, String> functionRoles;

    /** The source ARN each role's calls carry: its function's, or none (the state machines', the schedules'). */
    Request asRole(String role, Request request) {
        if (functionRoles == null) {
            functionRoles = functionRoles();
        }
        String function = functionRoles.get(role);
        return function == null ? request : request.with("lambda:SourceFunctionArn", function);
    }

    /**
     * No role can change Portcullis itself: for each of its resources, the writes that would change, silence or borrow
     * it are refused to every role, even from its own function, by the role's policies or else by the boundary.
     */
    @Test
    void noRoleCanWritePortcullisOwnResources() {
        List<JsonNode> boundary = boundary();
        List<String> possible = new ArrayList<>();
        Map<String, List<String>> own = ownResources();
        t.ofType("AWS::IAM::Role").keySet().forEach(role -> {
            List<JsonNode> policies = t.inlineStatements(role);
            own.forEach((arn, writes) -> writes.forEach(action -> {
                Request r = asRole(role, new Request(action, arn));
                if (PolicyEvaluation.allowed(policies, boundary, r)) {
                    possible.add(role + ": " + action + " on " + arn);
                }
            }));
        });
        assertThat(possible).as("writes to Portcullis' own resources some role could make").isEmpty();
    }

    /**
     * The boundary denies what the roles' own policies would otherwise allow on Portcullis' resources: the
     * worker's remediations reach every role, bucket and trail of the account, Portcullis' included.
     */
    @Test
    void theBoundaryIsWhatStopsTheWorkerFromRewritingPortcullis() {
        List<JsonNode> worker = t.inlineStatements("RemediatorRole");
        String detectorRole = t.attribute("DetectorRole", "Arn");
        Request rewriteTrust = asRole("RemediatorRole", new Request("iam:UpdateAssumeRolePolicy", detectorRole));
        assertThat(PolicyEvaluation.allowed(worker, null, rewriteTrust)).as("without the boundary").isTrue();
        assertThat(PolicyEvaluation.allowed(worker, boundary(), rewriteTrust)).as("with the boundary").isFalse();
        Request stopTrail = asRole("RemediatorRole", new Request("cloudtrail:StopLogging", TRAIL));
        assertThat(PolicyEvaluation.allowed(worker, null, stopTrail)).isTrue();
        assertThat(PolicyEvaluation.allowed(worker, boundary(), stopTrail)).isFalse();
    }

    /**
     * The boundary takes nothing the roles need elsewhere: every action each statement grants, on a resource of
     * the customer's its Resource matches, is still allowed with the boundary applied (the remediations on
     * customers' roles, users, buckets, trails, security groups and flow logs included).
     */
    @Test
    void theBoundaryLeavesEveryGrantOnTheCustomersResources() {
        List<JsonNode> boundary = boundary();
        List<String> blocked = new ArrayList<>();
        t.ofType("AWS::IAM::Role").keySet().forEach(role -> {
            List<JsonNode> policies = t.inlineStatements(role);
            for (JsonNode s : policies) {
                for (String action : TransformedTemplate.strings(s.path("Action"))) {
                    for (String resource : TransformedTemplate.strings(s.path("Resource"))) {
                        Request r = asRole(role, new Request(action, resource.replace("*", "customer")));
                        if (!PolicyEvaluation.allowed(policies, boundary, r)) {
                            blocked.add(role + " " + s.path("Sid").asText() + ": " + action + " on " + r.resource());
                        }
                    }
                }
            }
        });
        assertThat(blocked).as("grants the boundary takes away").isEmpty();
    }

    /** Every entry of the boundary's Allow is needed by some role: the ceiling is no wider than the roles. */
    @Test
    void theBoundaryAllowsNothingNoRoleIsGranted() {
        Set<String> granted = new TreeSet<>();
        t.ofType("AWS::IAM::Role").keySet().forEach(role -> t.inlineStatements(role)
                .forEach(s -> granted.addAll(TransformedTemplate.strings(s.path("Action")))));
        boundary().stream().filter(s -> s.path("Effect").asText().equals("Allow")).forEach(s -> {
            assertThat(TransformedTemplate.strings(s.path("Resource"))).containsExactly("*");
            TransformedTemplate.strings(s.path("Action")).forEach(pattern -> assertThat(granted)
                    .as("the boundary allows " + pattern + ", which no role is granted")
                    .anyMatch(a -> PolicyEvaluation.wildcard(pattern, true).matcher(a).matches()));
        });
    }

    /**
     * IAM keeps at most 6,144 characters of a managed policy (whitespace aside): the boundary fits for the longest
     * stack name and the longest trail and bucket names the parameters allow.
     */
    @Test
    void theBoundaryFitsAManagedPolicyForTheLongestNames() throws Exception {
        TransformedTemplate longest = TransformedTemplate.with("s".repeat(DeploymentTest.LONGEST_STACK_NAME),
                Map.of("ProtectedTrailArn", "arn:aws-us-gov:cloudtrail:us-gov-west-1:123456789012:trail/" + "t".repeat(128),
                        "ProtectedTrailBucket", "b".repeat(63)));
        String document = new ObjectMapper().writeValueAsString(
                longest.properties("PortcullisBoundary").path("PolicyDocument"));
        assertThat(document.length()).isLessThanOrEqualTo(6144);
    }
}
