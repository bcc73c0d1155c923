package io.portcullis.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.confirmationDialog;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.ConfirmationDialogObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.composition.TextObject;
import io.portcullis.approval.SlackAction;
import io.portcullis.change.Actor;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.notify.Notifier;
import io.portcullis.report.ReportFigures;
import io.portcullis.report.ReportLink;
import io.portcullis.notify.SlackThread;
import io.portcullis.protocol.Decision;
import io.portcullis.rule.Finding;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@link Notifier} over Slack's Web API ({@code chat.postMessage}, {@code chat.update}, and {@code conversations.open}
 * for direct messages), with Block Kit messages built by the Slack Java SDK's model builders.
 *
 * <p>What came from an event is never mrkdwn: identifiers are {@link SlackText#code(String) escaped inline code}, and
 * sentences (explanations, outcomes, reasons) are {@code plain_text}, so nothing in an event can mention, link or
 * format. Every message also carries a top-level {@code text}, which Slack shows in notifications and screen readers
 * read; it is posted with {@code mrkdwn: false} for the same reason.
 *
 * <p>Every failed call becomes a {@link SlackException} ({@link SlackRateLimited} for HTTP 429) naming the method and
 * Slack's error, never the token.
 *
 * <p>The approval message's action block is {@code approval:<incidentId>} with buttons {@code approve} and
 * {@code reject} whose value is the approval id, and a {@code reject_reason} input: exactly what
 * {@link SlackAction#parse(byte[])} reads back from the click.
 */
public final class SlackNotifier implements Notifier {

    /** Slack's Web API; {@link #create} takes another for tests and the local demo. */
    public static final String DEFAULT_API_URL = "https://slack.com/api/";
    public static final String UNDO_BLOCK_PREFIX = "undo:";
    public static final String UNDO_ACTION = "undo";

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** Slack user ids start with U or W, user-group ids with S; anything else is shown as text, not a mention. */
    private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{2,}");
    private static final Pattern GROUP_ID = Pattern.compile("S[A-Z0-9]{2,}");

    private final MethodsClient methods;
    private final String channel;

    /**
     * @param methods a Web API client holding the bot token
     * @param channel the on-call channel's id, e.g. {@code C0123456789}
     */
    public SlackNotifier(MethodsClient methods, String channel) {
        this.methods = Objects.requireNonNull(methods, "methods");
        if (channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("the Slack channel is not set: give the on-call channel's id, e.g. C0123456789");
        }
        this.channel = channel;
    }

    /**
     * A notifier with its own SDK client over OkHttp (the SDK's default).
     *
     * @param botToken     the bot token ({@code xoxb-…}), from the Slack secret
     * @param channel      the on-call channel's id
     * @param apiUrlPrefix the Web API's URL ending in {@code /}, e.g. {@code http://127.0.0.1:8123/api/} for a local fake;
     *                     null for {@link #DEFAULT_API_URL}
     */
    public static SlackNotifier create(String botToken, String channel, String apiUrlPrefix) {
        if (botToken == null || botToken.isBlank()) {
            throw new IllegalArgumentException("the Slack bot token is empty: check the Slack secret's botToken");
        }
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(apiUrlPrefix == null || apiUrlPrefix.isBlank() ? DEFAULT_API_URL
                : apiUrlPrefix.endsWith("/") ? apiUrlPrefix : apiUrlPrefix + "/");
        // Stats make the SDK call auth.test first to learn the team id: one more call per cold start, for metrics we
        // do not read.
        config.setStatsEnabled(false);
        // Lambda gives each step a few seconds; a hung connection must fail the step, not stall it.
        config.setHttpClientReadTimeoutMillis(10_000);
        config.setHttpClientWriteTimeoutMillis(10_000);
        config.setHttpClientCallTimeoutMillis(15_000);
        // The SDK's default listeners log every request and response body at DEBUG (message text, e-mail addresses
        // looked up, anything a future call sends as a form field); a function's DEBUG level must not publish them.
        config.setLibraryMaintainerMode(false);
        config.setPrettyResponseLoggingEnabled(false);
        config.setHttpClientResponseHandlers(new ArrayList<>());
        return new SlackNotifier(Slack.getInstance(config).methods(botToken), channel);
    }

    /** The Web API client, shared with {@link SlackDirectory}. */
    public MethodsClient methods() {
        return methods;
    }

    @Override
    public SlackThread announce(Incident incident, String next) {
        return announce(incident, next, null);
    }

    @Override
    public SlackThread announce(Incident incident, String next, String aboutTheActor) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(SlackText.escape(title(incident), SlackText.HEADER), true))));
        List<TextObject> fields = new ArrayList<>();
        fields.add(field("What changed", whatChanged(incident)));
        fields.add(field("Who", who(incident.actor())));
        fields.add(field("From where", incident.origin() == null ? "unknown" : incident.origin().label()));
        fields.add(field("When", incident.eventTime() == null ? "unknown" : UTC.format(incident.eventTime())));
        ResourceRef resource = incident.resource();
        fields.add(field("Account / region", resource == null ? "unknown"
                : account(incident) + " / " + SlackText.code(resource.region())));
        fields.add(field("Priority", priority(incident)));
        blocks.add(section(s -> s.fields(fields)));
        String findings = findings(incident.findings());
        if (!findings.isEmpty()) {
            blocks.add(section(s -> s.text(plainText(SlackText.truncate(findings, SlackText.SECTION_TEXT), false))));
        }
        if (aboutTheActor != null && !aboutTheActor.isBlank()) {
            blocks.add(section(s -> s.text(plainText(":bust_in_silhouette: "
                    + SlackText.escape(aboutTheActor, SlackText.SECTION_TEXT - 30), true))));
        }
        if (next != null && !next.isBlank()) {
            blocks.add(context(c -> c.elements(List.of(
                    plainText("Next: " + SlackText.escape(next, SlackText.SECTION_TEXT - 10), false)))));
        }
        blocks.add(context(c -> c.elements(List.of(markdownText("Incident " + SlackText.code(incident.incidentId())
                + (incident.mode() == null ? "" : " · mode " + SlackText.code(incident.mode().value())))))));
        String fallback = title(incident) + " by " + actorName(incident.actor())
                + (next == null || next.isBlank() ? "" : ". Next: " + next);
        ChatPostMessageResponse response = post("chat.postMessage", ChatPostMessageRequest.builder()
                .channel(channel).text(SlackText.escape(fallback, SlackText.FALLBACK)).blocks(blocks)
                .unfurlLinks(false).unfurlMedia(false).mrkdwn(false).build());
        return new SlackThread(response.getChannel() == null ? channel : response.getChannel(), response.getTs());
    }

    @Override
    public SlackThread askApproval(SlackThread thread, Incident incident, String approvalId, Set<String> approvers,
                                   Instant expiresAt, String onTimeout) {
        Objects.requireNonNull(thread, "thread");
        requireId(approvalId, "approvalId");
        String who = approvers == null || approvers.isEmpty() ? "anyone on call"
                : String.join(", ", new TreeSet<>(approvers).stream().map(SlackNotifier::mention).toList());
        String expiry = expiresAt == null ? "no time limit"
                : "<!date^" + expiresAt.getEpochSecond() + "^{date_short_pretty} {time}|" + UTC.format(expiresAt) + ">";
        String ask = ":raised_hand: *Approval needed* to fix " + whatChanged(incident) + " in " + account(incident)
                + "\n*Who may decide:* " + who + " (not the person who made the change)"
                + "\n*Expires:* " + expiry
                + "\n*If nobody decides:* " + SlackText.escape(onTimeout == null ? "nothing is done" : onTimeout, 500);
        List<LayoutBlock> blocks = List.of(
                section(s -> s.text(markdownText(SlackText.truncate(ask, SlackText.SECTION_TEXT)))),
                input(i -> i.blockId("reason:" + incident.incidentId()).optional(true).dispatchAction(false)
                        .label(plainText("Reason (needed to reject)"))
                        .element(plainTextInput(p -> p.actionId(SlackAction.REASON_ACTION).multiline(true)
                                .maxLength(500).placeholder(plainText("Why should this not be fixed?"))))),
                actions(a -> a.blockId(SlackAction.BLOCK_PREFIX + incident.incidentId()).elements(List.of(
                        button(b -> b.actionId(SlackAction.APPROVE).style("primary").value(approvalId)
                                .text(plainText("Approve fix"))),
                        button(b -> b.actionId(SlackAction.REJECT).style("danger").value(approvalId)
                                .text(plainText("Reject"))
                                .confirm(confirm("Reject the fix?",
                                        "Nothing will be changed and the incident stays open with your reason. "
                                                + "Did you fill in the reason?",
                                        "Reject")))))));
        String fallback = "Approval needed: " + title(incident) + ". Expires "
                + (expiresAt == null ? "never" : UTC.format(expiresAt));
        ChatPostMessageResponse response = post("chat.postMessage", ChatPostMessageRequest.builder()
                .channel(thread.channel()).threadTs(thread.ts()).replyBroadcast(true)
                .text(SlackText.escape(fallback, SlackText.FALLBACK)).blocks(blocks)
                .unfurlLinks(false).unfurlMedia(false).mrkdwn(false).build());
        return new SlackThread(response.getChannel() == null ? thread.channel() : response.getChannel(),
                response.getTs());
    }

    @Override
    public SlackThread offerUndo(SlackThread thread, Incident incident, String undoId, String done) {
        Objects.requireNonNull(thread, "thread");
        requireId(undoId, "undoId");
        String text = done == null || done.isBlank() ? "Fixed." : done;
        List<LayoutBlock> blocks = List.of(
                section(s -> s.text(plainText(":white_check_mark: Done in " + SlackText.escape(accountWords(incident),
                        200) + ": " + SlackText.escape(text, SlackText.SECTION_TEXT - 250), true))),
                actions(a -> a.blockId(UNDO_BLOCK_PREFIX + incident.incidentId()).elements(List.of(
                        button(b -> b.actionId(UNDO_ACTION).value(undoId).text(plainText("Undo"))
                                .confirm(confirm("Undo the fix?",
                                        "This restores the resource as it was before the fix, including what was "
                                                + "found wrong with it.",
                                        "Undo")))))));
        ChatPostMessageResponse response = post("chat.postMessage", ChatPostMessageRequest.builder()
                .channel(thread.channel()).threadTs(thread.ts())
                .text(SlackText.escape("Done in " + accountWords(incident) + ": " + text, SlackText.FALLBACK))
                .blocks(blocks)
                .unfurlLinks(false).unfurlMedia(false).mrkdwn(false).build());
        return new SlackThread(response.getChannel() == null ? thread.channel() : response.getChannel(),
                response.getTs());
    }

    /**
     * {@code conversations.open} with the user (scope {@code im:write}) gives the direct-message channel, then
     * {@code chat.postMessage} posts there (scope {@code chat:write}): the message comes from the app, whether or not
     * the person is in the on-call channel.
     */
    @Override
    public SlackThread tellActor(String slackUserId, Incident incident, String text) {
        if (slackUserId == null || !USER_ID.matcher(slackUserId).matches()) {
            throw new IllegalArgumentException("'" + slackUserId + "' is not a Slack user id (U… or W…)");
        }
        var opened = call("conversations.open", () -> methods.conversationsOpen(r -> r.users(List.of(slackUserId))));
        String dm = opened.getChannel() == null ? null : opened.getChannel().getId();
        if (dm == null || dm.isBlank()) {
            throw new SlackException("conversations.open", "no channel in the answer");
        }
        String resource = incident.resource() == null ? "a resource" : incident.resource().id();
        List<LayoutBlock> blocks = List.of(
                header(h -> h.text(plainText(SlackText.escape("Portcullis: about your change to " + resource,
                        SlackText.HEADER), true))),
                section(s -> s.text(plainText(SlackText.escape(text, SlackText.SECTION_TEXT), false))),
                context(c -> c.elements(List.of(markdownText("Incident " + SlackText.code(incident.incidentId())
                        + " · account " + account(incident) + " · on-call has the details")))));
        ChatPostMessageResponse response = post("chat.postMessage", ChatPostMessageRequest.builder()
                .channel(dm).text(SlackText.escape(text, SlackText.FALLBACK)).blocks(blocks)
                .unfurlLinks(false).unfurlMedia(false).mrkdwn(false).build());
        return new SlackThread(response.getChannel() == null ? dm : response.getChannel(), response.getTs());
    }

    @Override
    public void reply(SlackThread thread, String text) {
        Objects.requireNonNull(thread, "thread");
        post("chat.postMessage", ChatPostMessageRequest.builder()
                .channel(thread.channel()).threadTs(thread.ts())
                .text(SlackText.escape(text, SlackText.FALLBACK))
                .blocks(List.of(section(s -> s.text(plainText(SlackText.escape(text, SlackText.SECTION_TEXT), false)))))
                .unfurlLinks(false).unfurlMedia(false).mrkdwn(false).build());
    }

    @Override
    public void resolved(SlackThread thread, Incident incident, String outcome) {
        Objects.requireNonNull(thread, "thread");
        String text = outcome == null || outcome.isBlank() ? "Finished." : outcome;
        post("chat.postMessage", ChatPostMessageRequest.builder()
                .channel(thread.channel()).threadTs(thread.ts())
                .text(SlackText.escape(text + " (" + incident.incidentId() + ", " + accountWords(incident) + ")",
                        SlackText.FALLBACK))
                .blocks(List.of(section(s -> s.text(plainText(":checkered_flag: "
                                + SlackText.escape(text, SlackText.SECTION_TEXT - 30), true))),
                        context(c -> c.elements(List.of(markdownText("Incident " + SlackText.code(incident.incidentId())
                                + " · account " + account(incident)))))))
                .unfurlLinks(false).unfurlMedia(false).mrkdwn(false).build());
    }

    @Override
    public void decided(SlackThread message, String outcome) {
        Objects.requireNonNull(message, "message");
        String text = SlackText.escape(outcome, SlackText.SECTION_TEXT - 10);
        // chat.update replaces all blocks: leaving out the actions and input blocks is what removes the buttons.
        call("chat.update", () -> methods.chatUpdate(r -> r.channel(message.channel()).ts(message.ts())
                .text(SlackText.truncate(text, SlackText.FALLBACK))
                .blocks(List.of(section(s -> s.text(plainText(":ballot_box_with_check: " + text, true)))))));
    }

    @Override
    public void alert(SlackThread threadOrNull, Incident incident, String text) {
        String about = incident == null ? "" : " for " + SlackText.code(incident.incidentId()) + " in "
                + account(incident);
        String body = SlackText.escape(text, SlackText.SECTION_TEXT - 200);
        ChatPostMessageRequest.ChatPostMessageRequestBuilder request = ChatPostMessageRequest.builder()
                .channel(threadOrNull == null ? channel : threadOrNull.channel())
                .text(SlackText.escape(":warning: Portcullis alert" + (incident == null ? ""
                        : " for " + incident.incidentId() + " in " + accountWords(incident)) + ": " + text,
                        SlackText.FALLBACK))
                .blocks(List.of(section(s -> s.text(markdownText(":warning: *Portcullis alert*" + about))),
                        section(s -> s.text(plainText(body, false)))))
                .unfurlLinks(false).unfurlMedia(false).mrkdwn(false);
        if (threadOrNull != null) {
            request.threadTs(threadOrNull.ts()).replyBroadcast(true);
        }
        post("chat.postMessage", request.build());
    }

    @Override
    public SlackThread weeklyReport(ReportFigures f, ReportLink link) {
        ChatPostMessageResponse response = post("chat.postMessage", ChatPostMessageRequest.builder()
                .channel(channel).text(SlackText.escape(WeeklyReportMessage.fallback(f), SlackText.FALLBACK))
                .blocks(WeeklyReportMessage.blocks(f, link))
                .unfurlLinks(false).unfurlMedia(false).mrkdwn(false).build());
        return new SlackThread(response.getChannel() == null ? channel : response.getChannel(), response.getTs());
    }

    // --- message parts ---

    private static String title(Incident incident) {
        String resource = incident.resource() == null ? "unknown resource" : incident.resource().id();
        return (incident.priority() == null ? "" : incident.priority().name() + " · ") + incident.eventName() + " on "
                + resource + " in " + accountWords(incident);
    }

    /**
     * The incident's account as mrkdwn: its name and id as inline code, "`payments-prod` (`111122223333`)", or the id
     * alone when no name was recorded. The name comes from AWS Organizations, where the account's owner sets it: it
     * is text from outside like any resource name.
     */
    private static String account(Incident incident) {
        String id = incident.resource() == null ? null : incident.resource().account();
        String name = incident.accountName();
        return name == null || name.isBlank() || name.equals(id) ? SlackText.code(id)
                : SlackText.code(name) + " (" + SlackText.code(id) + ")";
    }

    /** The same in words, "payments-prod (111122223333)", for plain text (escaped where it is used). */
    private static String accountWords(Incident incident) {
        String id = incident.resource() == null ? null : incident.resource().account();
        String name = incident.accountName();
        String shown = id == null ? "an unknown account" : id;
        return name == null || name.isBlank() || name.equals(id) ? shown : name + " (" + shown + ")";
    }

    private static String whatChanged(Incident incident) {
        ResourceRef resource = incident.resource();
        return SlackText.code(incident.eventName()) + " on "
                + (resource == null ? "unknown resource"
                : SlackText.code(resource.id()) + " (" + SlackText.code(resource.type()) + ")");
    }

    private static String who(Actor actor) {
        if (actor == null) {
            return "unknown";
        }
        StringBuilder who = new StringBuilder(SlackText.code(actor.displayName()));
        List<String> details = new ArrayList<>();
        if (actor.type() != null) {
            details.add(SlackText.code(actor.type()));
        }
        details.add(actor.mfa() ? "MFA" : "no MFA");
        if (actor.sourceIp() != null) {
            details.add("from " + SlackText.code(actor.sourceIp()));
        }
        who.append(" (").append(String.join(", ", details)).append(')');
        if (actor.principalArn() != null) {
            who.append('\n').append(SlackText.code(actor.principalArn()));
        }
        return who.toString();
    }

    private static String actorName(Actor actor) {
        return actor == null ? "unknown" : actor.displayName();
    }

    private static String priority(Incident incident) {
        Decision decision = incident.decision();
        String p = incident.priority() == null ? "?" : incident.priority().name();
        String response = incident.response() == null ? "" : " · " + incident.response().label();
        if (decision == null) {
            return "*" + p + "*" + response;
        }
        return "*" + p + "*" + response + "\nprotocol row " + decision.row() + ": "
                + SlackText.code(decision.rowName());
    }

    private static String findings(List<Finding> findings) {
        StringBuilder text = new StringBuilder();
        for (Finding finding : findings) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append("• ").append(SlackText.escape(finding.explanation()));
        }
        return text.toString();
    }

    private static TextObject field(String label, String mrkdwnValue) {
        return markdownText(SlackText.truncate("*" + label + "*\n" + mrkdwnValue, SlackText.SECTION_FIELD));
    }

    private static String mention(String id) {
        if (USER_ID.matcher(id).matches()) {
            return "<@" + id + ">";
        }
        if (GROUP_ID.matcher(id).matches()) {
            return "<!subteam^" + id + ">";
        }
        return SlackText.code(id);
    }

    private static ConfirmationDialogObject confirm(String title, String text, String yes) {
        return confirmationDialog(c -> c.title(plain(title, SlackText.CONFIRM_TITLE))
                .text(plain(text, SlackText.CONFIRM_TEXT)).confirm(plain(yes, SlackText.CONFIRM_BUTTON))
                .deny(plain("Cancel", SlackText.CONFIRM_BUTTON)).style("danger"));
    }

    private static PlainTextObject plain(String text, int max) {
        return plainText(SlackText.truncate(text, max));
    }

    private static void requireId(String id, String name) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(name + " is empty: the button would carry nothing to act on");
        }
    }

    // --- calls ---

    private ChatPostMessageResponse post(String method, ChatPostMessageRequest request) {
        return call(method, () -> methods.chatPostMessage(request));
    }

    @FunctionalInterface
    private interface Call<T extends SlackApiTextResponse> {
        T run() throws IOException, SlackApiException;
    }

    private static <T extends SlackApiTextResponse> T call(String method, Call<T> call) {
        T response;
        try {
            response = call.run();
        } catch (SlackApiException e) {
            throw failure(method, e);
        } catch (IOException e) {
            // The SDK's messages name the URL at most; the token travels in a header and is never in them.
            throw new SlackException(method, "request failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (response == null) {
            throw new SlackException(method, "empty response");
        }
        if (!response.isOk()) {
            String error = response.getError() == null ? "unknown_error" : response.getError();
            if ("ratelimited".equals(error)) {
                throw new SlackRateLimited(method, OptionalLong.empty());
            }
            throw new SlackException(method, error
                    + (response.getNeeded() == null ? "" : " (needed: " + response.getNeeded() + ")"));
        }
        return response;
    }

    private static SlackException failure(String method, SlackApiException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().code();
        if (status == 429) {
            return new SlackRateLimited(method, retryAfter(e.getResponse().header("Retry-After")));
        }
        String error = e.getError() != null && e.getError().getError() != null ? e.getError().getError()
                : "HTTP " + status;
        return new SlackException(method, error);
    }

    private static OptionalLong retryAfter(String header) {
        if (header == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
