package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.rule.IamPrivilegeRule;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * An IAM user tagged {@code environment=production}, with no policies, keys or console password (for
 * {@code UpdateLoginProfile}, a temporary password to be changed at first sign-in); changed by {@code AttachUserPolicy}, {@code PutUserPolicy}, {@code CreateAccessKey}
 * for this user, {@code CreateLoginProfile}, {@code UpdateLoginProfile} or what a Config item of it records.
 */
final class IamUserScenario extends IamIdentityScenario {

    static final Set<String> CALLS = Set.of("AttachUserPolicy", "PutUserPolicy", "CreateAccessKey",
            "CreateLoginProfile", "UpdateLoginProfile");

    private String createdKey;

    IamUserScenario(ScenarioAws aws) {
        super(aws);
    }

    @Override
    String kind() {
        return "user";
    }

    @Override
    void create(SampleEvent sample) {
        aws.iam().createUser(r -> r.userName(name).tags(Tag.builder().key("environment").value("production").build()));
        if (sample.eventName().equals("UpdateLoginProfile")) {
            // An administrator's temporary password, which the user must change at first sign-in. The emulator
            // ignores PasswordResetRequired on create, so it is set again by an update (with the same password).
            String temporary = password();
            aws.iam().createLoginProfile(r -> r.userName(name).password(temporary).passwordResetRequired(true));
            aws.iam().updateLoginProfile(r -> r.userName(name).password(temporary).passwordResetRequired(true));
        }
    }

    @Override
    List<String> attachedPolicies() {
        return aws.iam().listAttachedUserPoliciesPaginator(r -> r.userName(name)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).toList();
    }

    @Override
    List<String> inlinePolicies() {
        return aws.iam().listUserPoliciesPaginator(r -> r.userName(name)).policyNames().stream().toList();
    }

    @Override
    void attach(String policyArn) {
        aws.iam().attachUserPolicy(r -> r.userName(name).policyArn(policyArn));
    }

    @Override
    void detach(String policyArn) {
        aws.iam().detachUserPolicy(r -> r.userName(name).policyArn(policyArn));
    }

    @Override
    void putInline(String policyName, String document) {
        aws.iam().putUserPolicy(r -> r.userName(name).policyName(policyName).policyDocument(document));
    }

    @Override
    void deleteInline(String policyName) {
        aws.iam().deleteUserPolicy(r -> r.userName(name).policyName(policyName));
    }

    @Override
    String uniqueId() {
        return aws.iam().getUser(r -> r.userName(name)).user().userId();
    }

    @Override
    void applyOwn(SampleEvent aimed) {
        JsonNode request = aimed.request();
        switch (aimed.eventName()) {
            case "CreateAccessKey" -> {
                AccessKey key = aws.iam().createAccessKey(r -> r.userName(name)).accessKey();
                createdKey = key.accessKeyId();
                ObjectNode recorded = aimed.detail().putObject("responseElements").putObject("accessKey");
                recorded.put("userName", name).put("accessKeyId", key.accessKeyId())
                        .put("status", key.statusAsString()).put("createDate", String.valueOf(key.createDate()));
            }
            case "CreateLoginProfile" -> aws.iam().createLoginProfile(r -> r.userName(name).password(password())
                    .passwordResetRequired(request.path("passwordResetRequired").asBoolean(false)));
            case "UpdateLoginProfile" -> aws.iam().updateLoginProfile(r -> r.userName(name).password(password())
                    .passwordResetRequired(request.path("passwordResetRequired").asBoolean(false)));
            default -> throw new UnsupportedSample(aimed.describe() + " is not a user change this scenario makes");
        }
    }

    /**
     * Adds {@code "accessKeys": [{"id", "status"}…], "loginProfile": bool} and, with a console password,
     * {@code "passwordResetRequired"} (the password itself cannot be read).
     */
    @Override
    void readOwn(ObjectNode state) {
        ArrayNode keys = state.putArray("accessKeys");
        aws.iam().listAccessKeysPaginator(r -> r.userName(name)).accessKeyMetadata().stream()
                .sorted(java.util.Comparator.comparing(k -> k.accessKeyId()))
                .forEach(k -> keys.addObject().put("id", k.accessKeyId()).put("status", k.statusAsString()));
        try {
            var profile = aws.iam().getLoginProfile(r -> r.userName(name)).loginProfile();
            state.put("loginProfile", true).put("passwordResetRequired", Boolean.TRUE.equals(profile.passwordResetRequired()));
        } catch (NoSuchEntityException e) {
            state.put("loginProfile", false);
        }
    }

    /**
     * A new access key is deactivated, never deleted (someone may need to see what it was used for); a console
     * password of a user without MFA is deleted, whether the change created or changed it (it cannot be put back).
     */
    @Override
    public ObjectNode fixed(ObjectNode before, ObjectNode after, Incident incident) {
        ObjectNode fixed = before.deepCopy();
        if (createdKey != null) {
            fixed = after.deepCopy();
            fixed.path("accessKeys").forEach(k -> {
                if (createdKey.equals(k.path("id").asText())) {
                    ((ObjectNode) k).put("status", "Inactive");
                }
            });
        }
        if (incident != null && incident.findings().stream()
                .anyMatch(f -> f.remediates(IamPrivilegeRule.ID_PASSWORD_WITHOUT_MFA))) {
            fixed.put("loginProfile", false).remove("passwordResetRequired");
        }
        return fixed;
    }

    /** A throw-away password the emulator stores for the sandbox user; never printed (CloudTrail omits it too). */
    private static String password() {
        return "Sandbox-" + UUID.randomUUID() + "-Aa1!";
    }
}
