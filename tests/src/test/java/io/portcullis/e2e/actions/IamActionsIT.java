package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.finding;
import static io.portcullis.e2e.actions.Emulated.incident;
import static io.portcullis.e2e.actions.Emulated.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.IamActions;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyDocument;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.incident.Incident;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.Finding;
import io.portcullis.rule.IamPrivilegeRule;
import io.portcullis.rule.RuleFamily;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.StatusType;

/** IAM actions against the emulator (started with AWS managed policies loaded). */
class IamActionsIT {

    static final String ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
    static final String READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    static final String LAMBDA_TRUST = "{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}";

    final IamClient iam = AWS.iam();
    final IamActions actions = new IamActions(iam);

    List<String> attachedTo(String user) {
        return iam.listAttachedUserPolicies(l -> l.userName(user)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).toList();
    }

    @Test
    void detachesOnlyTheAdminPolicyAndKeepsReadOnly() {
        String user = unique("deploy-bot");
        iam.createUser(u -> u.userName(user));
        iam.attachUserPolicy(a -> a.userName(user).policyArn(READ_ONLY));
        iam.attachUserPolicy(a -> a.userName(user).policyArn(ADMIN));
        ResourceRef ref = ResourceRef.iam("user", user, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_ADMIN_GRANTED, RuleFamily.IAM, ref, Map.of("policyArn", ADMIN)));
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("AdministratorAccess is still attached"));

        assertThat(actions.apply(RemediationAction.DETACH_POLICY, incident, snapshot, true).kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(attachedTo(user)).contains(ADMIN);

        var result = actions.apply(RemediationAction.DETACH_POLICY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(attachedTo(user)).containsExactly(READ_ONLY);
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.DETACH_POLICY, incident, snapshot, false).kind()).isEqualTo(Kind.NOTHING_TO_DO);
        // The other IAM actions of the playbook find nothing of their kind in this incident.
        assertThat(actions.apply(RemediationAction.RESTORE_TRUST_POLICY, incident, snapshot, false).kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(actions.apply(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, snapshot, false).kind()).isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void refusesToDetachAPolicyAttachedAgainAfterTheIncidentWasJudged() {
        String role = unique("ci-runner");
        iam.createRole(r -> r.roleName(role).assumeRolePolicyDocument(trust(LAMBDA_TRUST)));
        ResourceRef ref = ResourceRef.iam("role", role, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_ADMIN_GRANTED, RuleFamily.IAM, ref, Map.of("policyArn", ADMIN)));
        ObjectNode snapshot = actions.snapshot(incident); // someone detached it before the playbook ran
        iam.attachRolePolicy(a -> a.roleName(role).policyArn(ADMIN));

        var result = actions.apply(RemediationAction.DETACH_POLICY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.REFUSED);
        assertThat(iam.listAttachedRolePolicies(l -> l.roleName(role)).attachedPolicies()).extracting(AttachedPolicy::policyArn)
                .containsExactly(ADMIN);
    }

    @Test
    void makesTheLastNonAdminVersionTheDefaultAgain() {
        String name = unique("developer-boundary");
        String arn = iam.createPolicy(c -> c.policyName(name).policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"))
                .policy().arn();
        iam.createPolicyVersion(v -> v.policyArn(arn).setAsDefault(true).policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}"));
        ResourceRef ref = ResourceRef.iam("policy", arn, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_ADMIN_GRANTED, RuleFamily.IAM, ref, Map.of("why", "passrole")));
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(snapshot.path("restoreVersionId").asText()).isEqualTo("v1");
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("v2").contains("iam:PassRole"));

        assertThat(actions.apply(RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, incident, snapshot, true).kind())
                .isEqualTo(Kind.WOULD_CHANGE);
        assertThat(iam.getPolicy(g -> g.policyArn(arn)).policy().defaultVersionId()).isEqualTo("v2");

        var result = actions.apply(RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(iam.getPolicy(g -> g.policyArn(arn)).policy().defaultVersionId()).isEqualTo("v1");
        assertThat(iam.listPolicyVersions(l -> l.policyArn(arn)).versions()).hasSize(2); // nothing deleted
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void refusesWhenEveryOtherVersionIsAdminToo() {
        String name = unique("break-glass");
        String arn = iam.createPolicy(c -> c.policyName(name).policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"))
                .policy().arn();
        ResourceRef ref = ResourceRef.iam("policy", arn, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_ADMIN_GRANTED, RuleFamily.IAM, ref, Map.of()));
        ObjectNode snapshot = actions.snapshot(incident);

        var result = actions.apply(RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.REFUSED);
        assertThat(iam.getPolicy(g -> g.policyArn(arn)).policy().defaultVersionId()).isEqualTo("v1");
    }

    @Test
    void takesAnyoneOutOfTheTrustPolicyAndKeepsTheOtherPrincipals() {
        String role = unique("data-export");
        iam.createRole(r -> r.roleName(role).assumeRolePolicyDocument(trust(LAMBDA_TRUST,
                "{\"Sid\":\"Opened\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"*\",\"arn:aws:iam::123456789012:root\"]},\"Action\":\"sts:AssumeRole\"}")));
        ResourceRef ref = ResourceRef.iam("role", role, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_TRUST_ANYONE, RuleFamily.IAM, ref, Map.of("principal", "*")));
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("still lets * assume it"));

        assertThat(actions.apply(RemediationAction.RESTORE_TRUST_POLICY, incident, snapshot, true).kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(livePrincipals(role)).contains("*");

        var result = actions.apply(RemediationAction.RESTORE_TRUST_POLICY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(livePrincipals(role)).containsExactlyInAnyOrder("lambda.amazonaws.com", "arn:aws:iam::123456789012:root");
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.RESTORE_TRUST_POLICY, incident, snapshot, false).kind()).isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void takesTheOutsideAccountOutOfTheTrustPolicy() {
        String role = unique("partner-sync");
        iam.createRole(r -> r.roleName(role).assumeRolePolicyDocument(trust(LAMBDA_TRUST,
                "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"},\"Action\":\"sts:AssumeRole\"}")));
        ResourceRef ref = ResourceRef.iam("role", role, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_TRUST_EXTERNAL, RuleFamily.IAM, ref,
                Map.of("principal", "arn:aws:iam::999988887777:root")));
        ObjectNode snapshot = actions.snapshot(incident);

        var result = actions.apply(RemediationAction.RESTORE_TRUST_POLICY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(livePrincipals(role)).containsExactly("lambda.amazonaws.com");
    }

    @Test
    void aRoleThatTrustedOnlyAnyoneIsClosedToItsOwnAccountAndUndoOpensItAgain() {
        String role = unique("wide-open");
        iam.createRole(r -> r.roleName(role).assumeRolePolicyDocument(trust(
                "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}")));
        ResourceRef ref = ResourceRef.iam("role", role, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_TRUST_ANYONE, RuleFamily.IAM, ref, Map.of("principal", "*")));
        ObjectNode snapshot = actions.snapshot(incident);

        var result = actions.apply(RemediationAction.RESTORE_TRUST_POLICY, incident, snapshot, false);

        // A role must trust someone: with nothing else left it trusts only its own account, never anyone.
        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.detail()).contains("only its own account " + ACCOUNT);
        assertThat(livePrincipals(role)).containsExactly("arn:aws:iam::" + ACCOUNT + ":root");
        assertThat(actions.stillWrong(incident)).isEmpty();

        var undone = actions.undo(RemediationAction.RESTORE_TRUST_POLICY, incident, result.undo());
        assertThat(undone.kind()).isEqualTo(Kind.CHANGED);
        assertThat(livePrincipals(role)).containsExactly("*");
    }

    @Test
    void deactivatesTheNamedKeyWithoutDeletingIt() {
        String user = unique("build-agent");
        iam.createUser(u -> u.userName(user));
        String older = iam.createAccessKey(k -> k.userName(user)).accessKey().accessKeyId();
        String key = iam.createAccessKey(k -> k.userName(user)).accessKey().accessKeyId();
        ResourceRef ref = ResourceRef.iam("user", user, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_ACCESS_KEY_FOR_OTHER, RuleFamily.IAM, ref,
                Map.of("accessKeyId", key)));
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).isPresent();

        assertThat(actions.apply(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, snapshot, true).kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(status(user, key)).isEqualTo(StatusType.ACTIVE);

        var result = actions.apply(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(status(user, key)).isEqualTo(StatusType.INACTIVE);
        assertThat(status(user, older)).isEqualTo(StatusType.ACTIVE);
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, snapshot, false).kind()).isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void handsTheRootUsersKeyToAPersonWithWhatToDo() {
        ResourceRef root = ResourceRef.iam("root", "root", ACCOUNT);
        Incident incident = incident(root, finding(IamPrivilegeRule.ID_ROOT_ACCESS_KEY, RuleFamily.IAM, root, Map.of()));

        var result = actions.apply(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, actions.snapshot(incident), false);

        assertThat(result.kind()).isEqualTo(Kind.NEEDS_PERSON);
        assertThat(result.detail()).contains("only the root user can").contains("Sign in to the console as the root user");
        assertThat(actions.stillWrong(incident)).isPresent();
    }

    @Test
    void deactivatesAKeyMadeForAnotherUserAndUndoReactivatesIt() throws Exception {
        String user = unique("build-bot");
        iam.createUser(u -> u.userName(user));
        String own = iam.createAccessKey(k -> k.userName(user)).accessKey().accessKeyId();
        String planted = iam.createAccessKey(k -> k.userName(user)).accessKey().accessKeyId();
        ResourceRef ref = ResourceRef.iam("user", user, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_ACCESS_KEY_FOR_OTHER, RuleFamily.IAM, ref,
                Map.of("accessKeyId", planted, "userName", user)));
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains(planted + " of user " + user
                + " is still active"));

        var result = actions.apply(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(status(user, planted)).isEqualTo(StatusType.INACTIVE);
        assertThat(status(user, own)).isEqualTo(StatusType.ACTIVE);
        assertThat(actions.stillWrong(incident)).isEmpty();

        var record = S3UndoIT.stored(result);
        assertThat(actions.undo(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, record).kind()).isEqualTo(Kind.CHANGED);
        assertThat(status(user, planted)).isEqualTo(StatusType.ACTIVE);
        assertThat(actions.undo(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, record).kind()).isEqualTo(Kind.NOTHING_TO_DO);

        var again = S3UndoIT.stored(actions.apply(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, snapshot, false));
        iam.deleteAccessKey(d -> d.userName(user).accessKeyId(planted));
        var gone = actions.undo(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, again);
        assertThat(gone.kind()).isEqualTo(Kind.REFUSED);
        assertThat(gone.detail()).contains("deleted since");
    }

    @Test
    void aKeyForAnotherUserThatCloudTrailDidNotNameGoesToAPerson() {
        String user = unique("build-bot");
        iam.createUser(u -> u.userName(user));
        ResourceRef ref = ResourceRef.iam("user", user, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_ACCESS_KEY_FOR_OTHER, RuleFamily.IAM, ref,
                Map.of("userName", user)));

        var result = actions.apply(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, actions.snapshot(incident), false);

        assertThat(result.kind()).isEqualTo(Kind.NEEDS_PERSON);
        assertThat(result.detail()).contains("aws iam list-access-keys --user-name " + user);
    }

    @Test
    void awsConfigsRootKeyVerdictAboutTheAccountGoesToAPersonAsTheRootKey() {
        ResourceRef account = new ResourceRef("AWS::::Account", ACCOUNT, "arn:aws:iam::" + ACCOUNT + ":root", ACCOUNT, "us-east-1");
        Incident incident = incident(account, finding("config-iam-root-access-key-check", RuleFamily.IAM, account,
                Map.of(Finding.REMEDIATE_AS, IamPrivilegeRule.ID_ROOT_ACCESS_KEY)));
        assertThat(actions.handles(incident)).isTrue();
        ObjectNode snapshot = actions.snapshot(incident);

        assertThat(actions.apply(RemediationAction.DETACH_POLICY, incident, snapshot, false).kind()).isEqualTo(Kind.NOTHING_TO_DO);
        var result = actions.apply(RemediationAction.DEACTIVATE_ACCESS_KEY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.NEEDS_PERSON);
        assertThat(result.detail()).contains("only the root user can");
    }

    @Test
    void aVerdictNamingAPolicyByItsIdOnlyGoesToAPersonOnceWithHowToFindIt() {
        ResourceRef policy = new ResourceRef("AWS::IAM::Policy", "ANPAEXAMPLEPOLICY0001", null, ACCOUNT, "us-east-1");
        Incident incident = incident(policy, finding("config-iam-policy-no-statements-with-admin-access", RuleFamily.IAM,
                policy, Map.of("configRule", "iam-policy-no-statements-with-admin-access")));
        ObjectNode snapshot = actions.snapshot(incident);

        var first = actions.apply(RemediationAction.DETACH_POLICY, incident, snapshot, false);

        assertThat(first.kind()).isEqualTo(Kind.NEEDS_PERSON);
        assertThat(first.detail()).contains("test finding config-iam-policy-no-statements-with-admin-access")
                .contains("PolicyId=='ANPAEXAMPLEPOLICY0001'");
        Incident escalated = incident.next(io.portcullis.incident.IncidentStatus.ESCALATED,
                new io.portcullis.incident.TimelineEntry(java.time.Instant.now(), "DetachAdminPolicy", "test", first.detail()));
        for (RemediationAction later : List.of(RemediationAction.REMOVE_INLINE_POLICY,
                RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, RemediationAction.DEACTIVATE_ACCESS_KEY)) {
            assertThat(actions.apply(later, escalated, snapshot, false).kind()).as(later.key()).isEqualTo(Kind.NOTHING_TO_DO);
        }
        assertThat(actions.stillWrong(escalated)).hasValueSatisfying(w -> assertThat(w).contains("a person was asked"));
    }

    StatusType status(String user, String key) {
        return iam.listAccessKeys(l -> l.userName(user)).accessKeyMetadata().stream()
                .filter(k -> k.accessKeyId().equals(key)).findFirst().orElseThrow().status();
    }

    List<String> livePrincipals(String role) {
        var doc = PolicyRewrite.read(iam.getRole(g -> g.roleName(role)).role().assumeRolePolicyDocument());
        return PolicyDocument.parse(doc).orElseThrow().statements().stream().flatMap(s -> s.principals().stream()).toList();
    }

    static String trust(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }
}
