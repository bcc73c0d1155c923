package io.portcullis.approval;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The Slack interaction endpoint's use case: an approval click is authentic, fresh, for the approval and incident it
 * names, still pending, in time, from an authorised approver who is not the person who made the change — or it
 * changes nothing and says why, with the HTTP status to answer. A decision is first claimed (a conditional write that
 * keeps the approval PENDING), then carried out (the execution resumed), and only then recorded as APPROVED or
 * REJECTED: a resume that fails releases the claim so the click can be retried, and a resume that took effect whose
 * record was not written is recorded by the retry, which finds its own claim and an execution no longer waiting.
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
     * @param followUp the Slack calls a decision makes after it took effect (the message's buttons replaced by who
     *                decided), which must not hold up Slack's acknowledgement; null when there are none
     */
    public record Outcome(int status, String message, String reason, Runnable followUp) {

        public Outcome(int status, String message, String reason) {
            this(status, message, reason, null);
        }

        public boolean decided() {
            return status == 200;
        }
    }

    /** How long a decision being carried out holds the approval against other clicks (Slack waits 3 s, Lambda 10). */
    public static final java.time.Duration CLAIM_FOR = java.time.Duration.ofSeconds(30);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DecideApproval.class);

    private final RequestSignature signature;
    private final ApprovalStore approvals;
    private final WorkflowResumer workflow;
    private final Clock clock;
    private java.util.function.Supplier<io.portcullis.notify.Notifier> notifier = () -> null;
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
        this.notifier = () -> slack;
        return this;
    }

    /** As above, asked for the notifier when a message is edited (its bot token is read on first use). */
    public DecideApproval withNotifier(java.util.function.Supplier<io.portcullis.notify.Notifier> slack) {
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
        ApprovalStatus decision = approve ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED;
        Approval.Resuming earlier = approval.resuming();
        boolean retry = earlier != null && earlier.by().equals(click.userId()) && earlier.status() == decision;
        if (earlier != null && !retry && now.isBefore(earlier.at().plus(CLAIM_FOR))) {
            return new Outcome(409, "<@" + earlier.by() + "> is deciding this right now.", "refused: " + who
                    + ": lost the race to decide (" + earlier.by() + " is resuming it)");
        }
        if (!retry && approval.needed() > 1) {
            Optional<Outcome> vote = vote(approval, click, decision, now, who);
            if (vote.isPresent()) {
                return vote.get();
            }
        }
        // The claim is written first: of two clicks exactly one carries the decision out. The approval stays PENDING
        // until the resume took effect, so a resume that fails leaves it open to a retry.
        Approval claimed = retry ? approval : approval.resuming(new Approval.Resuming(decision, click.userId(), now,
                approve ? null : click.reason()));
        if (!retry && !approvals.decide(claimed)) {
            return new Outcome(409, "Someone else decided first.", "refused: " + who + ": lost the race to decide");
        }
        Approval.Resuming carried = claimed.resuming();
        try {
            carryOut(approval, carried);
        } catch (WorkflowResumer.NotWaiting e) {
            if (earlier == null) {
                release(claimed);
                return new Outcome(410, "The playbook is no longer waiting for this decision (it timed out or was"
                        + " stopped); the protocol's timeout action applies.", "refused: " + who
                        + ": the execution no longer waits for it (" + e.getMessage() + ")");
            }
            // A claim was there before this click: its resume took effect and only the record was not written.
            carried = earlier;
        } catch (RuntimeException e) {
            release(claimed);
            throw e;
        }
        Approval decided = claimed.decided(carried.status(), carried.by(), carried.at(), carried.reason());
        boolean recorded;
        try {
            recorded = approvals.decide(decided);
        } catch (RuntimeException e) {
            recorded = false;
        }
        String recordNote = recorded ? "" : "; the decision took effect but was not recorded yet (a retry of the"
                + " click records it)";
        boolean approved = carried.status() == ApprovalStatus.APPROVED;
        String verb = approval.isUndo() ? "Undo requested" : approved ? "Approved" : "Rejected";
        String text = verb + " by <@" + carried.by() + "> at "
                + carried.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + (approved ? "." : ": " + carried.reason());
        Runnable edit = approval.channel() == null ? null : () -> {
            try {
                io.portcullis.notify.Notifier slack = notifier.get();
                if (slack != null) {
                    slack.decided(new io.portcullis.notify.SlackThread(approval.channel(), approval.messageTs()), text);
                }
            } catch (RuntimeException e) {
                // The decision stands and the playbook resumed; only the message edit failed.
                LOG.warn("The Slack message of approval {} (incident {}) was not updated: {}", approval.approvalId(),
                        approval.incidentId(), e.getMessage());
            }
        };
        return new Outcome(200, text, verb.toLowerCase(java.util.Locale.ROOT) + ": " + who + " for incident "
                + approval.incidentId() + recordNote, edit);
    }

    /**
     * Four-eyes when who made the change is not known for certain: each approver's click is recorded, and the gate
     * resumes only when enough distinct approvers agree. Empty when this click completes the decision.
     */
    private Optional<Outcome> vote(Approval approval, SlackAction click, ApprovalStatus decision, Instant now,
                                   String who) {
        if (approval.votes().stream().anyMatch(v -> v.by().equals(click.userId()))) {
            return Optional.of(new Outcome(409, "You have decided already: another approver must agree.", "refused: "
                    + who + ": already counted; " + approval.needed() + " distinct approvers must agree"));
        }
        long agreeing = approval.votes().stream().filter(v -> v.decision() == decision).count() + 1;
        if (agreeing >= approval.needed()) {
            return Optional.empty();
        }
        Approval voted = approval.voted(new Approval.Vote(click.userId(), decision, now, click.reason()));
        if (!approvals.decide(voted)) {
            return Optional.of(new Outcome(409, "Someone else decided first.", "refused: " + who
                    + ": lost the race to decide"));
        }
        String what = decision == ApprovalStatus.APPROVED ? "Approval" : "Rejection";
        String text = what + " by <@" + click.userId() + "> counted (" + agreeing + " of " + approval.needed()
                + "): another approver must agree before anything happens, because " + approval.actorIdentity()
                + ".";
        Runnable tell = approval.channel() == null ? null : () -> {
            try {
                io.portcullis.notify.Notifier slack = notifier.get();
                if (slack != null) {
                    slack.reply(new io.portcullis.notify.SlackThread(approval.channel(), approval.messageTs()), text);
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not tell Slack that approval {} needs another approver: {}", approval.approvalId(),
                        e.getMessage());
            }
        };
        return Optional.of(new Outcome(200, text, "counted: " + who + " for incident " + approval.incidentId() + ", "
                + decision.name().toLowerCase(java.util.Locale.ROOT) + " " + agreeing + " of " + approval.needed()
                + " (the actor is not known for certain); nothing resumed yet", tell));
    }

    /** Resumes the execution (or requests the Undo) with the claimed decision. */
    private void carryOut(Approval approval, Approval.Resuming carried) {
        com.fasterxml.jackson.databind.node.ObjectNode result = io.portcullis.json.Json.mapper().createObjectNode()
                .put("approvalId", approval.approvalId()).put("by", carried.by()).put("at", carried.at().toString());
        if (approval.isUndo()) {
            undo.request(approval.incidentId(), approval.approvalId(), carried.by());
        } else if (carried.status() == ApprovalStatus.APPROVED) {
            workflow.approve(approval.taskToken(), result.put("decision", "approved").toString());
        } else {
            workflow.reject(approval.taskToken(), result.put("decision", "rejected").put("reason", carried.reason())
                    .toString());
        }
    }

    /** Gives a claim back after its resume failed, so the click can be retried; a claim left behind expires. */
    private void release(Approval claimed) {
        try {
            approvals.decide(claimed.resuming(null));
        } catch (RuntimeException ignored) {
            // The claim lapses after CLAIM_FOR; its owner's retry carries it on before that.
        }
    }
}
