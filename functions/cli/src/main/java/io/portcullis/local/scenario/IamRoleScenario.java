package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.iam.PolicyDocument;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * An IAM role tagged {@code environment=production} that only Lambda may assume, with no policies; changed by
 * {@code AttachRolePolicy}, {@code PutRolePolicy}, {@code UpdateAssumeRolePolicy} or what a Config item of it records.
 * For {@code CreateRole} nothing exists before: the call creates the role with the event's trust policy.
 */
final class IamRoleScenario extends IamIdentityScenario {

    static final Set<String> CALLS = Set.of("AttachRolePolicy", "PutRolePolicy", "UpdateAssumeRolePolicy", "CreateRole");

    static final String LAMBDA_TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

    IamRoleScenario(ScenarioAws aws) {
        super(aws);
    }

    @Override
    String kind() {
        return "role";
    }

    @Override
    void create(SampleEvent sample) {
        if (!sample.eventName().equals("CreateRole")) {
            aws.iam().createRole(r -> r.roleName(name).assumeRolePolicyDocument(LAMBDA_TRUST)
                    .tags(Tag.builder().key("environment").value("production").build()));
        }
    }

    @Override
    List<String> attachedPolicies() {
        return aws.iam().listAttachedRolePoliciesPaginator(r -> r.roleName(name)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).toList();
    }

    @Override
    List<String> inlinePolicies() {
        return aws.iam().listRolePoliciesPaginator(r -> r.roleName(name)).policyNames().stream().toList();
    }

    @Override
    void attach(String policyArn) {
        aws.iam().attachRolePolicy(r -> r.roleName(name).policyArn(policyArn));
    }

    @Override
    void detach(String policyArn) {
        aws.iam().detachRolePolicy(r -> r.roleName(name).policyArn(policyArn));
    }

    @Override
    void putInline(String policyName, String document) {
        aws.iam().putRolePolicy(r -> r.roleName(name).policyName(policyName).policyDocument(document));
    }

    @Override
    void deleteInline(String policyName) {
        aws.iam().deleteRolePolicy(r -> r.roleName(name).policyName(policyName));
    }

    @Override
    String uniqueId() {
        return aws.iam().getRole(r -> r.roleName(name)).role().roleId();
    }

    @Override
    void trust(String document) {
        aws.iam().updateAssumeRolePolicy(r -> r.roleName(name).policyDocument(document));
    }

    @Override
    void applyOwn(SampleEvent aimed) {
        JsonNode request = aimed.request();
        switch (aimed.eventName()) {
            case "UpdateAssumeRolePolicy" -> aws.iam().updateAssumeRolePolicy(r -> r.roleName(name)
                    .policyDocument(text(request.path("policyDocument"))));
            case "CreateRole" -> {
                Role role = aws.iam().createRole(r -> r.roleName(name)
                        .assumeRolePolicyDocument(text(request.path("assumeRolePolicyDocument")))).role();
                ObjectNode recorded = aimed.detail().putObject("responseElements").putObject("role");
                recorded.put("path", role.path()).put("roleName", role.roleName()).put("roleId", role.roleId())
                        .put("arn", role.arn()).put("createDate", String.valueOf(role.createDate()))
                        .put("assumeRolePolicyDocument", role.assumeRolePolicyDocument());
            }
            default -> throw new UnsupportedSample(aimed.describe() + " is not a role change this scenario makes");
        }
    }

    /** {@code {"exists": false}} before a CreateRole; else the common state and {@code "trustPrincipals"}. */
    @Override
    public ObjectNode read() {
        Role role;
        try {
            role = aws.iam().getRole(r -> r.roleName(name)).role();
        } catch (NoSuchEntityException e) {
            return Json.mapper().createObjectNode().put("exists", false);
        }
        ObjectNode out = Json.mapper().createObjectNode().put("exists", true);
        out.setAll(super.read());
        ArrayNode principals = out.putArray("trustPrincipals");
        trustPrincipals(role.assumeRolePolicyDocument()).stream().sorted().forEach(principals::add);
        return out;
    }

    @Override
    void readOwn(ObjectNode state) {
        // The trust policy is added by read(), after "exists".
    }

    /**
     * A role the change created stays (deleting it is a person's decision); any other role reads as before the change,
     * except a trust policy the change rewrote: IAM keeps no earlier trust policy to put back, so the fix takes out
     * only the principals outside the account (anyone, another account) and keeps the rest; with nothing left, the
     * role trusts only its own account (a role must trust someone).
     */
    @Override
    public ObjectNode fixed(ObjectNode before, ObjectNode after, io.portcullis.incident.Incident incident) {
        if (!after.path("exists").asBoolean()) {
            return before;
        }
        ObjectNode fixed = (before.path("exists").asBoolean() ? before : after).deepCopy();
        if (after.path("trustPrincipals").equals(before.path("trustPrincipals"))) {
            return fixed;
        }
        ArrayNode kept = fixed.putArray("trustPrincipals");
        after.path("trustPrincipals").forEach(p -> {
            String principal = p.asText();
            String value = principal.substring(principal.indexOf(':') + 1);
            if (principal.startsWith("Service:") || aws.account().equals(PolicyDocument.accountOf(value))) {
                kept.add(principal);
            }
        });
        if (kept.isEmpty()) {
            kept.add("AWS:arn:aws:iam::" + aws.account() + ":root");
        }
        return fixed;
    }

    /** "Service:lambda.amazonaws.com", "AWS:arn:aws:iam::…:root", "*": the principals of the Allow statements. */
    static List<String> trustPrincipals(String document) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : PolicyRewrite.statements(PolicyRewrite.read(document))) {
            if (!"Allow".equalsIgnoreCase(s.path("Effect").asText())) {
                continue;
            }
            JsonNode p = s.path("Principal");
            if (p.isTextual()) {
                out.add(p.asText());
            }
            p.properties().forEach(e -> {
                if (e.getValue().isArray()) {
                    e.getValue().forEach(v -> out.add(e.getKey() + ":" + v.asText()));
                } else {
                    out.add(e.getKey() + ":" + e.getValue().asText());
                }
            });
        }
        return out;
    }

    private static String text(JsonNode document) {
        return document.isTextual() ? document.asText() : document.toString();
    }
}
