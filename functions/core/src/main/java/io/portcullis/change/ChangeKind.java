package io.portcullis.change;

/** The sort of change an event requested. */
public enum ChangeKind {
    /** Security-group ingress rules added. */
    INGRESS_ADDED,
    /** Existing security-group rules changed in place ({@code ModifySecurityGroupRules}); ingress or egress is
     *  known only from the live group. */
    RULES_MODIFIED,
    /** A security group created: no rules yet, the ingress that follows is judged on its own. */
    GROUP_CREATED,
    /** Security-group ingress rules removed. */
    INGRESS_REMOVED,
    /** Security-group egress rules added or removed: outbound, not exposure. */
    EGRESS_CHANGED,
    /** Another supported call, judged from its request parameters (audit logging, S3, IAM, …). */
    CONFIGURATION,
    /** AWS Config's view of a resource now (a configuration item), whatever changed it: judged as a whole. */
    STATE,
    /** An AWS Config managed rule found a resource NON_COMPLIANT. */
    COMPLIANCE,
    /** A call this release reads but does not judge. */
    OTHER
}
