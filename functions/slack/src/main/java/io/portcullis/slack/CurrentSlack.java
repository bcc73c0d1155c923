package io.portcullis.slack;

import com.slack.api.methods.MethodsClient;
import io.portcullis.incident.Incident;
import io.portcullis.notify.Notifier;
import io.portcullis.notify.SlackThread;
import io.portcullis.report.ReportFigures;
import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A {@link SlackNotifier} for the bot token as it is now: the token is asked for on each call (its supplier reads the
 * secret on first use and caches it for a while), and the SDK client is made again only when a rotation changed it.
 * Nothing is read when this is built, so a SnapStart snapshot taken after the composition root holds no token.
 */
public final class CurrentSlack implements Notifier {

    private final Supplier<String> botToken;
    private final String channel;
    private final String apiUrl;
    private String token;
    private SlackNotifier current;

    /**
     * @param botToken the bot token as it is now
     * @param channel  the on-call channel's id (checked now, as {@link SlackNotifier} does)
     * @param apiUrl   the Web API's URL, or null for Slack's
     */
    public CurrentSlack(Supplier<String> botToken, String channel, String apiUrl) {
        if (channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("the Slack channel is not set: give the on-call channel's id, e.g."
                    + " C0123456789");
        }
        this.botToken = botToken;
        this.channel = channel;
        this.apiUrl = apiUrl;
    }

    private synchronized SlackNotifier now() {
        String now = botToken.get();
        if (current == null || !now.equals(token)) {
            current = SlackNotifier.create(now, channel, apiUrl);
            token = now;
        }
        return current;
    }

    /** The Web API client for the current token, for {@link SlackDirectory}. */
    public MethodsClient methods() {
        return now().methods();
    }

    @Override
    public SlackThread announce(Incident incident, String next) {
        return now().announce(incident, next);
    }

    @Override
    public SlackThread announce(Incident incident, String next, String aboutTheActor) {
        return now().announce(incident, next, aboutTheActor);
    }

    @Override
    public SlackThread tellActor(String slackUserId, Incident incident, String text) {
        return now().tellActor(slackUserId, incident, text);
    }

    @Override
    public SlackThread askApproval(SlackThread thread, Incident incident, String approvalId, Set<String> approvers,
                                   Instant expiresAt, String onTimeout) {
        return now().askApproval(thread, incident, approvalId, approvers, expiresAt, onTimeout);
    }

    @Override
    public SlackThread offerUndo(SlackThread thread, Incident incident, String undoId, String done) {
        return now().offerUndo(thread, incident, undoId, done);
    }

    @Override
    public void reply(SlackThread thread, String text) {
        now().reply(thread, text);
    }

    @Override
    public void resolved(SlackThread thread, Incident incident, String outcome) {
        now().resolved(thread, incident, outcome);
    }

    @Override
    public void decided(SlackThread message, String outcome) {
        now().decided(message, outcome);
    }

    @Override
    public void alert(SlackThread threadOrNull, Incident incident, String text) {
        now().alert(threadOrNull, incident, text);
    }

    @Override
    public SlackThread weeklyReport(ReportFigures figures, io.portcullis.report.ReportLink link) {
        return now().weeklyReport(figures, link);
    }
}
