package io.portcullis.notify;

import io.portcullis.incident.Incident;
import java.time.Instant;
import java.util.Set;

/**
 * Tells people about an incident, in Slack. Every text that came from an event (resource names, descriptions,
 * principal names) is escaped, so nothing in an event can format, mention or link in the message.
 */
public interface Notifier {

    /**
     * Posts the incident's first message to the on-call channel: what changed, who, from where (console, IaC, CLI),
     * when, the priority and the protocol row that chose it, and {@code next}: what will happen and when.
     */
    SlackThread announce(Incident incident, String next);

    /**
     * {@link #announce(Incident, String)}, with what on-call should know about the person who made the change, e.g.
     * "Portcullis could not tell who made this change in Slack (principal …): tell them how to make it safely: …".
     * Null says nothing more. A notifier without a place of its own for it puts it after {@code next}.
     */
    default SlackThread announce(Incident incident, String next, String aboutTheActor) {
        return announce(incident, aboutTheActor == null || aboutTheActor.isBlank() ? next
                : (next == null || next.isBlank() ? "" : next + " ") + aboutTheActor);
    }

    /**
     * Tells the person who made the change, in a direct message from the app (not in the on-call channel):
     * {@code text} is one paragraph saying what was risky, what Portcullis did or will do, and how to make the change
     * safely.
     *
     * @param slackUserId their Slack user id, e.g. {@code U0123ABCD}
     * @return the message, in the direct-message conversation with them
     */
    SlackThread tellActor(String slackUserId, Incident incident, String text);

    /**
     * Replies in the incident's thread (broadcast to the channel) with Approve and Reject buttons, a reason input
     * (a rejection needs one), who may approve, and when the gate times out and what happens then. The buttons
     * carry only {@code approvalId}.
     *
     * @return the reply, so the interaction endpoint can replace its buttons with the decision
     */
    SlackThread askApproval(SlackThread thread, Incident incident, String approvalId, Set<String> approvers,
                            Instant expiresAt, String onTimeout);

    /** Replies in the thread with what was done automatically and an Undo button carrying only {@code undoId}. */
    SlackThread offerUndo(SlackThread thread, Incident incident, String undoId, String done);

    /** A thread reply recording a later step. */
    void reply(SlackThread thread, String text);

    /**
     * A thread reply saying how the incident's playbook ended ({@code outcome}), naming the incident and its account,
     * since the reply is also read on its own (search, notifications). A notifier without a place of its own for
     * them replies with the outcome.
     */
    default void resolved(SlackThread thread, Incident incident, String outcome) {
        reply(thread, outcome);
    }

    /** Replaces a message's buttons with the outcome, e.g. "Approved by @alice at 10:42 UTC". */
    void decided(SlackThread message, String outcome);

    /** An alert for a failed playbook, in the thread if there is one, else in the channel. */
    void alert(SlackThread threadOrNull, Incident incident, String text);

    /**
     * Posts the weekly report's summary to the channel: the headline figures and where to open the HTML page.
     *
     * @param link a link that works until its stated expiry and the page in the AWS console, or null when there is
     *             neither
     */
    SlackThread weeklyReport(io.portcullis.report.ReportFigures figures, io.portcullis.report.ReportLink link);
}
