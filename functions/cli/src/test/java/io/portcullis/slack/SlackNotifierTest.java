package io.portcullis.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.SlackAction;
import io.portcullis.change.Actor;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalSlack;
import io.portcullis.notify.SlackThread;
import io.portcullis.protocol.Decision;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.report.ReportFigures;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SlackNotifier through the real Slack SDK against LocalSlack: what Slack would receive, block by block. */
class SlackNotifierTest {

    static final String TOKEN = "xoxb-local-test-token-123";
    static final String CHANNEL = "C0ONCALL";

    final LocalSlack slack = LocalSlack.start(TOKEN);
    final SlackNotifier notifier = SlackNotifier.create(TOKEN, CHANNEL, slack.url());

    @AfterEach
    void stop() {
        slack.close();
    }

    static Incident incident(String resourceId, Priority priority, Response response) {
        ResourceRef resource = ResourceRef.securityGroup(resourceId, "111122223333", "eu-west-1");
        Actor actor = new Actor("arn:aws:sts::111122223333:assumed-role/Admin/alice", "AssumedRole",
                "arn:aws:iam::111122223333:role/Admin", false, "203.0.113.7", "console.amazonaws.com");
        Finding finding = new Finding("sg-ingress-sensitive-port-public", RuleFamily.SECURITY_GROUP, Severity.CRITICAL,
                Exposure.INTERNET, resource, List.of(), Map.of(),
                "Port 22 (SSH) on " + resourceId + " is open to the whole internet (0.0.0.0/0).");
        Decision decision = new Decision(priority, response, 3, "critical-internet-production", Map.of(
                "severity", "critical", "exposure", "internet", "environment", "production", "origin", "console"));
        return new Incident(Incident.idFor("e1a2b3c4-0000-4000-8000-000000000001"), 1, IncidentStatus.OPEN,
                RemediationMode.ENFORCE, "e1a2b3c4-0000-4000-8000-000000000001", "AuthorizeSecurityGroupIngress",
                Instant.parse("2026-03-02T03:42:07Z"), actor, Origin.CONSOLE, resource, "production", List.of(finding),
                priority, response, decision, Instant.parse("2026-03-02T03:42:09Z"), null, null, null, null, null,
                null, null, null, null, null, null, 1, null);
    }

    static String allText(JsonNode node) {
        StringBuilder text = new StringBuilder();
        node.findValues("text").forEach(t -> text.append(t.isTextual() ? t.asText() : allText(t)).append('\n'));
        return text.toString();
    }

    @Test
    void announceSaysWhatWhoFromWhereWhenThePriorityAndTheRowThatChoseIt() {
        SlackThread thread = notifier.announce(incident("sg-0123456789abcdef0", Priority.P1, Response.AUTO),
                "Revoking the rule now; you can undo it in this thread.");

        LocalSlack.Request message = slack.messages().getFirst();
        assertThat(thread).isEqualTo(new SlackThread(CHANNEL, message.ts()));
        assertThat(message.method()).isEqualTo("chat.postMessage");
        assertThat(message.token()).isEqualTo(TOKEN);
        assertThat(message.channel()).isEqualTo(CHANNEL);
        assertThat(message.threadTs()).isNull();
        assertThat(message.text()).contains("P1", "AuthorizeSecurityGroupIngress", "sg-0123456789abcdef0", "alice");
        JsonNode blocks = message.blocks();
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).path("text").path("text").asText())
                .isEqualTo("P1 · AuthorizeSecurityGroupIngress on sg-0123456789abcdef0 in 111122223333");
        String text = allText(blocks);
        assertThat(text).contains("`AuthorizeSecurityGroupIngress` on `sg-0123456789abcdef0` (`AWS::EC2::SecurityGroup`)",
                "`alice` (`AssumedRole`, no MFA, from `203.0.113.7`)", "*From where*\nconsole",
                "2026-03-02 03:42:07 UTC", "`111122223333` / `eu-west-1`", "*P1* · auto",
                "protocol row 3: `critical-internet-production`",
                "• Port 22 (SSH) on sg-0123456789abcdef0 is open to the whole internet (0.0.0.0/0).",
                "Next: Revoking the rule now; you can undo it in this thread.");
    }

    @Test
    void everyMessageAboutAnIncidentNamesItsAccountByNameWithTheIdBeside() {
        Incident incident = incident("sg-0123456789abcdef0", Priority.P2, Response.APPROVAL)
                .withAccount("payments-prod", "Root/Workloads");
        slack.user("alice@example.com", "U0ALICE");

        SlackThread thread = notifier.announce(incident, "Waiting for on-call approval.");
        notifier.askApproval(thread, incident, "apr-1", Set.of("U0ALICE"), Instant.parse("2026-03-02T04:12:09Z"),
                "remediate");
        notifier.offerUndo(thread, incident, "undo-1", "Revoked tcp/22 from 0.0.0.0/0.");
        notifier.resolved(thread, incident, "Revoked and verified.");
        notifier.alert(thread, incident, "Remediation failed: AccessDenied");
        notifier.tellActor("U0ALICE", incident, ADVICE_PARAGRAPH);

        List<LocalSlack.Request> sent = slack.requests("chat.postMessage");
        assertThat(sent).hasSize(6);
        String code = "`payments-prod` (`111122223333`)";
        String words = "payments-prod (111122223333)";
        LocalSlack.Request announce = sent.get(0);
        assertThat(allText(announce.blocks())).contains("*Account / region*\n" + code + " / `eu-west-1`");
        assertThat(announce.blocks().get(0).path("text").path("text").asText()).endsWith(" in " + words);
        assertThat(announce.text()).contains(" in " + words);
        assertThat(allText(sent.get(1).blocks())).contains("(`AWS::EC2::SecurityGroup`) in " + code);
        assertThat(allText(sent.get(2).blocks())).contains(":white_check_mark: Done in " + words + ": Revoked tcp/22");
        assertThat(sent.get(2).text()).startsWith("Done in " + words);
        assertThat(sent.get(3).threadTs()).isEqualTo(thread.ts());
        assertThat(allText(sent.get(3).blocks())).contains(":checkered_flag: Revoked and verified.",
                "Incident `" + incident.incidentId() + "` · account " + code);
        assertThat(allText(sent.get(4).blocks())).contains(":warning: *Portcullis alert* for `" + incident.incidentId()
                + "` in " + code);
        assertThat(sent.get(4).text()).contains(" in " + words + ": Remediation failed");
        assertThat(allText(sent.get(5).blocks())).contains("· account " + code + " · on-call has the details");
    }

    @Test
    void anIncidentRecordedWithoutAnAccountNameNamesTheAccountByItsIdAlone() {
        Incident incident = incident("sg-0123456789abcdef0", Priority.P1, Response.AUTO);
        SlackThread thread = notifier.announce(incident, "Revoking now.");

        notifier.resolved(thread, incident, "Revoked and verified.");

        assertThat(allText(slack.messages().getFirst().blocks()))
                .contains("*Account / region*\n`111122223333` / `eu-west-1`");
        assertThat(allText(slack.messages().getLast().blocks())).contains("· account `111122223333`")
                .doesNotContain("(`111122223333`)");
    }

    @Test
    void askApprovalRepliesInTheThreadBroadcastWithButtonsCarryingOnlyTheApprovalId() {
        Incident incident = incident("sg-0123456789abcdef0", Priority.P2, Response.APPROVAL);
        SlackThread thread = notifier.announce(incident, "Waiting for on-call approval.");

        SlackThread ask = notifier.askApproval(thread, incident, "apr-7f3e", Set.of("U0ALICE", "S0ONCALL"),
                Instant.parse("2026-03-02T04:12:09Z"), "escalate to the security lead");

        LocalSlack.Request reply = slack.messages().getLast();
        assertThat(ask).isEqualTo(new SlackThread(CHANNEL, reply.ts()));
        assertThat(ask.ts()).isNotEqualTo(thread.ts());
        assertThat(reply.threadTs()).isEqualTo(thread.ts());
        assertThat(reply.replyBroadcast()).isTrue();
        JsonNode actions = reply.block("actions", SlackAction.BLOCK_PREFIX);
        assertThat(actions.path("block_id").asText()).isEqualTo("approval:" + incident.incidentId());
        JsonNode approve = actions.path("elements").get(0);
        JsonNode reject = actions.path("elements").get(1);
        assertThat(approve.path("action_id").asText()).isEqualTo("approve");
        assertThat(approve.path("value").asText()).isEqualTo("apr-7f3e");
        assertThat(approve.path("style").asText()).isEqualTo("primary");
        assertThat(reject.path("action_id").asText()).isEqualTo("reject");
        assertThat(reject.path("value").asText()).isEqualTo("apr-7f3e");
        assertThat(reject.path("style").asText()).isEqualTo("danger");
        assertThat(reject.path("confirm").path("title").path("text").asText()).isEqualTo("Reject the fix?");
        JsonNode input = reply.block("input", "");
        assertThat(input.path("optional").asBoolean()).isTrue();
        assertThat(input.path("dispatch_action").asBoolean(true)).isFalse();
        assertThat(input.path("element").path("type").asText()).isEqualTo("plain_text_input");
        assertThat(input.path("element").path("action_id").asText()).isEqualTo("reject_reason");
        String text = allText(reply.blocks());
        assertThat(text).contains("<@U0ALICE>", "<!subteam^S0ONCALL>", "escalate to the security lead",
                "<!date^" + Instant.parse("2026-03-02T04:12:09Z").getEpochSecond() + "^",
                "2026-03-02 04:12:09 UTC");
    }

    @Test
    void aClickOnTheApproveButtonAsSlackPostsItIsReadBackBySlackAction() throws Exception {
        Incident incident = incident("sg-0123456789abcdef0", Priority.P2, Response.APPROVAL);
        SlackThread thread = notifier.announce(incident, "Waiting for on-call approval.");
        notifier.askApproval(thread, incident, "apr-7f3e", Set.of("U0BOB"), Instant.parse("2026-03-02T04:12:09Z"),
                "remediate");
        LocalSlack.Request reply = slack.messages().getLast();
        JsonNode input = reply.block("input", "");
        JsonNode actions = reply.block("actions", SlackAction.BLOCK_PREFIX);
        JsonNode clicked = actions.path("elements").get(0);

        // What Slack sends for a block_actions click: the clicked element with its block_id, and the message's inputs.
        ObjectNode payload = Json.mapper().createObjectNode().put("type", "block_actions");
        payload.putObject("user").put("id", "U0BOB").put("username", "bob");
        payload.putObject("container").put("type", "message").put("message_ts", reply.ts())
                .put("channel_id", reply.channel());
        ObjectNode action = payload.putArray("actions").addObject();
        action.put("type", "button").put("action_id", clicked.path("action_id").asText())
                .put("block_id", actions.path("block_id").asText()).put("value", clicked.path("value").asText())
                .put("action_ts", "1772422929.000200");
        action.putObject("text").put("type", "plain_text").put("text", clicked.path("text").path("text").asText());
        payload.putObject("state").putObject("values").putObject(input.path("block_id").asText())
                .putObject(input.path("element").path("action_id").asText())
                .put("type", "plain_text_input").put("value", "  fine, it is a bastion  ");
        byte[] body = ("payload=" + URLEncoder.encode(Json.mapper().writeValueAsString(payload),
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);

        assertThat(SlackAction.parse(body)).contains(new SlackAction("U0BOB", SlackAction.APPROVE, "apr-7f3e",
                incident.incidentId(), "fine, it is a bastion"));
    }

    @Test
    void textFromTheEventCanNeitherMentionNorLinkNorFormat() {
        String evil = "<!channel> *bold* <http://evil|click>";

        notifier.announce(incident(evil, Priority.P1, Response.AUTO), "Next: " + evil);

        LocalSlack.Request message = slack.messages().getFirst();
        String everything = message.text() + "\n" + allText(message.blocks());
        assertThat(everything).doesNotContain("<!channel>", "<http://evil|click>")
                .contains("&lt;!channel&gt; *bold* &lt;http://evil|click&gt;");
        // In mrkdwn the name is inline code, where Slack applies no formatting; in sentences it is plain_text.
        assertThat(allText(message.blocks())).contains("`&lt;!channel&gt; *bold* &lt;http://evil|click&gt;`");
        for (JsonNode section : message.blocks().findParents("text")) {
            JsonNode text = section.path("text");
            if (text.isObject() && text.path("type").asText().equals("mrkdwn")) {
                assertThat(text.path("text").asText().replaceAll("`[^`]*`", "")).doesNotContain("*bold*");
            }
        }
    }

    @Test
    void aLongResourceNameIsCutToTheHeaderLimit() {
        notifier.announce(incident("sg-" + "x".repeat(400), Priority.P1, Response.AUTO), "soon");

        JsonNode header = slack.messages().getFirst().blocks().get(0);
        assertThat(header.path("text").path("text").asText()).hasSizeLessThanOrEqualTo(SlackText.HEADER).endsWith("…");
    }

    @Test
    void aWrongTokenIsASlackExceptionThatNamesTheErrorButNotTheToken() {
        String wrong = "xoxb-wrong-secret-value-999";
        SlackNotifier withWrongToken = SlackNotifier.create(wrong, CHANNEL, slack.url());

        assertThatThrownBy(() -> withWrongToken.announce(incident("sg-1", Priority.P1, Response.AUTO), "soon"))
                .isInstanceOf(SlackException.class)
                .hasMessageContaining("chat.postMessage").hasMessageContaining("invalid_auth")
                .hasMessageNotContaining(wrong).hasMessageNotContaining(TOKEN)
                .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain(wrong));
        assertThat(slack.requests().getFirst().ok()).isFalse();
        assertThat(slack.messages()).isEmpty();
    }

    @Test
    void anHttp429IsSlackRateLimitedWithTheRetryAfter() {
        slack.rateLimitNext(30);

        assertThatThrownBy(() -> notifier.reply(new SlackThread(CHANNEL, "1700000000.000100"), "hello"))
                .isInstanceOfSatisfying(SlackRateLimited.class, e -> {
                    assertThat(e.method()).isEqualTo("chat.postMessage");
                    assertThat(e.retryAfterSeconds()).hasValue(30);
                });
    }

    @Test
    void anErrorSlackReportsIsASlackExceptionNamingIt() {
        slack.failNext("not_in_channel");

        assertThatThrownBy(() -> notifier.reply(new SlackThread(CHANNEL, "1700000000.000100"), "hello"))
                .isInstanceOf(SlackException.class).isNotInstanceOf(SlackRateLimited.class)
                .hasMessageContaining("not_in_channel").hasMessageContaining("invite the app");
    }

    @Test
    void offerUndoRepliesWithWhatWasDoneAndAnUndoButtonCarryingOnlyTheUndoId() {
        Incident incident = incident("sg-0123456789abcdef0", Priority.P1, Response.AUTO);
        SlackThread thread = notifier.announce(incident, "Revoking now.");

        notifier.offerUndo(thread, incident, "undo-91c2", "Revoked tcp/22 from 0.0.0.0/0 on sg-0123456789abcdef0.");

        LocalSlack.Request reply = slack.messages().getLast();
        assertThat(reply.threadTs()).isEqualTo(thread.ts());
        JsonNode actions = reply.block("actions", "undo:");
        assertThat(actions.path("block_id").asText()).isEqualTo("undo:" + incident.incidentId());
        JsonNode undo = actions.path("elements").get(0);
        assertThat(undo.path("action_id").asText()).isEqualTo("undo");
        assertThat(undo.path("value").asText()).isEqualTo("undo-91c2");
        assertThat(undo.path("confirm").isObject()).isTrue();
        assertThat(allText(reply.blocks())).contains("Revoked tcp/22 from 0.0.0.0/0 on sg-0123456789abcdef0.");
        assertThat(reply.text()).contains("Revoked tcp/22");
    }

    @Test
    void decidedReplacesTheButtonsWithTheOutcome() {
        Incident incident = incident("sg-0123456789abcdef0", Priority.P2, Response.APPROVAL);
        SlackThread thread = notifier.announce(incident, "Waiting.");
        SlackThread ask = notifier.askApproval(thread, incident, "apr-1", Set.of("U0ALICE"),
                Instant.parse("2026-03-02T04:12:09Z"), "remediate");

        notifier.decided(ask, "Approved by <@U0ALICE> at 03:50 UTC");

        LocalSlack.Request update = slack.updates().getFirst();
        assertThat(update.channel()).isEqualTo(CHANNEL);
        assertThat(update.ts()).isEqualTo(ask.ts());
        assertThat(update.blocks()).hasSize(1);
        assertThat(update.blocks().findValues("type").stream().map(JsonNode::asText))
                .doesNotContain("actions", "input", "button");
        assertThat(allText(update.blocks())).contains("Approved by &lt;@U0ALICE&gt; at 03:50 UTC");
        assertThat(update.text()).contains("Approved by");
    }

    @Test
    void replyAndAlertGoToTheThreadAndAnAlertWithoutOneToTheChannel() {
        Incident incident = incident("sg-0123456789abcdef0", Priority.P1, Response.AUTO);
        SlackThread thread = notifier.announce(incident, "Revoking now.");

        notifier.reply(thread, "Verified: the rule is gone.");
        notifier.alert(thread, incident, "Remediation failed: AccessDenied on RevokeSecurityGroupIngress");
        notifier.alert(null, incident, "The playbook timed out.");

        List<LocalSlack.Request> replies = slack.thread(thread.ts());
        assertThat(replies).hasSize(2);
        assertThat(replies.get(0).text()).isEqualTo("Verified: the rule is gone.");
        assertThat(replies.get(0).replyBroadcast()).isFalse();
        assertThat(replies.get(1).replyBroadcast()).isTrue();
        assertThat(replies.get(1).text()).startsWith(":warning:").contains("AccessDenied");
        LocalSlack.Request top = slack.messages().getLast();
        assertThat(top.threadTs()).isNull();
        assertThat(top.channel()).isEqualTo(CHANNEL);
        assertThat(allText(top.blocks())).contains(":warning: *Portcullis alert* for `" + incident.incidentId()
                        + "` in `111122223333`",
                "The playbook timed out.");
    }

    @Test
    void theWeeklySummaryNamesTheWorstAccountsAndUnitsWithNamesAsInertText() {
        String hostile = "<!channel> *prod*\nFORGED";
        java.util.function.IntFunction<ReportFigures.Measures> measures = n -> new ReportFigures.Measures(n, 0,
                Map.of("P1", n, "P2", 0, "P3", 0, "P4", 0), new ReportFigures.Outcomes(n, 0, 0, 0, 0, 0, 0), n, 60L,
                60L, n / 2, n / 3);
        List<ReportFigures.AccountFigures> accounts = List.of(
                new ReportFigures.AccountFigures("111122223333", hostile, "Root/Prod", measures.apply(6)),
                new ReportFigures.AccountFigures("222233334444", "ledger", "Root/Prod", measures.apply(3)),
                new ReportFigures.AccountFigures("333344445555", null, null, measures.apply(2)),
                new ReportFigures.AccountFigures("444455556666", "web", "Root/Web", measures.apply(1)),
                new ReportFigures.AccountFigures("555566667777", "quiet", "Root/Web", measures.apply(0)));
        List<ReportFigures.UnitFigures> units = List.of(
                new ReportFigures.UnitFigures("Root/Prod", 2, measures.apply(9)),
                new ReportFigures.UnitFigures(null, 1, measures.apply(2)),
                new ReportFigures.UnitFigures("Root/Web", 2, measures.apply(1)));
        ReportFigures.WeekCounts week = new ReportFigures.WeekCounts("2026-W47", 12,
                Map.of("P1", 12, "P2", 0, "P3", 0, "P4", 0), Map.of(), Map.of(), Map.of());
        ReportFigures figures = new ReportFigures("2026-W47", "UTC", Instant.parse("2026-11-16T00:00:00Z"),
                Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-11-23T07:00:00Z"), List.of(week),
                new ReportFigures.Outcomes(12, 0, 0, 0, 0, 0, 0), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), accounts, units);

        notifier.weeklyReport(figures, null);

        LocalSlack.Request summary = slack.messages().getFirst();
        List<String> sections = new java.util.ArrayList<>();
        summary.blocks().forEach(b -> sections.add(b.path("text").path("text").asText()));
        assertThat(sections).contains("Accounts, worst first:"
                + "\n• &lt;!channel&gt; *prod* FORGED (111122223333): 6 incidents (P1 6), 3 missed their target, 2 still open"
                + "\n• ledger (222233334444): 3 incidents (P1 3), 1 missed their target, 1 still open"
                + "\n• 333344445555: 2 incidents (P1 2), 1 missed their target, 0 still open"
                + "\n…and 1 more in the report.",
                "Organizational units, worst first:"
                + "\n• Root/Prod: 9 incidents (P1 9), 4 missed their target, 3 still open"
                + "\n• (no organizational unit): 2 incidents (P1 2), 1 missed their target, 0 still open"
                + "\n• Root/Web: 1 incident (P1 1), 0 missed their target, 0 still open");
        assertThat(summary.blocks().findParents("text").stream().map(b -> b.path("text"))
                .filter(t -> t.isObject() && t.path("text").asText().startsWith("Accounts, worst first")))
                .singleElement().satisfies(t -> assertThat(t.path("type").asText()).isEqualTo("plain_text"));
    }

    // --- the person who made the change ---

    static final String ADVICE_PARAGRAPH = "Portcullis here, about your AuthorizeSecurityGroupIngress on"
            + " sg-0123456789abcdef0. What was risky: port 22 is open to the internet. How to make this change"
            + " safely: use Session Manager.";

    @Test
    void tellActorOpensADirectMessageWithThePersonAndPostsTheParagraphThereNotInTheChannel() {
        slack.user("alice@example.com", "U0ALICE");
        Incident incident = incident("sg-0123456789abcdef0", Priority.P1, Response.AUTO);

        SlackThread dm = notifier.tellActor("U0ALICE", incident, ADVICE_PARAGRAPH);

        LocalSlack.Request open = slack.requests("conversations.open").getFirst();
        assertThat(open.ok()).isTrue();
        assertThat(open.token()).isEqualTo(TOKEN);
        assertThat(open.channel()).as("the users argument").isEqualTo("U0ALICE");
        LocalSlack.Request message = slack.directMessages("U0ALICE").getFirst();
        assertThat(slack.requests()).extracting(LocalSlack.Request::method)
                .containsExactly("conversations.open", "chat.postMessage");
        assertThat(dm).isEqualTo(new SlackThread(message.channel(), message.ts()));
        assertThat(message.channel()).startsWith("D").isNotEqualTo(CHANNEL);
        assertThat(message.threadTs()).isNull();
        assertThat(message.text()).isEqualTo(ADVICE_PARAGRAPH);
        JsonNode blocks = message.blocks();
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).path("text").path("text").asText())
                .isEqualTo("Portcullis: about your change to sg-0123456789abcdef0");
        assertThat(blocks.get(1).path("type").asText()).isEqualTo("section");
        assertThat(blocks.get(1).path("text").path("type").asText()).as("one paragraph, never mrkdwn")
                .isEqualTo("plain_text");
        assertThat(blocks.get(1).path("text").path("text").asText()).isEqualTo(ADVICE_PARAGRAPH);
        assertThat(allText(blocks.get(2))).contains("Incident `" + incident.incidentId() + "`");
        assertThat(slack.messages()).noneSatisfy(m -> assertThat(m.channel()).isEqualTo(CHANNEL));
    }

    @Test
    void aDirectMessageSlackRefusesIsASlackExceptionNamingTheMethodAndTheError() {
        slack.user("alice@example.com", "U0ALICE").deactivate("U0ALICE");
        Incident incident = incident("sg-0123456789abcdef0", Priority.P1, Response.AUTO);
        SlackNotifier withWrongToken = SlackNotifier.create("xoxb-wrong-secret-value-999", CHANNEL, slack.url());

        assertThatThrownBy(() -> notifier.tellActor("U0ALICE", incident, ADVICE_PARAGRAPH))
                .isInstanceOf(SlackException.class).hasMessageContaining("conversations.open")
                .hasMessageContaining("user_disabled").hasMessageContaining("deactivated");
        assertThatThrownBy(() -> notifier.tellActor("U0NOBODY", incident, ADVICE_PARAGRAPH))
                .isInstanceOf(SlackException.class).hasMessageContaining("user_not_found");
        assertThatThrownBy(() -> withWrongToken.tellActor("U0ALICE", incident, ADVICE_PARAGRAPH))
                .isInstanceOf(SlackException.class).hasMessageContaining("invalid_auth")
                .hasMessageNotContaining("xoxb-wrong-secret-value-999");
        assertThatThrownBy(() -> notifier.tellActor("<!channel>", incident, ADVICE_PARAGRAPH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Slack user id");
        assertThat(slack.requests("chat.postMessage")).isEmpty();
        assertThat(slack.requests("conversations.open")).hasSize(3).noneMatch(LocalSlack.Request::ok);
    }

    @Test
    void announceGivesWhatOnCallShouldKnowAboutThePersonItsOwnSectionBeforeWhatHappensNext() {
        String about = "Portcullis could not tell who made this change in Slack (principal"
                + " arn:aws:sts::111122223333:assumed-role/Admin/alice; no Slack account matches it): tell them how to"
                + " make it safely: use Session Manager.";

        notifier.announce(incident("sg-0123456789abcdef0", Priority.P1, Response.AUTO), "Revoking now.", about);

        JsonNode blocks = slack.messages().getFirst().blocks();
        String text = allText(blocks);
        assertThat(text).contains(":bust_in_silhouette: " + about);
        assertThat(text.indexOf(about)).isLessThan(text.indexOf("Next: Revoking now."));
        assertThat(blocks.findParents("text").stream().map(b -> b.path("text"))
                .filter(t -> t.isObject() && t.path("text").asText().contains(about)))
                .singleElement().satisfies(t -> assertThat(t.path("type").asText()).isEqualTo("plain_text"));
    }

    @Test
    void aMessageWithoutAChannelIsRefusedAsSlackWould() {
        // Built from a plain SDK client (statistics on, as the SDK defaults): it asks auth.test for the team first.
        com.slack.api.SlackConfig config = new com.slack.api.SlackConfig();
        config.setMethodsEndpointUrlPrefix(slack.url());
        SlackNotifier fromClient = new SlackNotifier(com.slack.api.Slack.getInstance(config).methods(TOKEN), CHANNEL);

        assertThatThrownBy(() -> fromClient.reply(new SlackThread("", "1700000000.000100"), "x"))
                .isInstanceOf(SlackException.class).hasMessageContaining("channel_not_found");
        assertThat(slack.requests("chat.postMessage")).singleElement()
                .satisfies(r -> assertThat(r.error()).isEqualTo("channel_not_found"));
    }
}
