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
 * @param kind          {@link #APPROVAL} (a playbook's gate, resumed through {@code taskToken}) or {@link #UNDO} (an
 *                      Undo button after automatic remediation; no token)
 * @param channel       the Slack channel of the message with the buttons
 * @param messageTs     that message's ts, so the decision can replace its buttons
 * @param payload       for an Undo: what to put back, as JSON (e.g. the revoked rules); else null
 * @param resuming      a decision being carried out (the execution resumed, the Undo requested) while the approval
 *                      stays PENDING: it is written first, so of two clicks only one resumes, and only once the resume
 *                      took effect does the approval become APPROVED or REJECTED; null when none is
 * @param needed        how many distinct approvers must agree: 1, or 2 when who made the change is not known for
 *                      certain (0 in records written before: 1)
 * @param votes         the agreeing clicks recorded while more are needed, one per approver
 * @param actorIdentity how the actor was identified, or why they could not be (said in Slack when two are needed)
 */
public record Approval(String approvalId, String incidentId, ApprovalStatus status, Set<String> approvers,
                       Set<String> actorSlackIds, Instant expiresAt, String taskToken, String decidedBy,
                       Instant decidedAt, String reason, long version, String kind, String channel, String messageTs,
                       String payload, Resuming resuming, int needed, java.util.List<Vote> votes,
                       String actorIdentity) {

    /** One approver's click, recorded while the gate waits for another. */
    public record Vote(String by, ApprovalStatus decision, Instant at, String reason) {
    }

    /** An approval with its four-eyes rule. */
    public Approval withNeeded(int approversNeeded, String identity) {
        return new Approval(approvalId, incidentId, status, approvers, actorSlackIds, expiresAt, taskToken, decidedBy,
                decidedAt, reason, version, kind, channel, messageTs, payload, resuming, approversNeeded, votes,
                identity);
    }

    /** Still PENDING, with one more approver's click recorded. */
    public Approval voted(Vote vote) {
        java.util.List<Vote> more = new java.util.ArrayList<>(votes);
        more.add(vote);
        return new Approval(approvalId, incidentId, status, approvers, actorSlackIds, expiresAt, taskToken, decidedBy,
                decidedAt, reason, version + 1, kind, channel, messageTs, payload, resuming, needed, more,
                actorIdentity);
    }

    public Approval(String approvalId, String incidentId, ApprovalStatus status, Set<String> approvers,
                    Set<String> actorSlackIds, Instant expiresAt, String taskToken, String decidedBy,
                    Instant decidedAt, String reason, long version, String kind, String channel, String messageTs,
                    String payload, Resuming resuming) {
        this(approvalId, incidentId, status, approvers, actorSlackIds, expiresAt, taskToken, decidedBy, decidedAt,
                reason, version, kind, channel, messageTs, payload, resuming, 1, null, null);
    }

    /**
     * A decision being carried out.
     *
     * @param status the decision: APPROVED or REJECTED (an Undo is APPROVED)
     * @param by     the Slack user who decided
     * @param at     when they clicked (a claim older than {@link DecideApproval#CLAIM_FOR} may be taken over)
     * @param reason a rejection's reason
     */
    public record Resuming(ApprovalStatus status, String by, Instant at, String reason) {
    }

    /** An approval with no decision being carried out. */
    public Approval(String approvalId, String incidentId, ApprovalStatus status, Set<String> approvers,
                    Set<String> actorSlackIds, Instant expiresAt, String taskToken, String decidedBy,
                    Instant decidedAt, String reason, long version, String kind, String channel, String messageTs,
                    String payload) {
        this(approvalId, incidentId, status, approvers, actorSlackIds, expiresAt, taskToken, decidedBy, decidedAt,
                reason, version, kind, channel, messageTs, payload, null);
    }

    public static final String APPROVAL = "approval";
    public static final String UNDO = "undo";

    public Approval {
        approvers = Set.copyOf(approvers);
        actorSlackIds = actorSlackIds == null ? Set.of() : Set.copyOf(actorSlackIds);
        kind = kind == null ? APPROVAL : kind;
        needed = Math.max(1, needed);
        votes = votes == null ? java.util.List.of() : java.util.List.copyOf(votes);
    }

    /** A playbook gate's approval, not yet posted to Slack. */
    public Approval(String approvalId, String incidentId, ApprovalStatus status, Set<String> approvers,
                    Set<String> actorSlackIds, Instant expiresAt, String taskToken, String decidedBy,
                    Instant decidedAt, String reason, long version) {
        this(approvalId, incidentId, status, approvers, actorSlackIds, expiresAt, taskToken, decidedBy, decidedAt,
                reason, version, APPROVAL, null, null, null);
    }

    public Approval decided(ApprovalStatus outcome, String by, Instant at, String why) {
        return new Approval(approvalId, incidentId, outcome, approvers, actorSlackIds, expiresAt, taskToken, by, at, why,
                version + 1, kind, channel, messageTs, payload, null, needed, votes, actorIdentity);
    }

    /** Still PENDING, with this decision being carried out (or none, to release a claim whose resume failed). */
    public Approval resuming(Resuming decision) {
        return new Approval(approvalId, incidentId, status, approvers, actorSlackIds, expiresAt, taskToken, decidedBy,
                decidedAt, reason, version + 1, kind, channel, messageTs, payload, decision, needed, votes,
                actorIdentity);
    }

    /** The same approval with this task token (a store opens a sealed one): every other field as it is. */
    public Approval withTaskToken(String token) {
        return new Approval(approvalId, incidentId, status, approvers, actorSlackIds, expiresAt, token, decidedBy,
                decidedAt, reason, version, kind, channel, messageTs, payload, resuming, needed, votes, actorIdentity);
    }

    /** The same approval, with the Slack message that carries its buttons. */
    public Approval postedAs(String slackChannel, String ts) {
        return new Approval(approvalId, incidentId, status, approvers, actorSlackIds, expiresAt, taskToken, decidedBy,
                decidedAt, reason, version, kind, slackChannel, ts, payload, resuming, needed, votes, actorIdentity);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isUndo() {
        return UNDO.equals(kind);
    }

    /** Never print the task token. */
    @Override
    public String toString() {
        return "Approval[" + approvalId + " for " + incidentId + ", " + status + "]";
    }
}
