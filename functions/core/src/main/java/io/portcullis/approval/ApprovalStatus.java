package io.portcullis.approval;

/** Where an approval request is. Only PENDING can be decided, once. */
public enum ApprovalStatus {
    PENDING, APPROVED, REJECTED,
    /** The gate timed out before anyone decided; the protocol's timeout action applied. */
    EXPIRED
}
