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
}
