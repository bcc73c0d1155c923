package io.portcullis.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.playbook.Directory;
import io.portcullis.playbook.PlaybookWorker;
import io.portcullis.playbook.SecurityGroupActions;
import io.portcullis.playbook.StepOutcome;
import io.portcullis.playbook.StepRequest;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Protocol;
import io.portcullis.protocol.Response;
import io.portcullis.protocol.TimeoutAction;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.RuleSet;
import io.portcullis.safeguard.BlastRadiusBreaker;
import io.portcullis.safeguard.KillSwitch;
import io.portcullis.safeguard.Pager;
import io.portcullis.safeguard.Safeguards;
import io.portcullis.safeguard.ThrottledHeartbeat;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryApprovals;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySafeguards;
import io.portcullis.testing.InMemorySecurityGroups;
import io.portcullis.testing.RecordingNotifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The safeguards inside the pipeline, over in-memory ports: kill switch, blast-radius breaker, heartbeat, pages. */
class SafeguardsInDetectionTest {

    static final String ACCOUNT = "123456789012";
    static final Safeguards.Breaker TWO_IN_TEN_MINUTES = new Safeguards.Breaker(2, Duration.ofMinutes(10),
            Duration.ofMinutes(30), TimeoutAction.ESCALATE);

    final InMemoryIncidentStore incidents = new InMemoryIncidentStore();
    final InMemorySecurityGroups groups = new InMemorySecurityGroups();
    final InMemorySafeguards safeguards = new InMemorySafeguards();
    final InMemoryApprovals approvals = new InMemoryApprovals();
    final RecordingNotifier slack = new RecordingNotifier();
    final Map<String, ObjectNode> started = new LinkedHashMap<>();
    final List<Pager.Page> pages = new ArrayList<>();
    final AtomicReference<KillSwitch.Position> switchAt = new AtomicReference<>(
            new KillSwitch.Position(RemediationMode.ENFORCE, "kill switch /p/kill-switch is set to enforce"));
    /** Accounts' own kill switches (absent: the account follows the global one). */
    final Map<String, KillSwitch.Position> ownSwitch = new java.util.concurrent.ConcurrentHashMap<>();
    Safeguards.Breaker breakerConfig = TWO_IN_TEN_MINUTES;
    final Clock clock = Clock.fixed(Instant.parse("2026-11-25T03:42:09Z"), ZoneOffset.UTC);
    int ids;

    DetectChange detector() {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups,
                io.portcullis.remediation.ResourceTags.NONE, incidents, (incident, input) -> {
                    started.put(incident.incidentId(), input);
                    return true;
                }, clock, RemediationMode.ENFORCE, Set.of())
                .withSafeguards(KillSwitch.perAccount(switchAt::get, a -> Optional.ofNullable(ownSwitch.get(a))),
                        new BlastRadiusBreaker(safeguards, breakerConfig),
                        new ThrottledHeartbeat(safeguards), pages::add);
    }

    PlaybookWorker worker() {
        return new PlaybookWorker(incidents, approvals, slack, Directory.NONE, new SecurityGroupActions(groups, groups),
                List.of(), clock, RemediationMode.ENFORCE, Set.of("UONCALL"), () -> "apv-" + (++ids))
                .withKillSwitch(KillSwitch.perAccount(switchAt::get, a -> Optional.ofNullable(ownSwitch.get(a))));
    }

    /** SSH opened to the world on production group {@code sg-…n}, which exists in memory with that rule. */
    byte[] sshOpenedOn(int n) throws Exception {
        return sshOpenedOn(n, ACCOUNT);
    }

    /** The same in {@code account}. */
    byte[] sshOpenedOn(int n, String account) throws Exception {
        String group = String.format("sg-%017d", n);
        String rule = String.format("sgr-%017d", n);
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(group, account, "us-east-1"), "web-" + n,
                Map.of("environment", "production"), List.of(new IngressRule(rule, IpProtocol.TCP,
                new PortRange(22, 22), Cidr.parse("0.0.0.0/0"), null, null))));
        ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        ObjectNode detail = (ObjectNode) event.path("detail");
        detail.put("eventID", "00000000-0000-4000-8000-" + String.format("%012d", n));
        detail.put("recipientAccountId", account);
        event.put("account", account);
        ((ObjectNode) detail.path("requestParameters")).put("groupId", group);
        for (var item : (ArrayNode) detail.at("/responseElements/securityGroupRuleSet/items")) {
            ((ObjectNode) item).put("groupId", group).put("securityGroupRuleId", rule);
        }
        return Json.mapper().writeValueAsBytes(event);
    }

    StepOutcome step(String incidentId, String name, String type, String extra) {
        ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "token-" + name).put("incidentId", incidentId)
                .put("playbook", "security-group-ingress").put("step", name).put("type", type);
        if (extra != null) {
            body.put("action", extra);
            body.putObject("snapshot");
        }
        return worker().run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());
    }

    /** The automatic path of the security-group playbook. */
    void runAutomatic(String incidentId) {
        step(incidentId, "Snapshot", "snapshot", null);
        step(incidentId, "RevokeOffendingIngress", "remediate", "revoke-ingress");
        step(incidentId, "Verify", "verify", null);
        step(incidentId, "Resolve", "resolve", null);
    }

    @Test
    void moreAutomaticRemediationsThanTheBreakerAllowsWaitForApprovalAndPageOnce() throws Exception {
        DetectChange detect = detector();
        List<Incident> opened = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            opened.add(((DetectionResult.Opened) detect.handle(sshOpenedOn(n))).incident());
        }

        assertThat(opened).extracting(Incident::priority).containsOnly(Priority.P1);
        assertThat(opened.subList(0, 2)).extracting(Incident::response).containsOnly(Response.AUTO);
        assertThat(opened.subList(2, 4)).extracting(Incident::response).containsOnly(Response.APPROVAL);
        assertThat(opened.get(2).outcome()).contains("Blast-radius breaker open for account " + ACCOUNT)
                .contains("more than 2 automatic remediations within 10 min");
        assertThat(opened.get(2).resolution()).isNull();
        // The held-back incidents get the breaker's gate, not the automatic row's.
        assertThat(started.get(opened.get(2).incidentId()).path("response").asText()).isEqualTo("approval");
        assertThat(started.get(opened.get(2).incidentId()).path("approval").path("timeoutSeconds").asLong())
                .isEqualTo(1800);
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Pager.BREAKER_OPEN);
            assertThat(p.account()).isEqualTo(ACCOUNT);
            assertThat(p.incidentId()).isEqualTo(opened.get(2).incidentId());
        });
    }

    @Test
    void theKillSwitchTurnsTheNextIncidentIntoDryRunWithoutARedeploy() throws Exception {
        DetectChange detect = detector();
        Incident before = ((DetectionResult.Opened) detect.handle(sshOpenedOn(1))).incident();

        switchAt.set(new KillSwitch.Position(RemediationMode.DRY_RUN, "kill switch /p/kill-switch is set to dry-run"));
        Incident after = ((DetectionResult.Opened) detect.handle(sshOpenedOn(2))).incident();
        runAutomatic(after.incidentId());

        assertThat(before.mode()).isEqualTo(RemediationMode.ENFORCE);
        assertThat(after.mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(after.outcome()).contains("dry-run mode (kill switch /p/kill-switch is set to dry-run)");
        assertThat(groups.revokeCalls).isEmpty();
        assertThat(incidents.find(after.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.DRY_RUN);
        // A dry-run remediation takes no breaker slot.
        assertThat(safeguards.held(ACCOUNT, clock.instant())).isEqualTo(1);
    }

    @Test
    void anIncidentAlreadyRunningTurnsDryRunWhenTheSwitchFlipsBeforeItChangedAnything() throws Exception {
        Incident incident = ((DetectionResult.Opened) detector().handle(sshOpenedOn(1))).incident();
        step(incident.incidentId(), "Snapshot", "snapshot", null);

        switchAt.set(new KillSwitch.Position(RemediationMode.DRY_RUN,
                "kill switch /p/kill-switch cannot be read (AccessDenied), so dry-run to be safe"));
        step(incident.incidentId(), "RevokeOffendingIngress", "remediate", "revoke-ingress");
        step(incident.incidentId(), "Verify", "verify", null);
        step(incident.incidentId(), "Resolve", "resolve", null);

        Incident after = incidents.find(incident.incidentId()).orElseThrow();
        assertThat(groups.revokeCalls).isEmpty();
        assertThat(after.mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(after.status()).isEqualTo(IncidentStatus.DRY_RUN);
        assertThat(after.timeline()).anySatisfy(t -> {
            assertThat(t.step()).isEqualTo("kill-switch");
            assertThat(t.detail()).contains("cannot be read (AccessDenied)");
        });
    }

    @Test
    void anIncidentThatAlreadyChangedTheResourceFinishesWhatItStarted() throws Exception {
        Incident incident = ((DetectionResult.Opened) detector().handle(sshOpenedOn(1))).incident();
        step(incident.incidentId(), "Snapshot", "snapshot", null);
        step(incident.incidentId(), "RevokeOffendingIngress", "remediate", "revoke-ingress");

        switchAt.set(new KillSwitch.Position(RemediationMode.DRY_RUN, "kill switch /p/kill-switch is set to dry-run"));
        step(incident.incidentId(), "Verify", "verify", null);
        step(incident.incidentId(), "Resolve", "resolve", null);

        Incident after = incidents.find(incident.incidentId()).orElseThrow();
        assertThat(groups.revokeCalls).hasSize(1);
        assertThat(after.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(after.verifiedAt()).isNotNull();
    }

    @Test
    void everyReadableEventBeatsItsAccountsHeartbeatEvenOneThatChangesNothing() throws Exception {
        DetectChange detect = detector();

        detect.handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-failed.json"));
        detect.handle(Fixtures.bytes("invalid/truncated-json.json"));

        assertThat(safeguards.feeds()).singleElement().satisfies(f -> {
            assertThat(f.account()).isEqualTo(ACCOUNT);
            assertThat(f.lastSeen()).isEqualTo(clock.instant());
        });
    }

    @Test
    void theWorkerPostsAPageAboutAnIncidentOnceHoweverOftenItIsDelivered() throws Exception {
        Incident incident = ((DetectionResult.Opened) detector().handle(sshOpenedOn(1))).incident();
        String page = Json.mapper().createObjectNode().put("type", "page").put("incidentId", incident.incidentId())
                .put("kind", Pager.BREAKER_OPEN).put("text", "Blast-radius breaker open for account " + ACCOUNT)
                .toString();

        StepOutcome first = worker().run(StepRequest.parse(page, new StringBuilder()).orElseThrow());
        StepOutcome again = worker().run(StepRequest.parse(page, new StringBuilder()).orElseThrow());

        assertThat(first).isInstanceOf(StepOutcome.Finished.class);
        assertThat(again).isInstanceOfSatisfying(StepOutcome.Finished.class,
                f -> assertThat(f.detail()).contains("already paged"));
        assertThat(slack.sent).filteredOn(m -> m.startsWith("alert:")).singleElement()
                .satisfies(m -> assertThat(m).contains("Blast-radius breaker open"));
    }

    @Test
    void anApprovedIncidentChangesNothingWhenTheSwitchWasFlippedWhileItWaited() throws Exception {
        // A P2 (CLI origin): waits for approval.
        Incident incident = ((DetectionResult.Opened) detector().handle(Fixtures.bytes(
                "cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json"))).incident();
        groups.put(new SecurityGroupState(incident.resource(), "web", Map.of("environment", "production"),
                incident.findings().get(0).evidence()));
        assertThat(incident.response()).isEqualTo(Response.APPROVAL);
        step(incident.incidentId(), "Snapshot", "snapshot", null);

        switchAt.set(new KillSwitch.Position(RemediationMode.DRY_RUN, "kill switch /p/kill-switch is set to dry-run"));
        // On-call approves (the gate's answer resumes the execution at the remediate step).
        step(incident.incidentId(), "RevokeOffendingIngress", "remediate", "revoke-ingress");
        step(incident.incidentId(), "Resolve", "resolve", null);

        assertThat(groups.revokeCalls).isEmpty();
        assertThat(incidents.find(incident.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.DRY_RUN);
    }

    static final String B = "111122223333";

    @Test
    void oneAccountInDryRunAloneRecordsItsIncidentsDryRunAndTheOthersStillEnforce() throws Exception {
        ownSwitch.put(B, new KillSwitch.Position(RemediationMode.DRY_RUN,
                "kill switch /p/kill-switch/" + B + " is set to dry-run"));
        DetectChange detect = detector();

        Incident inB = ((DetectionResult.Opened) detect.handle(sshOpenedOn(1, B))).incident();
        Incident inHub = ((DetectionResult.Opened) detect.handle(sshOpenedOn(2, ACCOUNT))).incident();
        runAutomatic(inB.incidentId());
        runAutomatic(inHub.incidentId());

        assertThat(inB.mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(inB.outcome()).contains("dry-run mode (kill switch /p/kill-switch/" + B + " is set to dry-run)");
        assertThat(inHub.mode()).isEqualTo(RemediationMode.ENFORCE);
        assertThat(incidents.find(inB.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.DRY_RUN);
        assertThat(incidents.find(inHub.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        // Only the hub's group lost its rule; B's dry-run took no breaker slot.
        assertThat(groups.revokeCalls).containsExactly(List.of(String.format("sgr-%017d", 2)));
        assertThat(safeguards.held(B, clock.instant())).isZero();
    }

    @Test
    void theWorkerChecksTheSwitchOfTheIncidentsAccountBeforeTheChange() throws Exception {
        DetectChange detect = detector();
        Incident inB = ((DetectionResult.Opened) detect.handle(sshOpenedOn(1, B))).incident();
        Incident inHub = ((DetectionResult.Opened) detect.handle(sshOpenedOn(2, ACCOUNT))).incident();
        step(inB.incidentId(), "Snapshot", "snapshot", null);
        step(inHub.incidentId(), "Snapshot", "snapshot", null);

        // B is put in dry-run alone after detection, before the change.
        ownSwitch.put(B, new KillSwitch.Position(RemediationMode.DRY_RUN,
                "kill switch /p/kill-switch/" + B + " is set to dry-run"));
        for (Incident i : List.of(inB, inHub)) {
            step(i.incidentId(), "RevokeOffendingIngress", "remediate", "revoke-ingress");
            step(i.incidentId(), "Verify", "verify", null);
            step(i.incidentId(), "Resolve", "resolve", null);
        }

        assertThat(incidents.find(inB.incidentId()).orElseThrow()).satisfies(i -> {
            assertThat(i.mode()).isEqualTo(RemediationMode.DRY_RUN);
            assertThat(i.status()).isEqualTo(IncidentStatus.DRY_RUN);
            assertThat(i.timeline()).anySatisfy(t -> assertThat(t.detail())
                    .contains("kill switch /p/kill-switch/" + B + " is set to dry-run"));
        });
        assertThat(incidents.find(inHub.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(groups.revokeCalls).containsExactly(List.of(String.format("sgr-%017d", 2)));
    }

    @Test
    void anAccountsEnforceDoesNotOverrideTheGlobalDryRun() throws Exception {
        switchAt.set(new KillSwitch.Position(RemediationMode.DRY_RUN, "kill switch /p/kill-switch is set to dry-run"));
        ownSwitch.put(B, new KillSwitch.Position(RemediationMode.ENFORCE,
                "kill switch /p/kill-switch/" + B + " is set to enforce"));

        Incident inB = ((DetectionResult.Opened) detector().handle(sshOpenedOn(1, B))).incident();

        assertThat(inB.mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(inB.outcome()).contains("(kill switch /p/kill-switch is set to dry-run)");
    }

    @Test
    void oneAccountsBreakerTripDoesNotHoldBackAnotherAccount() throws Exception {
        DetectChange detect = detector();
        List<Incident> inB = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            inB.add(((DetectionResult.Opened) detect.handle(sshOpenedOn(n, B))).incident());
        }
        Incident inHub = ((DetectionResult.Opened) detect.handle(sshOpenedOn(4, ACCOUNT))).incident();

        assertThat(inB).extracting(Incident::response).containsExactly(Response.AUTO, Response.AUTO, Response.APPROVAL);
        assertThat(inB.get(2).outcome()).contains("Blast-radius breaker open for account " + B);
        assertThat(inHub.response()).isEqualTo(Response.AUTO);
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Pager.BREAKER_OPEN);
            assertThat(p.account()).isEqualTo(B);
        });
    }

    @Test
    void theLimitAcrossAllAccountsHoldsBackEveryAccountAndPagesSayingSo() throws Exception {
        breakerConfig = new Safeguards.Breaker(2, Duration.ofMinutes(10), Duration.ofMinutes(30),
                TimeoutAction.ESCALATE, new Safeguards.Limit(3, Duration.ofMinutes(10)));
        DetectChange detect = detector();
        List<Incident> opened = new ArrayList<>();
        opened.add(((DetectionResult.Opened) detect.handle(sshOpenedOn(1, B))).incident());
        opened.add(((DetectionResult.Opened) detect.handle(sshOpenedOn(2, B))).incident());
        opened.add(((DetectionResult.Opened) detect.handle(sshOpenedOn(3, ACCOUNT))).incident());
        opened.add(((DetectionResult.Opened) detect.handle(sshOpenedOn(4, ACCOUNT))).incident());
        opened.add(((DetectionResult.Opened) detect.handle(sshOpenedOn(5, "222233334444"))).incident());

        assertThat(opened).extracting(Incident::response).containsExactly(Response.AUTO, Response.AUTO, Response.AUTO,
                Response.APPROVAL, Response.APPROVAL);
        assertThat(opened.get(3).outcome()).contains("Blast-radius breaker open for all accounts: more than 3 automatic"
                + " remediations within 10 min across all accounts together (this one in account " + ACCOUNT + ")");
        // The held-back incidents get the breaker's gate.
        assertThat(started.get(opened.get(4).incidentId()).path("response").asText()).isEqualTo("approval");
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Pager.BREAKER_OPEN);
            assertThat(p.text()).contains("for all accounts").contains("in every account asks on-call first");
            assertThat(p.incidentId()).isEqualTo(opened.get(3).incidentId());
        });
    }
}
