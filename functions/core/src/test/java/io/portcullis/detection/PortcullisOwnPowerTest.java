package io.portcullis.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Environment;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Protocol;
import io.portcullis.protocol.Response;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.RuleSet;
import io.portcullis.safeguard.KillSwitch;
import io.portcullis.safeguard.Pager;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Portcullis' own power in the detector: its role counts as its own only in its function's session, a tag cannot
 * lower a production account's resources, and whoever writes the kill switch is named to on-call.
 */
class PortcullisOwnPowerTest {

    static final String ACCOUNT = "123456789012";
    static final String SG = "sg-0a1b2c3d4e5f60001";
    static final String WORKER_ROLE = "arn:aws:iam::123456789012:role/portcullis-remediator";
    static final String WORKER_FUNCTION = "portcullis-remediator";
    static final String KILL_SWITCH = "/portcullis/kill-switch";
    static final String BY_PORTCULLIS = "cloudtrail/ec2-authorize-ssh-world-by-portcullis.json";
    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";

    final InMemoryIncidentStore incidents = new InMemoryIncidentStore();
    final InMemorySecurityGroups groups = new InMemorySecurityGroups();
    final List<String> started = new ArrayList<>();
    final List<Pager.Page> pages = new ArrayList<>();
    final Clock clock = Clock.fixed(Instant.parse("2026-11-25T03:42:09Z"), ZoneOffset.UTC);

    DetectChange detector(Accounts accounts) {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), accounts), groups,
                io.portcullis.remediation.ResourceTags.NONE, incidents, (incident, input) -> {
                    started.add(incident.incidentId());
                    return true;
                }, clock, RemediationMode.ENFORCE, Set.of(WORKER_ROLE))
                .withSafeguards(KillSwitch.NONE, null, null, pages::add)
                .withJurisdiction(ACCOUNT, "us-east-1");
    }

    DetectChange detector() {
        return detector(Accounts.none()).withWorkerFunction(WORKER_FUNCTION).watchingKillSwitch(KILL_SWITCH);
    }

    void groupTagged(String environment) {
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(SG, ACCOUNT, "us-east-1"), "web",
                Map.of("env", environment), List.of(new IngressRule("sgr-0f1e2d3c4b5a60001", IpProtocol.TCP,
                        new PortRange(22, 22), Cidr.parse("0.0.0.0/0"), null, "debug"))));
    }

    /** The sample made by the worker, with its session (the part of the ARN after the role) renamed. */
    static byte[] withSession(String session) throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes(BY_PORTCULLIS));
        ObjectNode identity = (ObjectNode) event.path("detail").path("userIdentity");
        identity.put("arn", "arn:aws:sts::123456789012:assumed-role/portcullis-remediator/" + session);
        identity.put("principalId", "AROAEXAMPLEPORTC0001:" + session);
        return Json.mapper().writeValueAsBytes(event);
    }

    @Test
    void aChangeFromTheWorkerFunctionsOwnSessionIsPortcullisOwnAndNotJudged() {
        groupTagged("production");

        DetectionResult result = detector().handle(Fixtures.bytes(BY_PORTCULLIS));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Ignored.class, i -> assertThat(i.reason())
                .contains("Portcullis' own role " + WORKER_ROLE).contains("session " + WORKER_FUNCTION));
        assertThat(incidents.size()).isZero();
    }

    @ParameterizedTest(name = "session {0}")
    @CsvSource({"mallory-function", "portcullis-remediator-copy", "Portcullis-Remediator", "alice@example.com"})
    void theWorkerRoleInAnyOtherSessionIsJudgedLikeAnyoneAndTheIncidentSaysTheRoleWasBorrowed(String session)
            throws Exception {
        groupTagged("production");

        DetectionResult result = detector().handle(withSession(session));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().findings()).extracting(f -> f.ruleId())
                    .containsExactly("sg-ingress-sensitive-port-public");
            assertThat(o.incident().timeline().get(0).detail()).contains("Portcullis' own role " + WORKER_ROLE
                    + " was used outside its function (session '" + session + "', not '" + WORKER_FUNCTION + "')");
            assertThat(o.queued()).isTrue();
        });
    }

    @Test
    void withoutTheWorkersFunctionNameEveryHolderOfTheRoleIsTakenForPortcullisAsBefore() throws Exception {
        groupTagged("production");

        DetectionResult result = detector(Accounts.none()).handle(withSession("mallory-function"));

        assertThat(result).isInstanceOf(DetectionResult.Ignored.class);
    }

    @Test
    void inAProductionAccountADevTagDoesNotTurnContainmentIntoAnApproval() {
        groupTagged("dev");

        DetectionResult result = detector(new Accounts(Map.of(ACCOUNT, Environment.PRODUCTION)))
                .handle(Fixtures.bytes(CONSOLE_SSH));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().environment()).isEqualTo("production");
            assertThat(o.incident().priority()).isEqualTo(Priority.P1);
            assertThat(o.incident().response()).isEqualTo(Response.AUTO);
            assertThat(o.incident().timeline().get(0).detail()).contains("environment tag says non-production, but account "
                    + ACCOUNT + " is marked production");
        });
    }

    @Test
    void inAnUnmarkedAccountTheTagStillDecides() {
        groupTagged("dev");

        DetectionResult result = detector(Accounts.none()).handle(Fixtures.bytes(CONSOLE_SSH));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().environment()).isEqualTo("non-production");
            assertThat(o.incident().response()).isNotEqualTo(Response.AUTO);
            assertThat(o.incident().timeline().get(0).detail()).doesNotContain("marked production");
        });
    }

    @Test
    void writingTheKillSwitchPagesWithWhoAndWhenAndOpensNoIncident() {
        DetectionResult result = detector().handle(Fixtures.bytes("cloudtrail/ssm-put-parameter-kill-switch-cli.json"));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.KillSwitchChanged.class, k -> assertThat(k.actor())
                .isEqualTo("arn:aws:sts::123456789012:assumed-role/Developer/dev-mallory"));
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Pager.KILL_SWITCH_CHANGED);
            assertThat(p.account()).isEqualTo(ACCOUNT);
            assertThat(p.at()).isEqualTo(Instant.parse("2026-11-25T03:50:12Z"));
            assertThat(p.text()).contains("Kill switch " + KILL_SWITCH + " was overwritten by "
                    + "arn:aws:sts::123456789012:assumed-role/Developer/dev-mallory (AssumedRole, from 198.51.100.23)"
                    + " at 2026-11-25T03:50:12Z").contains("CloudTrail does not record the new value");
        });
        assertThat(incidents.size()).isZero();
        assertThat(DetectChange.describe(result)).containsEntry("outcome", "kill-switch-changed");
    }

    @Test
    void deletingTheKillSwitchPagesWithWhoDidIt() {
        DetectionResult result = detector().handle(
                Fixtures.bytes("cloudtrail/ssm-delete-parameter-kill-switch-console.json"));

        assertThat(result).isInstanceOf(DetectionResult.KillSwitchChanged.class);
        assertThat(pages).singleElement().satisfies(p -> assertThat(p.text())
                .contains("was deleted by arn:aws:iam::123456789012:user/ops-bob (IAMUser, from 203.0.113.77)")
                .contains("A missing switch reads as dry-run"));
    }

    @Test
    void aValueTheEventCarriesIsNamedAndTheSwitchMayBeNamedByItsArn() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(
                Fixtures.bytes("cloudtrail/ssm-put-parameter-kill-switch-cli.json"));
        ((ObjectNode) event.path("detail").path("requestParameters"))
                .put("name", "arn:aws:ssm:us-east-1:123456789012:parameter" + KILL_SWITCH).put("value", "dry-run");

        DetectionResult result = detector().handle(Json.mapper().writeValueAsBytes(event));

        assertThat(result).isInstanceOf(DetectionResult.KillSwitchChanged.class);
        assertThat(pages).singleElement().satisfies(p -> assertThat(p.text()).contains("was set to 'dry-run' by"));
    }

    @Test
    void anyOtherParameterIsIgnoredWithoutAPage() {
        DetectionResult result = detector().handle(Fixtures.bytes("cloudtrail/ssm-put-parameter-other-cli.json"));

        assertThat(result).isInstanceOf(DetectionResult.Ignored.class);
        assertThat(pages).isEmpty();
    }

    @Test
    void theSameNameInAnotherAccountIsNotThisStacksSwitch() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(
                Fixtures.bytes("cloudtrail/ssm-put-parameter-kill-switch-cli.json"));
        ((ObjectNode) event.path("detail")).put("recipientAccountId", "444455556666");

        DetectionResult result = detector().handle(Json.mapper().writeValueAsBytes(event));

        assertThat(result).isInstanceOf(DetectionResult.Ignored.class);
        assertThat(pages).isEmpty();
    }

    @Test
    void settingOneAccountsOwnSwitchPagesNamingTheAccountItGoverns() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(
                Fixtures.bytes("cloudtrail/ssm-put-parameter-kill-switch-cli.json"));
        ((ObjectNode) event.path("detail").path("requestParameters"))
                .put("name", KILL_SWITCH + "/111122223333").put("value", "dry-run");

        DetectionResult result = detector().handle(Json.mapper().writeValueAsBytes(event));

        assertThat(result).isInstanceOf(DetectionResult.KillSwitchChanged.class);
        assertThat(incidents.size()).isZero();
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Pager.KILL_SWITCH_CHANGED);
            assertThat(p.account()).isEqualTo("111122223333");
            assertThat(p.text()).contains("Kill switch " + KILL_SWITCH + "/111122223333 of account 111122223333 alone"
                    + " was set to 'dry-run' by arn:aws:sts::123456789012:assumed-role/Developer/dev-mallory")
                    .contains("Portcullis changes nothing in account 111122223333")
                    .doesNotContain("in any account");
        });
    }

    @Test
    void deletingOneAccountsSwitchSaysTheAccountFollowsTheGlobalOneAgain() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(
                Fixtures.bytes("cloudtrail/ssm-delete-parameter-kill-switch-console.json"));
        ((ObjectNode) event.path("detail").path("requestParameters")).put("name", KILL_SWITCH + "/111122223333");

        detector().handle(Json.mapper().writeValueAsBytes(event));

        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.account()).isEqualTo("111122223333");
            assertThat(p.text()).contains("was deleted by arn:aws:iam::123456789012:user/ops-bob")
                    .contains("Account 111122223333 follows the global kill switch again")
                    .doesNotContain("A missing switch reads as dry-run");
        });
    }

    @Test
    void deletingSeveralSwitchesAtOnceNamesEachTheGlobalOneFirst() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(
                Fixtures.bytes("cloudtrail/ssm-delete-parameter-kill-switch-console.json"));
        ObjectNode detail = (ObjectNode) event.path("detail");
        detail.put("eventName", "DeleteParameters");
        ObjectNode request = detail.putObject("requestParameters");
        request.putArray("names").add(KILL_SWITCH + "/111122223333").add("/portcullis/other").add(KILL_SWITCH);

        DetectionResult result = detector().handle(Json.mapper().writeValueAsBytes(event));

        assertThat(result).isInstanceOf(DetectionResult.KillSwitchChanged.class);
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.account()).isEqualTo(ACCOUNT);
            assertThat(p.text()).startsWith("Kill switch " + KILL_SWITCH + " was deleted")
                    .contains("Kill switch " + KILL_SWITCH + "/111122223333 of account 111122223333 alone was deleted")
                    .doesNotContain("/portcullis/other");
        });
    }

    @Test
    void onlyAnAccountIdAfterTheSwitchsNameIsAnAccountsSwitch() throws Exception {
        for (String name : List.of(KILL_SWITCH + "/staging", KILL_SWITCH + "/11112222333", KILL_SWITCH + "-old",
                KILL_SWITCH + "/111122223333/x")) {
            ObjectNode event = (ObjectNode) Json.mapper().readTree(
                    Fixtures.bytes("cloudtrail/ssm-put-parameter-kill-switch-cli.json"));
            ((ObjectNode) event.path("detail").path("requestParameters")).put("name", name);

            assertThat(detector().handle(Json.mapper().writeValueAsBytes(event))).as(name)
                    .isInstanceOf(DetectionResult.Ignored.class);
        }
        assertThat(pages).isEmpty();
    }

    @Test
    void anAccountsSwitchWrittenInThatAccountItselfIsNotPortcullisSwitch() throws Exception {
        // A member account writing a parameter of that name in its own account changes nothing Portcullis reads.
        ObjectNode event = (ObjectNode) Json.mapper().readTree(
                Fixtures.bytes("cloudtrail/ssm-put-parameter-kill-switch-cli.json"));
        ((ObjectNode) event.path("detail")).put("recipientAccountId", "111122223333");
        ((ObjectNode) event.path("detail").path("requestParameters")).put("name", KILL_SWITCH + "/111122223333");

        assertThat(detector().handle(Json.mapper().writeValueAsBytes(event))).isInstanceOf(DetectionResult.Ignored.class);
        assertThat(pages).isEmpty();
    }

    @Test
    void aPageThatCannotBeSentFailsTheEventSoItIsRetried() {
        DetectChange detect = detector(Accounts.none()).watchingKillSwitch(KILL_SWITCH)
                .withSafeguards(KillSwitch.NONE, null, null, page -> {
                    throw new IllegalStateException("alert queue unavailable");
                });

        assertThatThrownBy(() -> detect.handle(Fixtures.bytes("cloudtrail/ssm-put-parameter-kill-switch-cli.json")))
                .hasMessageContaining("alert queue unavailable");
    }
}
