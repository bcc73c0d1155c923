package io.portcullis.safeguard;

import io.portcullis.incident.RemediationMode;

/**
 * The operator's kill switch: a setting read at run time (in AWS, an SSM parameter) that turns enforcement into
 * dry-run without a deployment. It can only take enforcement away: with the deployment in dry-run, a switch set to
 * {@code enforce} changes nothing. A switch that cannot be read, or holds anything but {@code enforce} or
 * {@code dry-run}, reads as dry-run: a remediation tool that cannot tell whether it may act does not act (and the
 * adapter raises the alarm).
 */
@FunctionalInterface
public interface KillSwitch {

    /** Where the switch stands, and in words why (shown on incidents it turned to dry-run). */
    Position position();

    /** @param reason e.g. "kill switch /portcullis/kill-switch is set to dry-run" */
    record Position(RemediationMode mode, String reason) {
    }

    /** No switch configured: the deployment's mode alone decides. */
    KillSwitch NONE = () -> new Position(RemediationMode.ENFORCE, "no kill switch is configured");

    /** The mode in force: dry-run when the deployment or the switch says so. */
    static Position effective(RemediationMode deployed, KillSwitch killSwitch) {
        if (deployed == RemediationMode.DRY_RUN) {
            return new Position(RemediationMode.DRY_RUN, "the deployment's remediation mode is dry-run");
        }
        return killSwitch.position();
    }
}
