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
    final Clock clock = Clock.fixed(Instant.parse("2026-11-25T03:42:09Z"), ZoneOffset.UTC);
    int ids;

    DetectChange detector() {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups,
                io.portcullis.remediation.ResourceTags.NONE, incidents, (incident, input) -> {
                    started.put(incident.incidentId(), input);
                    return true;
                }, clock, RemediationMode.ENFORCE, Set.of())
                .withSafeguards(switchAt::get, new BlastRadiusBreaker(safeguards, TWO_IN_TEN_MINUTES),
                        new ThrottledHeartbeat(safeguards), pages::add);
    }

    PlaybookWorker worker() {
        return new PlaybookWorker(incidents, approvals, slack, Directory.NONE, new SecurityGroupActions(groups, groups),
                List.of(), clock, RemediationMode.ENFORCE, Set.of("UONCALL"), () -> "apv-" + (++ids))
                .withKillSwitch(switchAt::get);
    }

    /** SSH opened to the world on production group {@code sg-…n}, which exists in memory with that rule. */
    byte[] sshOpenedOn(int n) throws Exception {
        String group = String.format("sg-%017d", n);
        String rule = String.format("sgr-%017d", n);
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(group, ACCOUNT, "us-east-1"), "web-" + n,
                Map.of("environment", "production"), List.of(new IngressRule(rule, IpProtocol.TCP,
                new PortRange(22, 22), Cidr.parse("0.0.0.0/0"), null, null))));
        ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        ObjectNode detail = (ObjectNode) event.path("detail");
        detail.put("eventID", "00000000-0000-4000-8000-" + String.format("%012d", n));
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
}
