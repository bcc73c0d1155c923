package io.portcullis.safeguard;

import io.portcullis.incident.RemediationMode;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The operator's kill switch: a setting read at run time (in AWS, an SSM parameter) that turns enforcement into
 * dry-run without a deployment. It can only take enforcement away: with the deployment in dry-run, a switch set to
 * {@code enforce} changes nothing. A switch that cannot be read, or holds anything but {@code enforce} or
 * {@code dry-run}, reads as dry-run: a remediation tool that cannot tell whether it may act does not act (and the
 * adapter raises the alarm).
 *
 * <p>Besides the global switch each account may have its own ({@link #perAccount}): an account's incidents follow the
 * stricter of the two, so one account can be put in dry-run alone, and no account's switch can turn enforcement back
 * on where the global switch took it away.
 */
@FunctionalInterface
public interface KillSwitch {

    /** Where the global switch stands, and in words why (shown on incidents it turned to dry-run). */
    Position position();

    /** Where the switch stands for {@code account}'s incidents: the global switch, unless the account has its own. */
    default Position position(String account) {
        return position();
    }

    /** @param reason e.g. "kill switch /portcullis/kill-switch is set to dry-run" */
    record Position(RemediationMode mode, String reason) {
    }

    /** No switch configured: the deployment's mode alone decides. */
    KillSwitch NONE = () -> new Position(RemediationMode.ENFORCE, "no kill switch is configured");

    /** Only an account id (12 digits) names an account's own switch; anything else has only the global one. */
    Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

    /** The mode in force for the deployment as a whole: dry-run when the deployment or the global switch says so. */
    static Position effective(RemediationMode deployed, KillSwitch killSwitch) {
        if (deployed == RemediationMode.DRY_RUN) {
            return new Position(RemediationMode.DRY_RUN, "the deployment's remediation mode is dry-run");
        }
        return killSwitch.position();
    }

    /** The mode in force for {@code account}: dry-run when the deployment, the global or the account's switch says so. */
    static Position effective(RemediationMode deployed, KillSwitch killSwitch, String account) {
        if (deployed == RemediationMode.DRY_RUN) {
            return new Position(RemediationMode.DRY_RUN, "the deployment's remediation mode is dry-run");
        }
        return killSwitch.position(account);
    }

    /**
     * The stricter of the global switch and an account's own: dry-run wins, from whichever says it (the global one
     * first, as it is the wider reason). An account without a switch of its own (empty) follows the global one.
     */
    static Position stricter(Position global, Optional<Position> account) {
        if (global.mode() == RemediationMode.DRY_RUN || account.isEmpty()) {
            return global;
        }
        return account.get().mode() == RemediationMode.DRY_RUN ? account.get() : global;
    }

    /**
     * The global switch with a switch per account beside it.
     *
     * @param global  the global switch
     * @param account an account's own switch, read for an account id; empty when the account has none (it follows the
     *                global one). Never asked for anything but a 12-digit account id.
     */
    static KillSwitch perAccount(KillSwitch global, Function<String, Optional<Position>> account) {
        return new KillSwitch() {
            @Override
            public Position position() {
                return global.position();
            }

            @Override
            public Position position(String id) {
                // Both are read, so an account switch that cannot be read raises its alarm even while the global one
                // holds everything in dry-run.
                Position all = global.position();
                return id == null || !ACCOUNT_ID.matcher(id).matches() ? all : stricter(all, account.apply(id));
            }
        };
    }
}
