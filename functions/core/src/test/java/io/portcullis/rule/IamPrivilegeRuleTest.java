package io.portcullis.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.change.Actor;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Admin equivalence and trust, positive forms and near misses. The organisation: this account and 111122223333. */
class IamPrivilegeRuleTest {

    static List<Finding> judge(String eventName, String actorType, String request) throws Exception {
        Change change = new Change("e-1", eventName, "iam.amazonaws.com", Instant.EPOCH,
                new Actor("arn:aws:sts::123456789012:assumed-role/Admin/a", actorType, null, true, "203.0.113.4", null),
                Origin.CONSOLE, ResourceRef.iam("role", "r", "123456789012"), ChangeKind.CONFIGURATION, List.of(), null,
                Json.mapper().readTree(request));
        return RuleSet.defaults(Set.of("111122223333")).evaluate(change);
    }

    @ParameterizedTest(name = "{0} {2} → {3}")
    @CsvSource(delimiter = '|', textBlock = """
        AttachRolePolicy       | AssumedRole | {"roleName":"r","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"} | iam-admin-granted
        AttachGroupPolicy      | AssumedRole | {"groupName":"g","policyArn":"arn:aws:iam::aws:policy/IAMFullAccess"}      | iam-admin-granted
        AttachUserPolicy       | AssumedRole | {"userName":"u","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}     | NONE
        AttachUserPolicy       | AssumedRole | {"userName":"u","policyArn":"arn:aws:iam::123456789012:policy/AdministratorAccess"} | NONE
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"*:*\\",\\"Resource\\":\\"*\\"}}"} | iam-admin-granted
        PutUserPolicy          | AssumedRole | {"userName":"u","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"iam:*\\",\\"Resource\\":\\"*\\"}]}"} | iam-admin-granted
        PutUserPolicy          | AssumedRole | {"userName":"u","policyName":"p","policyDocument":"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3APassRole%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"} | iam-admin-granted
        PutGroupPolicy         | AssumedRole | {"groupName":"g","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"NotAction\\":\\"s3:*\\",\\"Resource\\":\\"*\\"}]}"} | iam-admin-granted
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"iam:PassRole\\",\\"Resource\\":\\"arn:aws:iam::123456789012:role/app\\"}]}"} | NONE
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Deny\\",\\"Action\\":\\"*\\",\\"Resource\\":\\"*\\"}]}"} | NONE
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":[\\"s3:*\\",\\"ec2:Describe*\\"],\\"Resource\\":\\"*\\"}]}"} | NONE
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"iam:AttachRolePolicy\\",\\"Resource\\":\\"*\\"}]}"} | iam-admin-granted
        PutUserPolicy          | AssumedRole | {"userName":"u","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":[\\"s3:GetObject\\",\\"iam:AttachUserPolicy\\"],\\"Resource\\":\\"*\\"}]}"} | iam-admin-granted
        PutGroupPolicy         | AssumedRole | {"groupName":"g","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"iam:Attach*\\",\\"Resource\\":\\"*\\"}]}"} | iam-admin-granted
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"iam:PutRolePolicy\\",\\"Resource\\":\\"*\\"}]}"} | iam-admin-granted
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"iam:DeleteRolePermissionsBoundary\\",\\"Resource\\":\\"*\\"}]}"} | iam-admin-granted
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"iam:AttachRolePolicy\\",\\"Resource\\":\\"arn:aws:iam::123456789012:role/app-*\\"}]}"} | NONE
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Deny\\",\\"Action\\":\\"iam:AttachRolePolicy\\",\\"Resource\\":\\"*\\"}]}"} | NONE
        PutRolePolicy          | AssumedRole | {"roleName":"r","policyName":"p","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":[\\"iam:Get*\\",\\"iam:List*\\",\\"iam:CreateServiceLinkedRole\\"],\\"Resource\\":\\"*\\"}]}"} | NONE
        CreatePolicyVersion    | AssumedRole | {"policyArn":"arn:aws:iam::123456789012:policy/p","setAsDefault":true,"policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"*\\",\\"Resource\\":\\"*\\"}]}"} | iam-admin-granted
        CreatePolicyVersion    | AssumedRole | {"policyArn":"arn:aws:iam::123456789012:policy/p","setAsDefault":false,"policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"*\\",\\"Resource\\":\\"*\\"}]}"} | NONE
        UpdateAssumeRolePolicy | AssumedRole | {"roleName":"r","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"sts:AssumeRole\\"}]}"} | iam-trust-anyone
        UpdateAssumeRolePolicy | AssumedRole | {"roleName":"r","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"AWS\\":\\"*\\"},\\"Action\\":\\"sts:AssumeRole\\",\\"Condition\\":{\\"StringEquals\\":{\\"aws:PrincipalOrgID\\":\\"o-1\\"}}}]}"} | NONE
        UpdateAssumeRolePolicy | AssumedRole | {"roleName":"r","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"AWS\\":\\"*\\"},\\"Action\\":\\"sts:AssumeRole\\",\\"Condition\\":{\\"StringLike\\":{\\"aws:PrincipalArn\\":\\"*\\"}}}]}"} | iam-trust-anyone
        UpdateAssumeRolePolicy | AssumedRole | {"roleName":"r","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"AWS\\":\\"arn:aws:iam::444455556666:role/x\\"},\\"Action\\":\\"sts:AssumeRole\\"}]}"} | iam-trust-external-account
        UpdateAssumeRolePolicy | AssumedRole | {"roleName":"r","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"AWS\\":\\"111122223333\\"},\\"Action\\":\\"sts:AssumeRole\\"}]}"} | NONE
        UpdateAssumeRolePolicy | AssumedRole | {"roleName":"r","policyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"AWS\\":\\"arn:aws:iam::123456789012:root\\"},\\"Action\\":\\"sts:AssumeRole\\"}]}"} | NONE
        CreateRole             | AssumedRole | {"roleName":"r","assumeRolePolicyDocument":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":{\\"Federated\\":\\"cognito-identity.amazonaws.com\\"},\\"Action\\":\\"sts:AssumeRoleWithWebIdentity\\"}]}"} | NONE
        CreateAccessKey        | Root        | {}                                                                              | iam-root-access-key
        CreateAccessKey        | AssumedRole | {"userName":"u"}                                                                | iam-access-key-for-another-user
        CreateLoginProfile     | AssumedRole | {"userName":"u","passwordResetRequired":true}                                   | iam-console-password-created
        CreateLoginProfile     | AssumedRole | {"userName":"u","passwordResetRequired":true,"portcullis:mfaDevices":0}         | iam-console-password-without-mfa
        CreateLoginProfile     | AssumedRole | {"userName":"u","passwordResetRequired":true,"portcullis:mfaDevices":1}         | iam-console-password-created
        UpdateLoginProfile     | AssumedRole | {"userName":"u","portcullis:mfaDevices":0}                                      | iam-console-password-without-mfa
        UpdateLoginProfile     | AssumedRole | {"userName":"u","portcullis:mfaDevices":2}                                      | iam-console-password-created
        UpdateLoginProfile     | AssumedRole | {"userName":"u"}                                                                | iam-console-password-created
        """)
    void judges(String eventName, String actorType, String request, String expected) throws Exception {
        List<Finding> findings = judge(eventName, actorType, request);
        if (expected.equals("NONE")) {
            assertThat(findings).isEmpty();
        } else {
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.ruleId()).isEqualTo(expected);
                assertThat(f.family()).isEqualTo(RuleFamily.IAM);
            });
        }
    }

    /** Who may create a key for user {@code build-bot} without a finding: only build-bot itself, as an IAM user. */
    @ParameterizedTest(name = "{0} {1} creating a key for build-bot → {2}")
    @CsvSource(delimiter = '|', textBlock = """
        IAMUser       | arn:aws:iam::123456789012:user/build-bot                        | NONE
        IAMUser       | arn:aws:iam::123456789012:user/ci/build-bot                     | NONE
        IAMUser       | arn:aws:iam::123456789012:user/alice                            | iam-access-key-for-another-user
        IAMUser       | arn:aws:iam::111122223333:user/build-bot                        | iam-access-key-for-another-user
        AssumedRole   | arn:aws:sts::123456789012:assumed-role/build-bot/build-bot      | iam-access-key-for-another-user
        FederatedUser | arn:aws:sts::123456789012:federated-user/build-bot              | iam-access-key-for-another-user
        Root          | arn:aws:iam::123456789012:root                                  | iam-access-key-for-another-user
        """)
    void aKeyForAnotherUserIsAFindingWithTheNewKeysId(String type, String arn, String expected) throws Exception {
        Change change = new Change("e-1", "CreateAccessKey", "iam.amazonaws.com", Instant.EPOCH,
                new Actor(arn, type, null, false, "203.0.113.4", null), Origin.CLI_SDK,
                ResourceRef.iam("user", "build-bot", "123456789012"), ChangeKind.CONFIGURATION, List.of(), null,
                Json.mapper().readTree("{\"userName\":\"build-bot\"}"),
                Json.mapper().readTree("{\"accessKey\":{\"userName\":\"build-bot\",\"accessKeyId\":\"AKIAEXAMPLEFAKE00001\"}}"));

        List<Finding> findings = RuleSet.defaults().evaluate(change);

        if (expected.equals("NONE")) {
            assertThat(findings).isEmpty();
        } else {
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.ruleId()).isEqualTo(expected);
                assertThat(f.severity()).isEqualTo(Severity.HIGH);
                assertThat(f.facts()).containsEntry("accessKeyId", "AKIAEXAMPLEFAKE00001")
                        .containsEntry("userName", "build-bot");
                assertThat(f.explanation()).contains("AKIAEXAMPLEFAKE00001").contains("build-bot");
            });
        }
    }

    @org.junit.jupiter.api.Test
    void aPasswordWithoutMfaIsHighAndOneThatWasNotCheckedSaysSo() throws Exception {
        assertThat(judge("CreateLoginProfile", "AssumedRole", "{\"userName\":\"u\",\"portcullis:mfaDevices\":0}"))
                .singleElement().satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.HIGH);
                    assertThat(f.explanation()).contains("no MFA device");
                });
        assertThat(judge("CreateLoginProfile", "AssumedRole", "{\"userName\":\"u\"}")).singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.LOW);
                    assertThat(f.explanation()).contains("not checked");
                });
    }

    @org.junit.jupiter.api.Test
    void anAdminInlinePolicyCarriesTheDocumentItJudged() throws Exception {
        var request = Json.mapper().createObjectNode().put("roleName", "r").put("policyName", "p")
                .put("policyDocument", "{\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}\n}");

        List<Finding> findings = judge("PutRolePolicy", "AssumedRole", request.toString());

        assertThat(findings).singleElement().satisfies(f -> assertThat(f.facts()).containsEntry("policyName", "p")
                .containsEntry("policyDocument", "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"));
    }

    @org.junit.jupiter.api.Test
    void severitiesFollowTheProtocolDefaults() throws Exception {
        assertThat(judge("CreateAccessKey", "Root", "{}").get(0).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(judge("AttachRolePolicy", "AssumedRole",
                "{\"policyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"}").get(0).severity()).isEqualTo(Severity.HIGH);
    }
}
