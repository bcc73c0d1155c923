package io.portcullis.incident;

/** How an incident's response was decided: what the weekly report counts as automatic, approved, rejected, timed out. */
public enum Resolution {
    /** The protocol said auto: remediated without asking. */
    AUTOMATIC,
    /** On-call approved in Slack. */
    APPROVED,
    /** On-call rejected in Slack, with a reason: an accepted risk with an expiry. */
    REJECTED,
    /** Nobody decided within the protocol's limit; its timeout action applied. */
    TIMED_OUT,
    /** Record-only (P4), or every finding suppressed by an exception. */
    RECORDED
}
