package io.portcullis.approval;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The Slack interaction endpoint's use case: an approval click is authentic, fresh, for the approval and incident it
 * names, still pending, in time, from an authorised approver who is not the person who made the change — or it
 * changes nothing and says why, with the HTTP status to answer. Each decision is written once (conditional write)
 * before the playbook is resumed.
 */
public final class DecideApproval {

    /**
     * The answer.
     *
     * @param status  the HTTP status for Slack: 200 decided; 400 not an approval click or a rejection without a
     *                reason; 401 not from Slack or stale; 403 not allowed to decide; 404 no such approval;
     *                409 already decided, or for another incident; 410 expired
     * @param message shown to the clicker
     * @param reason  for the log: why, naming the approval and user (never the token)
     */
    public record Outcome(int status, String message, String reason) {
        public boolean decided() {
            return status == 200;
        }
    }

    private final RequestSignature signature;
    private final ApprovalStore approvals;
    private final WorkflowResumer workflow;
    private final Clock clock;
    private io.portcullis.notify.Notifier notifier;
    private UndoRequests undo = (incidentId, undoId, by) -> {
        throw new IllegalStateException("Undo is not configured");
    };

    public DecideApproval(RequestSignature signature, ApprovalStore approvals, WorkflowResumer workflow, Clock clock) {
        this.signature = signature;
        this.approvals = approvals;
        this.workflow = workflow;
        this.clock = clock;
    }

    /** Replace the buttons of the decided message with who decided what and when. */
    public DecideApproval withNotifier(io.portcullis.notify.Notifier slack) {
        this.notifier = slack;
        return this;
    }

    /** Where a decided Undo is sent to be carried out (the playbook worker's queue). */
    public DecideApproval withUndo(UndoRequests requests) {
        this.undo = requests;
        return this;
    }

    public Outcome decide(String timestampHeader, String signatureHeader, byte[] rawBody) {
        Instant now = clock.instant();
        Optional<String> forged = signature.problem(timestampHeader, signatureHeader, rawBody, now);
        if (forged.isPresent()) {
            return new Outcome(401, "This request did not come from Slack.", "refused: " + forged.get());
        }
        Optional<SlackAction> parsed = SlackAction.parse(rawBody);
        if (parsed.isEmpty()) {
            return new Outcome(400, "Not a Portcullis approval.", "refused: the body is not an approval click");
        }
        SlackAction click = parsed.get();
        String who = "user " + click.userId() + " on approval " + click.approvalId();
        Optional<Approval> found = approvals.find(click.approvalId());
        if (found.isEmpty()) {
            return new Outcome(404, "This approval does not exist.", "refused: " + who + ": no such approval");
        }
        Approval approval = found.get();
        if (approval.isUndo() != click.actionId().equals(SlackAction.UNDO)) {
            return new Outcome(400, "This button does not belong to this request.", "refused: " + who
                    + ": action " + click.actionId() + " on a " + approval.kind());
        }
        if (!approval.incidentId().equals(click.incidentId())) {
            return new Outcome(409, "This button belongs to another incident.", "refused: " + who + " is for incident "
                    + approval.incidentId() + " but was clicked on the message of " + click.incidentId());
        }
        if (approval.status() != ApprovalStatus.PENDING) {
            return new Outcome(409, "Already " + approval.status().name().toLowerCase() + " by <@" + approval.decidedBy()
                    + "> at " + approval.decidedAt() + ".", "refused: " + who + ": already " + approval.status());
        }
        if (now.isAfter(approval.expiresAt())) {
            return new Outcome(410, "This approval expired at " + approval.expiresAt() + "; the protocol's timeout action"
                    + " applies.", "refused: " + who + ": expired at " + approval.expiresAt());
        }
        if (!approval.approvers().contains(click.userId())) {
            return new Outcome(403, "You are not on the approvers list for this incident.", "refused: " + who
                    + ": not an approver");
        }
        if (approval.actorSlackIds().contains(click.userId())) {
            return new Outcome(403, "You made this change, so someone else must decide.", "refused: " + who
                    + ": the actor may not approve their own change");
        }
        boolean approve = !click.actionId().equals(SlackAction.REJECT);
        if (!approve && click.reason() == null) {
            return new Outcome(400, "A rejection needs a reason: fill in the reason, then Reject.", "refused: " + who
                    + ": rejection without a reason");
        }
        Approval decided = approval.decided(approve ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED, click.userId(),
                now, click.reason());
        if (!approvals.decide(decided)) {
            return new Outcome(409, "Someone else decided first.", "refused: " + who + ": lost the race to decide");
        }
        com.fasterxml.jackson.databind.node.ObjectNode result = io.portcullis.json.Json.mapper().createObjectNode()
                .put("approvalId", approval.approvalId()).put("by", click.userId()).put("at", now.toString());
        String verb;
        if (approval.isUndo()) {
            undo.request(approval.incidentId(), approval.approvalId(), click.userId());
            verb = "Undo requested";
        } else if (approve) {
            workflow.approve(approval.taskToken(), result.put("decision", "approved").toString());
            verb = "Approved";
        } else {
            workflow.reject(approval.taskToken(), result.put("decision", "rejected").put("reason", click.reason()).toString());
            verb = "Rejected";
        }
        String text = verb + " by <@" + click.userId() + "> at " + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + (approve ? "." : ": " + click.reason());
        if (notifier != null && approval.channel() != null) {
            try {
                notifier.decided(new io.portcullis.notify.SlackThread(approval.channel(), approval.messageTs()), text);
            } catch (RuntimeException e) {
                // The decision stands and the playbook resumed; only the message edit failed.
                return new Outcome(200, text, verb.toLowerCase(java.util.Locale.ROOT) + ": " + who + " for incident "
                        + approval.incidentId() + "; the Slack message was not updated: " + e.getMessage());
            }
        }
        return new Outcome(200, text, verb.toLowerCase(java.util.Locale.ROOT) + ": " + who + " for incident "
                + approval.incidentId());
    }
}
