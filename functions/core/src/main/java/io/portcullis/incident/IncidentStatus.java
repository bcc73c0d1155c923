package io.portcullis.incident;

/** Where an incident is in its life. */
public enum IncidentStatus {
    /** Recorded; its playbook has not finished. */
    OPEN,
    /** A remediation worker has claimed it and is acting. */
    REMEDIATING,
    /** The offending change is gone and that was verified by re-reading the live state. */
    RESOLVED,
    /** Dry-run mode: everything was decided and recorded, nothing was changed in the account. */
    DRY_RUN,
    /** Remediation could not be completed or verified; a person must look. */
    FAILED,
    /** Every finding is covered by an exception in force: recorded and reported, nothing done. */
    SUPPRESSED,
    /** Its playbook waits at the approval gate for on-call's decision in Slack. */
    AWAITING_APPROVAL,
    /** Its playbook waits for the next low-tide window. */
    SCHEDULED,
    /** On-call rejected the remediation with a reason: recorded as an exception with an expiry (accepted risk). */
    REJECTED,
    /** Nobody decided in time and the protocol says escalate: the escalation contact was paged; still open. */
    ESCALATED,
    /** Nobody decided in time and the protocol says abort: nothing was changed. */
    ABORTED;

    public boolean isFinal() {
        return IncidentLifecycle.next(this).isEmpty();
    }
}
