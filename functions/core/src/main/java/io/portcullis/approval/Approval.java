package io.portcullis.approval;

import java.time.Instant;
import java.util.Set;

/**
 * One approval gate of one incident, answered from Slack. The Slack button carries only {@code approvalId}, an
 * opaque single-use value; the Step Functions task token stays here, server-side.
 *
 * @param approvalId    opaque, unguessable, single use
 * @param incidentId    the incident it decides
 * @param status        pending, approved or rejected
 * @param approvers     Slack user ids allowed to decide
 * @param actorSlackIds Slack user ids of the person who made the change: they may never decide it
 * @param expiresAt     after this the gate has timed out and the protocol's timeout action applies instead
 * @param taskToken     the Step Functions task token to resume (never sent to Slack, never logged)
 * @param decidedBy     Slack user id of who decided
 * @param decidedAt     when
 * @param reason        a rejection's reason (it becomes an exception)
 * @param version       optimistic-lock version
 */
public record Approval(String approvalId, String incidentId, ApprovalStatus status, Set<String> approvers,
                       Set<String> actorSlackIds, Instant expiresAt, String taskToken, String decidedBy,
                       Instant decidedAt, String reason, long version) {

    public Approval {
        approvers = Set.copyOf(approvers);
        actorSlackIds = actorSlackIds == null ? Set.of() : Set.copyOf(actorSlackIds);
    }

    public Approval decided(ApprovalStatus outcome, String by, Instant at, String why) {
        return new Approval(approvalId, incidentId, outcome, approvers, actorSlackIds, expiresAt, taskToken, by, at, why,
                version + 1);
    }

    /** Never print the task token. */
    @Override
    public String toString() {
        return "Approval[" + approvalId + " for " + incidentId + ", " + status + "]";
    }
}
