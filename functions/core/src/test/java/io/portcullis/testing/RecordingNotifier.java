package io.portcullis.testing;

import io.portcullis.incident.Incident;
import io.portcullis.notify.Notifier;
import io.portcullis.notify.SlackThread;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** The notifier port in memory: every message as one line, e.g. {@code announce inc-1: next}. */
public final class RecordingNotifier implements Notifier {

    public final List<String> sent = new CopyOnWriteArrayList<>();
    /** Slack user ids whose direct messages fail, as Slack refuses a deactivated account. */
    public final Set<String> refusesDirectMessages = new java.util.concurrent.CopyOnWriteArraySet<>();
    private int ts;

    private synchronized SlackThread next() {
        return new SlackThread("C0ONCALL", "1700000000." + String.format("%06d", ++ts));
    }

    @Override
    public SlackThread announce(Incident incident, String next) {
        return announce(incident, next, null);
    }

    @Override
    public SlackThread announce(Incident incident, String next, String aboutTheActor) {
        sent.add("announce " + incident.incidentId() + ": " + next + (aboutTheActor == null ? "" : " | " + aboutTheActor));
        return next();
    }

    @Override
    public SlackThread tellActor(String slackUserId, Incident incident, String text) {
        if (refusesDirectMessages.contains(slackUserId)) {
            throw new IllegalStateException("Slack conversations.open failed: user_disabled");
        }
        sent.add("dm " + slackUserId + ": " + text);
        return new SlackThread("D0" + slackUserId.substring(1), "1700000000." + String.format("%06d", ++ts));
    }

    @Override
    public SlackThread askApproval(SlackThread thread, Incident incident, String approvalId, Set<String> approvers,
                                   Instant expiresAt, String onTimeout) {
        sent.add("ask " + approvalId + " " + approvers + " until " + expiresAt + " then " + onTimeout);
        return next();
    }

    @Override
    public SlackThread offerUndo(SlackThread thread, Incident incident, String undoId, String done) {
        sent.add("undo " + undoId + ": " + done);
        return next();
    }

    @Override
    public void reply(SlackThread thread, String text) {
        sent.add("reply: " + text);
    }

    @Override
    public void decided(SlackThread message, String outcome) {
        sent.add("decided: " + outcome);
    }

    @Override
    public void alert(SlackThread threadOrNull, Incident incident, String text) {
        sent.add("alert: " + text);
    }

    @Override
    public SlackThread weeklyReport(io.portcullis.report.ReportFigures figures, io.portcullis.report.ReportLink link) {
        sent.add("report " + figures.week() + " " + (link == null ? null : link.url()));
        return next();
    }
}
