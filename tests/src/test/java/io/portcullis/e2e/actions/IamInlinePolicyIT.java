package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.finding;
import static io.portcullis.e2e.actions.Emulated.incident;
import static io.portcullis.e2e.actions.Emulated.unique;
import static io.portcullis.e2e.actions.IamActionsIT.LAMBDA_TRUST;
import static io.portcullis.e2e.actions.IamActionsIT.trust;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.IamActions;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.IamPrivilegeRule;
import io.portcullis.rule.RuleFamily;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * remove-inline-policy against the emulator: an admin-equivalent inline policy goes back to the document the
 * inventory saw before the change, or is deleted; a newer document is never touched; Undo puts the judged document
 * back, only while the policy is as the fix left it.
 */
class IamInlinePolicyIT {

    static final String ADMIN = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
    static final String SCOPED = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\","
            + "\"s3:PutObject\"],\"Resource\":\"arn:aws:s3:::example-artifacts/*\"}]}";
    static final String PASS_ROLE = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\","
            + "\"Resource\":\"*\"}]}";

    final IamClient iam = AWS.iam();
    final RecordedInventory inventory = new RecordedInventory();
    final IamActions actions = new IamActions(iam, inventory);
    final String user = unique("build-bot");
    final ResourceRef ref = ResourceRef.iam("user", user, ACCOUNT);

    IamInlinePolicyIT() {
        iam.createUser(u -> u.userName(user));
    }

    Incident adminInline(String name, String judged) {
        return incident(ref, finding(IamPrivilegeRule.ID_ADMIN_GRANTED, RuleFamily.IAM, ref, Map.of("policyName", name,
                "why", "allows every action on every resource", "policyDocument", PolicyRewrite.read(judged).toString())));
    }

    Optional<JsonNode> live(String name) {
        try {
            return Optional.of(PolicyRewrite.read(iam.getUserPolicy(g -> g.userName(user).policyName(name)).policyDocument()));
        } catch (NoSuchEntityException e) {
            return Optional.empty();
        }
    }

    void sweptInline(String name, String document) {
        ObjectNode configuration = Json.mapper().createObjectNode();
        configuration.putObject("inlinePolicies").set(name, PolicyRewrite.read(document));
        inventory.record(ref, configuration, Instant.now().minus(1, ChronoUnit.HOURS));
    }

    @Test
    void deletesAnAdminInlinePolicyNobodyKnewBeforeAndUndoPutsItBack() throws Exception {
        iam.putUserPolicy(p -> p.userName(user).policyName("everything").policyDocument(ADMIN));
        iam.putUserPolicy(p -> p.userName(user).policyName("artifacts").policyDocument(SCOPED));
        Incident incident = adminInline("everything", ADMIN);
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w)
                .contains("inline policy everything of user " + user + " still allows every action"));

        assertThat(actions.apply(RemediationAction.REMOVE_INLINE_POLICY, incident, snapshot, true).kind())
                .isEqualTo(Kind.WOULD_CHANGE);
        assertThat(live("everything")).isPresent();

        var result = actions.apply(RemediationAction.REMOVE_INLINE_POLICY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.detail()).contains("Deleted the inline policy everything").contains("no earlier document");
        assertThat(live("everything")).isEmpty();
        assertThat(live("artifacts")).as("the other inline policy is kept").isPresent();
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.REMOVE_INLINE_POLICY, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
        // The playbook's other IAM actions find nothing of their kind here.
        for (RemediationAction other : List.of(RemediationAction.DETACH_POLICY, RemediationAction.RESTORE_TRUST_POLICY,
                RemediationAction.DEACTIVATE_ACCESS_KEY, RemediationAction.DELETE_LOGIN_PROFILE)) {
            assertThat(actions.apply(other, incident, snapshot, false).kind()).as(other.key()).isEqualTo(Kind.NOTHING_TO_DO);
        }

        JsonNode record = S3UndoIT.stored(result);
        assertThat(actions.undo(RemediationAction.REMOVE_INLINE_POLICY, incident, record).kind()).isEqualTo(Kind.CHANGED);
        assertThat(live("everything")).contains(PolicyRewrite.read(ADMIN));
        assertThat(actions.undo(RemediationAction.REMOVE_INLINE_POLICY, incident, record).kind()).isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void putsBackThePreviousDocumentTheInventorySawAndUndoReturnsToTheJudgedOne() throws Exception {
        sweptInline("artifacts", SCOPED);
        iam.putUserPolicy(p -> p.userName(user).policyName("artifacts").policyDocument(ADMIN));
        Incident incident = adminInline("artifacts", ADMIN);
        ObjectNode snapshot = actions.snapshot(incident);

        var result = actions.apply(RemediationAction.REMOVE_INLINE_POLICY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.detail()).contains("Put back the previous document of the inline policy artifacts");
        assertThat(live("artifacts")).contains(PolicyRewrite.read(SCOPED));
        assertThat(actions.stillWrong(incident)).isEmpty();

        assertThat(actions.undo(RemediationAction.REMOVE_INLINE_POLICY, incident, S3UndoIT.stored(result)).kind())
                .isEqualTo(Kind.CHANGED);
        assertThat(live("artifacts")).contains(PolicyRewrite.read(ADMIN));
    }

    @Test
    void aPreviousDocumentThatWasAdminTooIsNotPutBack() {
        sweptInline("ops", PASS_ROLE);
        iam.putUserPolicy(p -> p.userName(user).policyName("ops").policyDocument(ADMIN));
        Incident incident = adminInline("ops", ADMIN);

        var result = actions.apply(RemediationAction.REMOVE_INLINE_POLICY, incident, actions.snapshot(incident), false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.detail()).contains("Deleted").contains("knew no earlier document of it that was not admin-equivalent");
        assertThat(live("ops")).isEmpty();
    }

    @Test
    void refusesANewerAdminDocumentThanTheOneJudged() {
        iam.putUserPolicy(p -> p.userName(user).policyName("everything").policyDocument(PASS_ROLE));
        Incident incident = adminInline("everything", PASS_ROLE);
        ObjectNode snapshot = actions.snapshot(incident);
        iam.putUserPolicy(p -> p.userName(user).policyName("everything").policyDocument(ADMIN));

        var result = actions.apply(RemediationAction.REMOVE_INLINE_POLICY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.REFUSED);
        assertThat(result.detail()).contains("not the one the incident judged");
        assertThat(live("everything")).contains(PolicyRewrite.read(ADMIN));
    }

    @Test
    void leavesADocumentSomebodyScopedSinceAlone() {
        iam.putUserPolicy(p -> p.userName(user).policyName("everything").policyDocument(ADMIN));
        Incident incident = adminInline("everything", ADMIN);
        ObjectNode snapshot = actions.snapshot(incident);
        iam.putUserPolicy(p -> p.userName(user).policyName("everything").policyDocument(SCOPED));

        var result = actions.apply(RemediationAction.REMOVE_INLINE_POLICY, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(live("everything")).contains(PolicyRewrite.read(SCOPED));
        assertThat(actions.stillWrong(incident)).isEmpty();
    }

    @Test
    void undoRefusesWhenThePolicyChangedSinceTheFix() throws Exception {
        iam.putUserPolicy(p -> p.userName(user).policyName("everything").policyDocument(ADMIN));
        Incident incident = adminInline("everything", ADMIN);
        JsonNode record = S3UndoIT.stored(actions.apply(RemediationAction.REMOVE_INLINE_POLICY, incident,
                actions.snapshot(incident), false));
        iam.putUserPolicy(p -> p.userName(user).policyName("everything").policyDocument(SCOPED));

        var undo = actions.undo(RemediationAction.REMOVE_INLINE_POLICY, incident, record);

        assertThat(undo.kind()).isEqualTo(Kind.REFUSED);
        assertThat(live("everything")).contains(PolicyRewrite.read(SCOPED));
    }

    @Test
    void aRolesInlinePolicyAsAwsConfigRecordedItIsRemovedToo() {
        String role = unique("ci-runner");
        iam.createRole(r -> r.roleName(role).assumeRolePolicyDocument(trust(LAMBDA_TRUST)));
        iam.putRolePolicy(p -> p.roleName(role).policyName("deploy").policyDocument(PASS_ROLE));
        ResourceRef roleRef = ResourceRef.iam("role", role, ACCOUNT);
        Incident incident = incident(roleRef, finding(IamPrivilegeRule.ID_ADMIN_GRANTED, RuleFamily.IAM, roleRef,
                Map.of("policyName", "deploy", "policyDocument", PolicyRewrite.read(PASS_ROLE).toString())));

        var result = actions.apply(RemediationAction.REMOVE_INLINE_POLICY, incident, actions.snapshot(incident), false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(iam.listRolePolicies(l -> l.roleName(role)).policyNames()).isEmpty();
        assertThat(actions.stillWrong(incident)).isEmpty();
    }
}
