package io.portcullis.approval;

/** Where an approval request is. Only PENDING can be decided, once. */
public enum ApprovalStatus {
    PENDING, APPROVED, REJECTED
}
