package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.portcullis.local.LocalRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * template.yaml as CloudFormation receives it (the SAM transform applied by the translator `sam deploy` uses, from the
 * repository's .venv, offline: tests/src/test/python/transform_template.py), with its intrinsic functions resolved for
 * one stack: physical names as CloudFormation would make them, so policies can be evaluated against real-looking ARNs.
 * One stack is one account and region with one DeploymentRole: only the resources whose conditions hold there are
 * kept, as CloudFormation would create them (the hub's by default; {@link #member} for a member stack).
 */
final class TransformedTemplate {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final String STACK = "portcullis-prod";
    /** Obviously fake values for the parameters that have no default. */
    static final Map<String, String> REQUIRED = Map.of(
            "SlackSecretArn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:portcullis/slack-AbCdEf",
            "SlackChannelId", "C0TEMPLATE", "SlackApprovers", "U0TEMPLATE");
    /** A value for every optional parameter: each setting's effect shows (protected trail, alarm topic, limits). */
    static final Map<String, String> ALL_SET = Map.of(
            "ProtectedTrailArn", "arn:aws:cloudtrail:us-east-1:123456789012:trail/organization",
            "ProtectedTrailBucket", "organization-trail",
            "SlackSigningSecretArn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:portcullis/slack-signing-AbCdEf",
            "AlarmTopicArn", "arn:aws:sns:us-east-1:123456789012:on-call",
            "DetectorReservedConcurrency", "20", "WorkerReservedConcurrency", "5", "InteractionMaxConcurrency", "3",
            "SlackApiBurstLimit", "7", "SlackApiRateLimit", "3", "OrganizationId", "o-a1b2c3d4e5");
    /** What CloudFormation appends to a generated physical name. */
    static final String SUFFIX = "1A2B3C4D5E6F7";

    private static final Map<String, TransformedTemplate> CACHE = new ConcurrentHashMap<>();
    private static final Pattern SUB = Pattern.compile("\\$\\{([A-Za-z0-9:.]+)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The hub's account and region in {@link #member} stacks' parameters, and the organisation. */
    static final String HUB_ACCOUNT = "111122223333";
    static final String HUB_REGION = "eu-west-1";
    static final String ORGANIZATION = "o-a1b2c3d4e5";
    static final String HUB_WORKER_ROLE = "arn:aws:iam::" + HUB_ACCOUNT
            + ":role/portcullis/portcullis-prod/portcullis-prod-RemediatorRole-" + SUFFIX;
    /** A member stack's parameters, as README.md's StackSet passes them. */
    static final Map<String, String> MEMBER = Map.of("DeploymentRole", "member", "HubAccountId", HUB_ACCOUNT,
            "HubRegion", HUB_REGION, "HubWorkerRoleArn", HUB_WORKER_ROLE, "OrganizationId", ORGANIZATION);

    final JsonNode template;
    final JsonNode resources;
    final String stack;
    final String account;
    final String region;
    final Map<String, String> parameters = new TreeMap<>();

    private TransformedTemplate(JsonNode template, String stack, String account, String region,
            Map<String, String> values) {
        this.template = template;
        this.resources = template.path("Resources");
        this.stack = stack;
        this.account = account;
        this.region = region;
        template.path("Parameters").fields().forEachRemaining(p ->
                parameters.put(p.getKey(), p.getValue().path("Default").asText("")));
        parameters.putAll(values);
    }

    /** The template for the {@link #STACK} stack with these parameter values (and {@link #REQUIRED}'s). */
    static TransformedTemplate with(Map<String, String> values) {
        return with(STACK, values);
    }

    static TransformedTemplate with(String stack, Map<String, String> values) {
        Map<String, String> all = new TreeMap<>(REQUIRED);
        all.putAll(values);
        return of(stack, ACCOUNT, REGION, all);
    }

    /** A member stack ({@link #MEMBER}'s parameters and these) in this account and region. */
    static TransformedTemplate member(String account, String region, Map<String, String> values) {
        Map<String, String> all = new TreeMap<>(MEMBER);
        all.putAll(values);
        return of("StackSet-portcullis-member-0a1b2c3d", account, region, all);
    }

    private static TransformedTemplate of(String stack, String account, String region, Map<String, String> all) {
        return CACHE.computeIfAbsent(stack + account + region + all,
                k -> new TransformedTemplate(transform(all, account, region), stack, account, region, all));
    }

    private static JsonNode transform(Map<String, String> parameters, String account, String region) {
        Path root = LocalRuntime.repositoryRoot();
        Path python = root.resolve(".venv/bin/python");
        assertThat(python).as("the repository's .venv (./portcullis sets it up) holds the SAM translator").exists();
        try {
            Process process = new ProcessBuilder(python.toString(),
                    root.resolve("tests/src/test/python/transform_template.py").toString(),
                    root.resolve("template.yaml").toString(), JSON.writeValueAsString(parameters),
                    JSON.writeValueAsString(Map.of("AWS::AccountId", account, "AWS::Region", region)))
                    .directory(root.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the SAM transform finished").isTrue();
            assertThat(process.exitValue()).as("the SAM transform: " + err).isZero();
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("could not run the SAM transform: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Logical id to resource, of one type. */
    Map<String, JsonNode> ofType(String type) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        resources.fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals(type)) {
                out.put(r.getKey(), r.getValue());
            }
        });
        return out;
    }

    /** A resource's properties, every intrinsic function resolved. */
    JsonNode properties(String logicalId) {
        JsonNode resource = resources.path(logicalId);
        assertThat(resource.isMissingNode()).as(logicalId + " in the transformed template").isFalse();
        JsonNode resolved = resolve(resource.path("Properties"));
        return resolved == null ? JsonNodeFactory.instance.objectNode() : resolved;
    }

    boolean condition(String name) {
        return truth(template.path("Conditions").path(name));
    }

    private boolean truth(JsonNode c) {
        if (c.has("Fn::Equals")) {
            return text(resolve(c.path("Fn::Equals").get(0))).equals(text(resolve(c.path("Fn::Equals").get(1))));
        }
        if (c.has("Fn::Not")) {
            return !truth(c.path("Fn::Not").get(0));
        }
        if (c.has("Fn::And")) {
            for (JsonNode x : c.path("Fn::And")) {
                if (!truth(x)) {
                    return false;
                }
            }
            return true;
        }
        if (c.has("Fn::Or")) {
            for (JsonNode x : c.path("Fn::Or")) {
                if (truth(x)) {
                    return true;
                }
            }
            return false;
        }
        if (c.has("Condition")) {
            return condition(c.path("Condition").asText());
        }
        throw new AssertionError("a condition function this test does not evaluate: " + c);
    }

    private static String text(JsonNode n) {
        return n == null ? "" : n.asText();
    }

    /** The node with Ref, Fn::GetAtt, Fn::Sub, Fn::Join and Fn::If resolved; null for AWS::NoValue. */
    JsonNode resolve(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> {
                JsonNode r = resolve(n);
                if (r != null) {
                    out.add(r);
                }
            });
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        if (node.size() == 1) {
            String fn = node.fieldNames().next();
            JsonNode arg = node.path(fn);
            switch (fn) {
                case "Ref":
                    return arg.asText().equals("AWS::NoValue") ? null : TextNode.valueOf(ref(arg.asText()));
                case "Fn::GetAtt":
                    return TextNode.valueOf(attribute(arg.get(0).asText(), arg.get(1).asText()));
                case "Fn::Sub":
                    return TextNode.valueOf(sub(arg));
                case "Fn::If":
                    return resolve(truth(JsonNodeFactory.instance.objectNode().put("Condition", arg.get(0).asText()))
                            ? arg.get(1) : arg.get(2));
                case "Fn::Join": {
                    StringBuilder b = new StringBuilder();
                    JsonNode parts = resolve(arg.get(1));
                    for (int i = 0; i < parts.size(); i++) {
                        b.append(i == 0 ? "" : arg.get(0).asText()).append(parts.get(i).asText());
                    }
                    return TextNode.valueOf(b.toString());
                }
                default:
                    if (fn.startsWith("Fn::")) {
                        throw new AssertionError("an intrinsic function this test does not resolve: " + node);
                    }
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        node.fields().forEachRemaining(f -> {
            JsonNode r = resolve(f.getValue());
            if (r != null) {
                out.set(f.getKey(), r);
            }
        });
        return out;
    }

    private String sub(JsonNode arg) {
        String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
        Map<String, String> locals = new TreeMap<>();
        if (arg.isArray()) {
            arg.get(1).fields().forEachRemaining(f -> locals.put(f.getKey(), text(resolve(f.getValue()))));
        }
        Matcher m = SUB.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = locals.containsKey(name) ? locals.get(name)
                    : name.contains(".") && !name.startsWith("AWS::")
                            ? attribute(name.substring(0, name.indexOf('.')), name.substring(name.indexOf('.') + 1))
                            : ref(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    String ref(String name) {
        switch (name) {
            case "AWS::AccountId":
                return account;
            case "AWS::Region":
                return region;
            case "AWS::Partition":
                return "aws";
            case "AWS::StackName":
                return stack;
            case "AWS::URLSuffix":
                return "amazonaws.com";
            default:
        }
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        JsonNode r = resources.path(name);
        assertThat(r.isMissingNode()).as("Ref " + name).isFalse();
        JsonNode p = r.path("Properties");
        return switch (r.path("Type").asText()) {
            case "AWS::IAM::ManagedPolicy" -> "arn:aws:iam::" + account + ":policy" + text(resolve(p.path("Path")))
                    + physical(name);
            case "AWS::SQS::Queue" -> "https://sqs." + region + ".amazonaws.com/" + account + "/" + physical(name);
            case "AWS::Lambda::Function" -> text(resolve(p.path("FunctionName")));
            case "AWS::Lambda::Alias" -> lambdaArn(text(resolve(p.path("FunctionName")))) + ":" + p.path("Name").asText();
            case "AWS::Lambda::Version" -> lambdaArn(text(resolve(p.path("FunctionName")))) + ":1";
            case "AWS::StepFunctions::StateMachine" -> "arn:aws:states:" + region + ":" + account + ":stateMachine:"
                    + text(resolve(p.path("StateMachineName")));
            case "AWS::SSM::Parameter", "AWS::Logs::LogGroup" -> text(resolve(p.has("Name") ? p.path("Name")
                    : p.path("LogGroupName")));
            case "AWS::KMS::Key" -> "key-" + name.toLowerCase(java.util.Locale.ROOT);
            case "AWS::S3::Bucket" -> physical(name).toLowerCase(java.util.Locale.ROOT);
            default -> physical(name);
        };
    }

    String attribute(String logicalId, String attribute) {
        JsonNode r = resources.path(logicalId);
        assertThat(r.isMissingNode()).as("GetAtt " + logicalId).isFalse();
        String type = r.path("Type").asText();
        JsonNode p = r.path("Properties");
        if (attribute.equals("QueueName")) {
            return physical(logicalId);
        }
        assertThat(attribute).as("GetAtt " + logicalId + "." + attribute).isEqualTo("Arn");
        return switch (type) {
            case "AWS::IAM::Role" -> "arn:aws:iam::" + account + ":role"
                    + (p.has("Path") ? text(resolve(p.path("Path"))) : "/")
                    + (p.has("RoleName") ? text(resolve(p.path("RoleName"))) : physical(logicalId));
            case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb:" + region + ":" + account + ":table/" + physical(logicalId);
            case "AWS::SQS::Queue" -> "arn:aws:sqs:" + region + ":" + account + ":" + physical(logicalId);
            case "AWS::S3::Bucket" -> "arn:aws:s3:::" + ref(logicalId);
            case "AWS::KMS::Key" -> "arn:aws:kms:" + region + ":" + account + ":key/" + ref(logicalId);
            case "AWS::Lambda::Function" -> lambdaArn(ref(logicalId));
            case "AWS::Logs::LogGroup" -> "arn:aws:logs:" + region + ":" + account + ":log-group:" + ref(logicalId) + ":*";
            default -> "arn:aws:" + type.split("::")[1].toLowerCase(java.util.Locale.ROOT) + ":" + region + ":"
                    + account + ":" + physical(logicalId);
        };
    }

    String lambdaArn(String functionName) {
        return "arn:aws:lambda:" + region + ":" + account + ":function:" + functionName;
    }

    /** A name CloudFormation generates: the stack's, the resource's, and a random suffix. */
    String physical(String logicalId) {
        return stack + "-" + logicalId + "-" + SUFFIX;
    }

    /** Every statement of a resource's policy documents (a role's inline policies), resolved. */
    List<JsonNode> inlineStatements(String role) {
        List<JsonNode> out = new java.util.ArrayList<>();
        properties(role).path("Policies").forEach(p -> p.path("PolicyDocument").path("Statement").forEach(out::add));
        return out;
    }

    static List<String> strings(JsonNode node) {
        return TemplateTest.strings(node);
    }
}
