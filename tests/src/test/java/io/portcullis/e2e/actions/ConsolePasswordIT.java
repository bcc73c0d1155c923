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
import io.portcullis.incident.Incident;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.IamPrivilegeRule;
import io.portcullis.rule.RuleFamily;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * delete-login-profile against the emulator: a console password of a user without MFA is deleted, with no Undo (and
 * the detail says how to give the user a password again); a user with MFA keeps theirs; a password made again since
 * the snapshot is someone else's change and is left alone.
 */
class ConsolePasswordIT {

    final IamClient iam = AWS.iam();
    final IamActions actions = new IamActions(iam);
    final String user = unique("contractor");
    final ResourceRef ref = ResourceRef.iam("user", user, ACCOUNT);
    final Incident incident = incident(ref, finding(IamPrivilegeRule.ID_PASSWORD_WITHOUT_MFA, RuleFamily.IAM, ref,
            Map.of("mfaDevices", "0")));

    ConsolePasswordIT() {
        iam.createUser(u -> u.userName(user));
    }

    void createPassword() {
        // A throw-away password only the emulator sees.
        iam.createLoginProfile(l -> l.userName(user).password("Sandbox-" + UUID.randomUUID() + "-Aa1!").passwordResetRequired(true));
    }

    boolean hasPassword() {
        try {
            iam.getLoginProfile(g -> g.userName(user));
            return true;
        } catch (NoSuchEntityException e) {
            return false;
        }
    }

    @Test
    void deletesThePasswordOfAUserWithoutMfaAndSaysHowToGiveOneBack() {
        createPassword();
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w)
                .contains("still has a console password and no MFA device"));

        assertThat(actions.apply(RemediationAction.DELETE_LOGIN_PROFILE, incident, snapshot, true).kind())
                .isEqualTo(Kind.WOULD_CHANGE);
        assertThat(hasPassword()).isTrue();

        var result = actions.apply(RemediationAction.DELETE_LOGIN_PROFILE, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(result.undo()).as("a deleted password cannot be put back").isNull();
        assertThat(result.detail()).contains("no Undo").contains("aws iam create-login-profile --user-name " + user)
                .contains("--password-reset-required");
        assertThat(hasPassword()).isFalse();
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.DELETE_LOGIN_PROFILE, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void aUserWhoHasMfaNowKeepsThePassword() {
        createPassword();
        ObjectNode snapshot = actions.snapshot(incident);
        String serial = iam.createVirtualMFADevice(v -> v.virtualMFADeviceName(user)).virtualMFADevice().serialNumber();
        iam.enableMFADevice(e -> e.userName(user).serialNumber(serial).authenticationCode1("123456")
                .authenticationCode2("654321"));

        var result = actions.apply(RemediationAction.DELETE_LOGIN_PROFILE, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(result.detail()).contains("has an MFA device now");
        assertThat(hasPassword()).isTrue();
        assertThat(actions.stillWrong(incident)).isEmpty();
    }

    @Test
    void refusesAPasswordCreatedAgainAfterTheSnapshot() {
        createPassword();
        // The snapshot saw an earlier password (created then), and the live one is a newer CreateLoginProfile's. The
        // emulator reports the user's creation date for every password, where IAM reports the password's own, so the
        // earlier password's snapshot is written as IAM would have recorded it.
        ObjectNode snapshot = actions.snapshot(incident);
        snapshot.putObject("loginProfile").put("createDate", "2026-01-05T12:00:00Z");

        var result = actions.apply(RemediationAction.DELETE_LOGIN_PROFILE, incident, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.REFUSED);
        assertThat(result.detail()).contains("created again");
        assertThat(hasPassword()).isTrue();
    }
}
