package io.portcullis.safeguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.incident.RemediationMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The mode an account's incidents get from the global switch and the account's own: dry-run wins. */
class KillSwitchTest {

    static final String HUB = "123456789012";
    static final String B = "111122223333";
    static final KillSwitch.Position GLOBAL_ENFORCE = new KillSwitch.Position(RemediationMode.ENFORCE,
            "kill switch /p/kill-switch is set to enforce");
    static final KillSwitch.Position GLOBAL_DRY = new KillSwitch.Position(RemediationMode.DRY_RUN,
            "kill switch /p/kill-switch is set to dry-run");

    KillSwitch.Position global = GLOBAL_ENFORCE;
    final Map<String, KillSwitch.Position> own = new HashMap<>();
    final List<String> asked = new ArrayList<>();
    final KillSwitch switches = KillSwitch.perAccount(() -> global, account -> {
        asked.add(account);
        return Optional.ofNullable(own.get(account));
    });

    static KillSwitch.Position account(String id, RemediationMode mode) {
        return new KillSwitch.Position(mode, "kill switch /p/kill-switch/" + id + " is set to " + mode.value());
    }

    @Test
    void oneAccountInDryRunAloneLeavesTheOthersEnforcing() {
        own.put(B, account(B, RemediationMode.DRY_RUN));

        assertThat(switches.position(B)).isEqualTo(account(B, RemediationMode.DRY_RUN));
        assertThat(switches.position(HUB)).isEqualTo(GLOBAL_ENFORCE);
        assertThat(switches.position()).isEqualTo(GLOBAL_ENFORCE);
    }

    @Test
    void anAccountWithoutASwitchOfItsOwnFollowsTheGlobalOneEitherWay() {
        assertThat(switches.position(B)).isEqualTo(GLOBAL_ENFORCE);
        global = GLOBAL_DRY;
        assertThat(switches.position(B)).isEqualTo(GLOBAL_DRY);
    }

    @Test
    void anAccountsEnforceCannotUndoTheGlobalDryRun() {
        global = GLOBAL_DRY;
        own.put(B, account(B, RemediationMode.ENFORCE));

        assertThat(switches.position(B)).isEqualTo(GLOBAL_DRY);
    }

    @Test
    void withBothAtDryRunTheGlobalReasonIsGiven() {
        global = GLOBAL_DRY;
        own.put(B, account(B, RemediationMode.DRY_RUN));

        assertThat(switches.position(B).reason()).isEqualTo(GLOBAL_DRY.reason());
    }

    @Test
    void theAccountsSwitchIsReadEvenWhileTheGlobalOneSaysDryRunSoAnUnreadableOneIsNoticed() {
        global = GLOBAL_DRY;

        switches.position(B);

        assertThat(asked).containsExactly(B);
    }

    @Test
    void onlyATwelveDigitAccountIdIsLookedUp() {
        for (String notAnAccount : new String[] {null, "", "global", "11112222333", "111122223333/x", "../123456789012"}) {
            assertThat(switches.position(notAnAccount)).isEqualTo(GLOBAL_ENFORCE);
        }
        assertThat(asked).isEmpty();
    }

    @Test
    void theDeploymentInDryRunWinsOverEverySwitch() {
        own.put(B, account(B, RemediationMode.ENFORCE));

        assertThat(KillSwitch.effective(RemediationMode.DRY_RUN, switches, B).mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(KillSwitch.effective(RemediationMode.ENFORCE, switches, B)).isEqualTo(GLOBAL_ENFORCE);
    }

    @Test
    void aSwitchWithoutAccountsAnswersForEveryAccountWithTheGlobalPosition() {
        KillSwitch onlyGlobal = () -> GLOBAL_DRY;

        assertThat(onlyGlobal.position(B)).isEqualTo(GLOBAL_DRY);
        assertThat(KillSwitch.NONE.position(B).mode()).isEqualTo(RemediationMode.ENFORCE);
    }
}
