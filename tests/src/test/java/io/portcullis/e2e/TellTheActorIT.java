package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.network.IngressRule;
import io.portcullis.rule.Advice;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * End to end in the emulator: the person who opened SSH to the world is told, after containment, in a direct message
 * in Slack, what was risky, what Portcullis did and how to make the change safely; when Slack does not know them,
 * on-call's message says so and carries the advice to pass on.
 */
class TellTheActorIT {

    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";
    static final String SSO_SESSION =
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/carol@example.com";
    static final String ADVICE = Advice.defaults().of("sg-ingress-sensitive-port-public",
            io.portcullis.rule.RuleFamily.SECURITY_GROUP).orElseThrow();

    /** The console sample, made by carol signed in through IAM Identity Center (a session named by her e-mail). */
    static ObjectNode byCarol(ObjectNode event) {
        ObjectNode identity = (ObjectNode) event.path("detail").path("userIdentity");
        identity.put("arn", SSO_SESSION).put("principalId", "AROAEXAMPLESSOADMIN01:carol@example.com");
        return event;
    }

    static int indexOf(List<LocalSlack.Request> requests, java.util.function.Predicate<LocalSlack.Request> which) {
        for (int i = 0; i < requests.size(); i++) {
            if (which.test(requests.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such Slack call in " + requests.stream().map(LocalSlack.Request::method).toList());
    }

    static List<String> steps(Incident incident) {
        return incident.timeline().stream().map(TimelineEntry::step).toList();
    }

    @Test
    void aConsoleUserWhoOpenedSshToTheWorldGetsADirectMessageWithTheAdviceAfterContainment() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        LocalSlack slack = p.runtime.slack().user("carol@example.com", "U0CAROL");
        ObjectNode event = byCarol(p.applied(CONSOLE_SSH));

        JsonNode answer = p.detect(event);
        String incidentId = answer.path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(p.liveRules()).extracting(IngressRule::ruleId).containsExactly(p.sandbox.harmlessRuleId());
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        List<LocalSlack.Request> dms = slack.directMessages("U0CAROL");
        assertThat(dms).as("told once").hasSize(1);
        LocalSlack.Request dm = dms.get(0);
        assertThat(dm.channel()).isNotEqualTo(LocalRuntime.SLACK_CHANNEL);
        assertThat(dm.text()).startsWith("Portcullis here, about your AuthorizeSecurityGroupIngress on "
                        + p.sandbox.groupId())
                .contains("What was risky: " + incident.findings().get(0).explanation())
                .contains("Portcullis revoked tcp port 22 from 0.0.0.0/0")
                .contains("checked that it is gone; if you need it back, ask on-call, who can undo it in Slack.")
                .contains("How to make this change safely: " + ADVICE)
                .contains("Session Manager", "EC2 Instance Connect Endpoint", "prefix list");
        // After containment and after on-call: the revoke, then the on-call message, then the direct message.
        List<LocalSlack.Request> calls = slack.requests();
        int onCall = indexOf(calls, r -> r.method().equals("chat.postMessage")
                && LocalRuntime.SLACK_CHANNEL.equals(r.channel()) && r.threadTs() == null);
        int opened = indexOf(calls, r -> r.method().equals("conversations.open"));
        assertThat(onCall).isLessThan(opened);
        assertThat(calls.indexOf(dm)).isGreaterThan(opened);
        assertThat(calls.get(opened).channel()).isEqualTo("U0CAROL");
        assertThat(steps(incident)).containsSubsequence("RevokeOffendingIngress", "Verify", "NotifyContained",
                "actor-told", "Resolve");
        assertThat(calls.get(onCall).blocks().toString()).doesNotContain("could not tell who made this change");
    }

    @Test
    void whenSlackDoesNotKnowWhoMadeTheChangeOnCallsMessageSaysSoWithTheAdviceToPassOn() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        // The stock sample: a role session named "alice", not an e-mail.
        ObjectNode event = p.applied(CONSOLE_SSH);

        String incidentId = p.detect(event).path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        LocalSlack slack = p.runtime.slack();
        assertThat(slack.requests("conversations.open")).isEmpty();
        assertThat(slack.directMessages()).isEmpty();
        LocalSlack.Request onCall = slack.messages().stream()
                .filter(m -> LocalRuntime.SLACK_CHANNEL.equals(m.channel()) && m.threadTs() == null)
                .findFirst().orElseThrow();
        assertThat(onCall.blocks().toString()).contains("Portcullis could not tell who made this change in Slack"
                + " (principal arn:aws:sts::123456789012:assumed-role/Admin/alice; no Slack account matches it): tell"
                + " them how to make it safely: " + ADVICE);
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(steps(incident)).containsSubsequence("NotifyContained", "actor-unknown", "Resolve")
                .doesNotContain("actor-told");
    }

    @Test
    void aDirectMessageSlackRefusesLeavesTheIncidentResolvedAndAsksOnCallInTheThread() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        LocalSlack slack = p.runtime.slack().user("carol@example.com", "U0CAROL").deactivate("U0CAROL");
        ObjectNode event = byCarol(p.applied(CONSOLE_SSH));

        String incidentId = p.detect(event).path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.states()).doesNotContain("MarkFailed");
        assertThat(slack.requests("conversations.open")).singleElement()
                .satisfies(r -> assertThat(r.error()).isEqualTo("user_disabled"));
        assertThat(slack.directMessages()).isEmpty();
        LocalSlack.Request onCall = slack.messages().stream()
                .filter(m -> LocalRuntime.SLACK_CHANNEL.equals(m.channel()) && m.threadTs() == null)
                .findFirst().orElseThrow();
        assertThat(slack.thread(onCall.ts())).anySatisfy(r -> assertThat(r.text())
                .contains("Portcullis could not send the person who made this change (Slack user U0CAROL) a direct"
                        + " message (Slack conversations.open failed: user_disabled")
                .contains("tell them how to make it safely"));
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(steps(incident)).containsSubsequence("actor-told", "actor-not-told", "Resolve");
    }
}
