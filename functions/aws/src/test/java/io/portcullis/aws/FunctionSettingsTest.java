package io.portcullis.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may approve, as the remediator reads it from the environment the template sets. */
class FunctionSettingsTest {

    @Test
    void approversAreTheUsersAndTheGroupEitherIsEnough() {
        var both = FunctionSettings.fromEnvironment(Map.of(FunctionSettings.APPROVERS, "U0ALICE, U0BOB",
                FunctionSettings.APPROVER_GROUP, "S0ONCALL")).deploymentApprovers();
        var group = FunctionSettings.fromEnvironment(Map.of(FunctionSettings.APPROVERS, "",
                FunctionSettings.APPROVER_GROUP, "S0ONCALL")).deploymentApprovers();

        assertThat(both.users()).containsExactlyInAnyOrder("U0ALICE", "U0BOB");
        assertThat(both.group()).isEqualTo("S0ONCALL");
        assertThat(group.configured()).isTrue();
    }

    @Test
    void theTemplatesDefaultsConfigureNobodyAndSaySoInTheParametersWords() {
        var none = FunctionSettings.fromEnvironment(Map.of(FunctionSettings.APPROVERS, "",
                FunctionSettings.APPROVER_GROUP, "")).deploymentApprovers();

        assertThat(none.configured()).isFalse();
        assertThat(none.whyNobody()).contains("SlackApproverGroup").contains("SlackApprovers")
                .contains("PORTCULLIS_APPROVER_GROUP").contains("PORTCULLIS_APPROVERS");
    }

    @Test
    void aValueThatIsNotASlackIdIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> FunctionSettings.fromEnvironment(Map.of(FunctionSettings.APPROVER_GROUP, "oncall")))
                .hasMessageContaining("PORTCULLIS_APPROVER_GROUP: 'oncall' is not a Slack id");
        assertThatThrownBy(() -> FunctionSettings.fromEnvironment(Map.of(FunctionSettings.APPROVER_GROUP,
                "S0ONE,S0TWO"))).hasMessageContaining("names more than one group");
        assertThatThrownBy(() -> FunctionSettings.fromEnvironment(Map.of(FunctionSettings.APPROVERS,
                "U0ALICE,alice@example.com"))).hasMessageContaining("PORTCULLIS_APPROVERS: 'alice@example.com'");
    }

    @Test
    void withoutAnOrganisationTheDeploymentIsSingleAccountAndTheMemberRoleHasTheTemplatesDefault() {
        var single = FunctionSettings.fromEnvironment(Map.of(FunctionSettings.ORGANIZATION_ID, " "));

        assertThat(single.organisation()).isFalse();
        assertThat(single.memberRoleName()).isEqualTo("portcullis-remediation");
    }

    @Test
    void anOrganisationsHubActsThroughTheMemberRoleItIsGiven() {
        var hub = FunctionSettings.fromEnvironment(Map.of(FunctionSettings.ORGANIZATION_ID, "o-a1b2c3d4e5",
                FunctionSettings.MEMBER_ROLE_NAME, "security-remediation"));

        assertThat(hub.organisation()).isTrue();
        assertThat(hub.organizationId()).isEqualTo("o-a1b2c3d4e5");
        assertThat(hub.memberRoleName()).isEqualTo("security-remediation");
    }

    @Test
    void aMemberRoleNameWithAPathIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> FunctionSettings.fromEnvironment(Map.of(FunctionSettings.MEMBER_ROLE_NAME,
                "portcullis/remediation"))).hasMessageContaining("PORTCULLIS_MEMBER_ROLE_NAME: 'portcullis/remediation'"
                + " is not an IAM role name");
    }
}
