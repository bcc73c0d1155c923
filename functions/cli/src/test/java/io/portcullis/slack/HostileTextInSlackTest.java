package io.portcullis.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Actor;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.LocalSlack;
import io.portcullis.notify.SlackThread;
import io.portcullis.protocol.Decision;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import io.portcullis.testing.Cases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text an attacker controls — resource names and types, principals, user agents and identity types, event names,
 * explanations, outcomes and reasons, and the account name an account's owner sets in AWS Organizations — made of everything that means something to Slack (mentions, links, mrkdwn
 * emphasis, code fences, entities) and to people reading it (line breaks, control and bidirectional characters), in
 * every message Portcullis posts (the direct message to the person who made the change too), as Slack receives it
 * (through the SDK, to LocalSlack).
 *
 * <p>The property: in mrkdwn, such text appears only inside inline code, where Slack neither formats, mentions nor
 * links, and it cannot close the code span; anywhere, it holds no raw {@code <} or {@code >} (so no
 * {@code <!channel>}, {@code <@U…>} or {@code <http://…|…>}), no line break it could forge a line with, and no control
 * or bidirectional-formatting character. {@value #CASES} cases: each piece alone (with the mark) in every field first,
 * then one to eight pieces in each.
 */
class HostileTextInSlackTest {

    static final int CASES = 300;

    static final String TOKEN = "xoxb-local-test-token-hostile";
    static LocalSlack slack;
    static SlackNotifier notifier;

    /** Every hostile text carries this, so its pieces can be found wherever they land. */
    static final String MARK = "EVIL";
    static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    static final Pattern FORBIDDEN = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F\\u0080-\\u009F"
            + "\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u2028\\u2029]");

    static synchronized SlackNotifier notifier() {
        if (slack == null) {
            slack = LocalSlack.start(TOKEN).user("actor@example.com", "U0ACTOR");
            notifier = SlackNotifier.create(TOKEN, "C0ONCALL", slack.url());
        }
        return notifier;
    }

    @AfterAll
    static void stop() {
        if (slack != null) {
            slack.close();
            slack = null;
        }
    }

    static final List<String> PIECES = List.of("<!channel>", "<!here|here>", "<!everyone>", "<@U0BOSS>",
            "<#C0SECRET>", "<!subteam^S0ADMINS>", "<http://evil.example|click here>", "<mailto:x@evil.example|mail>",
            "*bold*", "_italic_", "~strike~", "`", "```", "> quoted", "&", "&lt;", "&amp;gt;", "<", ">", "|", ":skull:",
            "\n", "\nFORGED", "\r\nFORGED", "\u2028FORGED", "\t", "\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085",
            "\u2028", "\u2029", "\u202E", "\u2066", "\u200F", "\u061C", "\uD83D\uDC80", "e\u0301", "sg-0123",
            "arn:aws:iam::1:role/x", " ", "*", "_", "~", "<<", ">>", "\\", "\"", "'", "%s", "${x}");

    static Stream<Arguments> hostileFields(TestInfo property) {
        List<Arguments> edges = PIECES.stream().map(p -> {
            String text = withMark(List.of(p));
            return Arguments.of(text, text, text, text, text, text, text, text);
        }).toList();
        return Cases.of(property, CASES, edges, r -> Arguments.of(hostile(r), hostile(r), hostile(r), hostile(r),
                hostile(r), hostile(r), hostile(r), hostile(r)));
    }

    static String hostile(SplittableRandom r) {
        return withMark(Cases.listOf(r, 1, 8, () -> Cases.oneOf(r, PIECES)));
    }

    /** The pieces with the mark among them. */
    static String withMark(List<String> parts) {
        List<String> all = new ArrayList<>(parts);
        all.add(Math.abs(parts.hashCode()) % (all.size() + 1), MARK);
        return String.join("", all);
    }

    @Cases.Property
    @MethodSource("hostileFields")
    void attackerTextInEveryMessageIsInertAsSlackReceivesIt(String resourceId, String resourceType, String principal,
            String identityType, String sourceIp, String eventName, String explanation, String text) {
        SlackNotifier notifier = notifier();
        int before = slack.requests().size();
        // The account's name is the identity type's hostile text: one more field without another parameter.
        Incident incident = incident(resourceId, resourceType, principal, identityType, sourceIp, eventName,
                explanation).withAccount(identityType, "Root/" + eventName);

        SlackThread thread = notifier.announce(incident, "Next: " + text, "Could not tell who " + principal
                + " is: " + text);
        SlackThread ask = notifier.askApproval(thread, incident, "apr-1", Set.of("U0ONCALL"),
                Instant.parse("2026-03-02T04:12:09Z"), "the fix is made");
        notifier.offerUndo(thread, incident, "undo-1", text);
        notifier.reply(thread, text);
        notifier.resolved(thread, incident, text);
        notifier.alert(thread, incident, text);
        notifier.decided(ask, "Rejected by " + principal + ": " + text);
        notifier.tellActor("U0ACTOR", incident, "About your " + eventName + " on " + resourceId + ": " + explanation
                + " " + text);

        List<LocalSlack.Request> sent = slack.requests().subList(before, slack.requests().size());
        assertThat(sent).hasSize(9).allSatisfy(r -> assertThat(r.ok()).as(r.error()).isTrue());
        for (LocalSlack.Request r : sent) {
            check(r.method() + " text", r.text(), false);
            for (JsonNode textObject : r.blocks().findParents("type")) {
                if (textObject.path("text").isTextual()) {
                    check(r.method() + " " + textObject.path("type").asText(), textObject.path("text").asText(),
                            textObject.path("type").asText().equals("mrkdwn"));
                }
            }
        }
    }

    static void check(String where, String text, boolean mrkdwn) {
        if (text == null) {
            return;
        }
        assertThat(FORBIDDEN.matcher(text).find()).as("%s holds a control or bidi character: %s", where, text).isFalse();
        assertThat(text).as("%s: attacker text began a line", where).doesNotContain("\nFORGED", "\rFORGED");
        if (mrkdwn) {
            String outsideCode = CODE_SPAN.matcher(text).replaceAll("");
            assertThat(outsideCode).as("%s: attacker text outside inline code: %s", where, text).doesNotContain(MARK);
            assertThat(outsideCode).as("%s: an unclosed code span: %s", where, text).doesNotContain("`");
            // Our own markup: mentions of the configured approvers and the expiry date.
            String ours = outsideCode.replaceAll("<@U0ONCALL>|<!date\\^\\d+\\^[^|>]*\\|[^>]*>", "");
            assertThat(ours).as("%s: a raw < or > besides our own: %s", where, text).doesNotContain("<", ">");
        } else {
            assertThat(text).as("%s: a raw < or >", where).doesNotContain("<", ">");
        }
    }

    static Incident incident(String resourceId, String resourceType, String principal, String identityType,
                             String sourceIp, String eventName, String explanation) {
        ResourceRef resource = new ResourceRef(resourceType, resourceId, "arn:" + resourceId, "111122223333", "eu-west-1");
        Actor actor = new Actor("arn:aws:sts::111122223333:assumed-role/Admin/" + principal, identityType,
                "arn:aws:iam::111122223333:role/Admin", false, sourceIp, "console.amazonaws.com " + principal);
        Finding finding = new Finding("sg-ingress-sensitive-port-public", RuleFamily.SECURITY_GROUP, Severity.CRITICAL,
                Exposure.INTERNET, resource, List.of(), Map.of(), explanation);
        Decision decision = new Decision(Priority.P2, Response.APPROVAL, 3, "critical-internet-production", Map.of());
        return new Incident(Incident.idFor("e1a2b3c4-0000-4000-8000-000000000001"), 1, IncidentStatus.OPEN,
                RemediationMode.ENFORCE, "e1a2b3c4-0000-4000-8000-000000000001", eventName,
                Instant.parse("2026-03-02T03:42:07Z"), actor, Origin.CONSOLE, resource, "production", List.of(finding),
                Priority.P2, Response.APPROVAL, decision, Instant.parse("2026-03-02T03:42:09Z"), null, null, null, null,
                null, null, null, null, null, null, null, 1, null);
    }
}
