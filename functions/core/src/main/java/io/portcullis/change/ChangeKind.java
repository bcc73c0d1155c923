package io.portcullis.change;

/** The sort of change an event requested. */
public enum ChangeKind {
    /** Security-group ingress rules added. */
    INGRESS_ADDED,
    /** Security-group ingress rules removed. */
    INGRESS_REMOVED,
    /** Security-group egress rules added or removed: outbound, not exposure. */
    EGRESS_CHANGED,
    /** Another supported call, judged from its request parameters (audit logging, S3, IAM, …). */
    CONFIGURATION,
    /** A call this release reads but does not judge. */
    OTHER
}
