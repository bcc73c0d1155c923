package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.finding;
import static io.portcullis.e2e.actions.Emulated.incident;
import static io.portcullis.e2e.actions.Emulated.unique;
import static io.portcullis.e2e.actions.IamActionsIT.ADMIN;
import static io.portcullis.e2e.actions.IamActionsIT.LAMBDA_TRUST;
import static io.portcullis.e2e.actions.IamActionsIT.READ_ONLY;
import static io.portcullis.e2e.actions.IamActionsIT.trust;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.IamActions;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyDocument;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.incident.Incident;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.IamPrivilegeRule;
import io.portcullis.rule.RuleFamily;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;

/**
 * Undo of the IAM fixes against the emulator, from the record each fix stores: the policy attached again, the earlier
 * default version made default again, the trust policy as it was; only while the entity is as the fix left it.
 */
class IamUndoIT {

    final IamClient iam = AWS.iam();
    final IamActions actions = new IamActions(iam);

    List<String> attachedToGroup(String group) {
        return iam.listAttachedGroupPolicies(l -> l.groupName(group)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).toList();
    }

    @Test
    void undoOfADetachAttachesThePolicyAgainAndHasNothingToDoTwice() throws Exception {
        String group = unique("ops");
        iam.createGroup(g -> g.groupName(group));
        iam.attachGroupPolicy(a -> a.groupName(group).policyArn(READ_ONLY));
        iam.attachGroupPolicy(a -> a.groupName(group).policyArn(ADMIN));
        ResourceRef ref = ResourceRef.iam("group", group, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_ADMIN_GRANTED, RuleFamily.IAM, ref, Map.of("policyArn", ADMIN)));
        JsonNode record = S3UndoIT.stored(actions.apply(RemediationAction.DETACH_POLICY, incident, actions.snapshot(incident), false));
        assertThat(attachedToGroup(group)).containsExactly(READ_ONLY);

        assertThat(actions.undo(RemediationAction.DETACH_POLICY, incident, record).kind()).isEqualTo(Kind.CHANGED);
        assertThat(attachedToGroup(group)).containsExactlyInAnyOrder(READ_ONLY, ADMIN);
        assertThat(actions.undo(RemediationAction.DETACH_POLICY, incident, record).kind()).isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void undoOfADefaultVersionMakesTheJudgedVersionDefaultAgainOnlyWhileTheFixsChoiceIsDefault() throws Exception {
        String arn = iam.createPolicy(c -> c.policyName(unique("boundary")).policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"))
                .policy().arn();
        iam.createPolicyVersion(v -> v.policyArn(arn).setAsDefault(true).policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
        ResourceRef ref = ResourceRef.iam("policy", arn, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_ADMIN_GRANTED, RuleFamily.IAM, ref, Map.of()));
        JsonNode record = S3UndoIT.stored(actions.apply(RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, incident,
                actions.snapshot(incident), false));
        assertThat(defaultOf(arn)).isEqualTo("v1");

        assertThat(actions.undo(RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, incident, record).kind())
                .isEqualTo(Kind.CHANGED);
        assertThat(defaultOf(arn)).isEqualTo("v2");
        assertThat(actions.undo(RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, incident, record).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);

        JsonNode again = S3UndoIT.stored(actions.apply(RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, incident,
                actions.snapshot(incident), false));
        iam.createPolicyVersion(v -> v.policyArn(arn).setAsDefault(true).policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\"}]}"));
        assertThat(actions.undo(RemediationAction.RESTORE_DEFAULT_POLICY_VERSION, incident, again).kind())
                .isEqualTo(Kind.REFUSED);
        assertThat(defaultOf(arn)).isEqualTo("v3");
    }

    @Test
    void undoOfATrustFixPutsTheOpenedTrustPolicyBackOnlyWhileItIsAsTheFixWroteIt() throws Exception {
        String role = unique("data-export");
        String opened = trust(LAMBDA_TRUST, "{\"Sid\":\"Opened\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}");
        iam.createRole(r -> r.roleName(role).assumeRolePolicyDocument(opened));
        ResourceRef ref = ResourceRef.iam("role", role, ACCOUNT);
        Incident incident = incident(ref, finding(IamPrivilegeRule.ID_TRUST_ANYONE, RuleFamily.IAM, ref, Map.of("principal", "*")));
        JsonNode record = S3UndoIT.stored(actions.apply(RemediationAction.RESTORE_TRUST_POLICY, incident,
                actions.snapshot(incident), false));
        assertThat(principals(role)).containsExactly("lambda.amazonaws.com");

        assertThat(actions.undo(RemediationAction.RESTORE_TRUST_POLICY, incident, record).kind()).isEqualTo(Kind.CHANGED);
        assertThat(PolicyRewrite.read(iam.getRole(g -> g.roleName(role)).role().assumeRolePolicyDocument()))
                .isEqualTo(PolicyRewrite.read(opened));
        assertThat(actions.undo(RemediationAction.RESTORE_TRUST_POLICY, incident, record).kind()).isEqualTo(Kind.NOTHING_TO_DO);

        JsonNode again = S3UndoIT.stored(actions.apply(RemediationAction.RESTORE_TRUST_POLICY, incident,
                actions.snapshot(incident), false));
        String partner = trust(LAMBDA_TRUST, "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:AssumeRole\"}");
        iam.updateAssumeRolePolicy(u -> u.roleName(role).policyDocument(partner));
        assertThat(actions.undo(RemediationAction.RESTORE_TRUST_POLICY, incident, again).kind()).isEqualTo(Kind.REFUSED);
        assertThat(principals(role)).containsExactly("lambda.amazonaws.com", "arn:aws:iam::111122223333:root");
    }

    String defaultOf(String arn) {
        return iam.getPolicy(g -> g.policyArn(arn)).policy().defaultVersionId();
    }

    List<String> principals(String role) {
        return PolicyDocument.parse(PolicyRewrite.read(iam.getRole(g -> g.roleName(role)).role().assumeRolePolicyDocument()))
                .orElseThrow().statements().stream().flatMap(s -> s.principals().stream()).toList();
    }
}
