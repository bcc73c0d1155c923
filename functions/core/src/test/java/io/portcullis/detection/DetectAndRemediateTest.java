package io.portcullis.detection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.playbook.Directory;
import io.portcullis.playbook.PlaybookWorker;
import io.portcullis.playbook.SecurityGroupActions;
import io.portcullis.playbook.StepOutcome;
import io.portcullis.playbook.StepRequest;
import io.portcullis.testing.InMemoryApprovals;
import io.portcullis.testing.RecordingNotifier;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Protocol;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.RuleSet;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The two use cases over in-memory ports: the pipeline's decisions, without any AWS. */
class DetectAndRemediateTest {

    static final String SG = "sg-0a1b2c3d4e5f60001";
    static final String OWN_ROLE = "arn:aws:iam::123456789012:role/portcullis-remediator";
    static final IngressRule HARMLESS = new IngressRule("sgr-harmless", IpProtocol.TCP, new PortRange(443, 443),
            Cidr.parse("10.20.0.0/16"), null, "HTTPS from the VPC");
    static final IngressRule SSH_WORLD = new IngressRule("sgr-0f1e2d3c4b5a60001", IpProtocol.TCP, new PortRange(22, 22),
            Cidr.parse("0.0.0.0/0"), null, "temporary debug access");

    final InMemoryIncidentStore incidents = new InMemoryIncidentStore();
    final InMemorySecurityGroups groups = new InMemorySecurityGroups();
    final List<String> queue = new ArrayList<>();
    final Clock clock = Clock.fixed(Instant.parse("2026-11-25T03:42:09Z"), ZoneOffset.UTC);

    final InMemoryApprovals approvals = new InMemoryApprovals();
    final RecordingNotifier slack = new RecordingNotifier();
    int ids;

    DetectChange detector(RemediationMode mode) {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups, io.portcullis.remediation.ResourceTags.NONE, incidents, this::start, clock, mode, Set.of(OWN_ROLE));
    }

    boolean start(Incident incident, ObjectNode input) {
        queue.add(incident.incidentId());
        return true;
    }

    PlaybookWorker worker(RemediationMode mode) {
        return new PlaybookWorker(incidents, approvals, slack, Directory.NONE, new SecurityGroupActions(groups, groups),
                List.of(), clock, mode, Set.of("UONCALL"), () -> "apv-" + (++ids));
    }

    /**
     * Runs the automatic path of playbooks/security-group-ingress.yaml in memory, step by step, as its state machine
     * would: each step's message carries what earlier steps returned (snapshot, Slack thread). Stops at a failure.
     */
    StepOutcome remediate(String incidentId, RemediationMode workerMode) {
        PlaybookWorker worker = worker(workerMode);
        ObjectNode state = Json.mapper().createObjectNode();
        state.putObject("slack");
        state.putObject("snapshot");
        boolean dryRun = incidents.find(incidentId).orElseThrow().mode() == RemediationMode.DRY_RUN;
        StepOutcome last = null;
        for (String[] step : new String[][] {{"Snapshot", "snapshot"}, {"NotifyOnCall", "notify"},
                {"RevokeOffendingIngress", "remediate"}, {"Verify", "verify"}, {"Resolve", "resolve"}}) {
            ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "token-" + step[0])
                    .put("incidentId", incidentId).put("playbook", "security-group-ingress").put("step", step[0])
                    .put("type", step[1]).put("dryRun", dryRun);
            if (step[1].equals("remediate")) {
                body.put("action", "revoke-ingress");
                body.set("snapshot", state.get("snapshot"));
            }
            body.set("slack", state.get("slack"));
            last = worker.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());
            if (!(last instanceof StepOutcome.Done done)) {
                return last;
            }
            if (step[1].equals("snapshot")) {
                state.set("snapshot", done.output());
            } else if (step[1].equals("notify")) {
                state.set("slack", done.output());
            }
        }
        return last;
    }

    Incident incident(String id) {
        return incidents.find(id).orElseThrow();
    }

    @BeforeEach
    void productionGroupWithTheOffendingRule() {
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"), "web-prod",
                Map.of("environment", "production"), List.of(HARMLESS, SSH_WORLD)));
    }

    @Test
    void aConsoleChangeOnProductionIsP1AndRemediatedOnceHoweverOftenItIsDelivered() {
        byte[] event = Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json");

        DetectionResult first = detector(RemediationMode.ENFORCE).handle(event);
        DetectionResult again = detector(RemediationMode.ENFORCE).handle(event);

        assertThat(first).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().priority()).isEqualTo(Priority.P1);
            assertThat(o.incident().environment()).isEqualTo("production");
            assertThat(o.queued()).isTrue();
        });
        assertThat(again).isInstanceOf(DetectionResult.Duplicate.class);
        assertThat(incidents.size()).isEqualTo(1);
        // The redelivery came before remediation ran, so the incident is handed over again (had the first send been
        // lost, this is what saves it); remediation still acts once.
        assertThat(queue).hasSize(2).containsOnly(((DetectionResult.Opened) first).incident().incidentId());
        queue.forEach(id -> remediate(id, RemediationMode.ENFORCE));
        assertThat(groups.revokeCalls).hasSize(1);
        assertThat(detector(RemediationMode.ENFORCE).handle(event)).isInstanceOf(DetectionResult.Duplicate.class);
        assertThat(queue).as("once resolved, a redelivery hands nothing over").hasSize(2);
    }

    /**
     * The detector found the problem's incident open, but it finished before the repeat was written: the repeat opens
     * a new incident and nothing is written onto the finished one (the detector never finishes an incident, so it
     * never needs to give up a problem's claim).
     */
    @Test
    void aRepeatOfAProblemWhoseIncidentJustFinishedOpensANewIncident() throws Exception {
        productionGroupWithTheOffendingRule();
        ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        Incident first = ((DetectionResult.Opened) detector(RemediationMode.ENFORCE)
                .handle(Json.mapper().writeValueAsBytes(event))).incident();
        List<Incident> seenOpen = incidents.forResource(first.resourceKey());
        incidents.replace(first.next(IncidentStatus.RESOLVED, new io.portcullis.incident.TimelineEntry(clock.instant(),
                "Resolve", "test", "fixed")), first.version());
        io.portcullis.incident.IncidentStore stale = new io.portcullis.incident.IncidentStore() {
            public Creation create(Incident i) { return incidents.create(i); }
            public java.util.Optional<Incident> find(String id) { return incidents.find(id); }
            public boolean replace(Incident u, long v) { return incidents.replace(u, v); }
            public Attachment attach(Incident u, long v, String e, Instant at) { return incidents.attach(u, v, e, at); }
            public java.util.Optional<String> attachedTo(String e) { return incidents.attachedTo(e); }
            public List<Incident> detectedBetween(Instant f, Instant t) { return incidents.detectedBetween(f, t); }
            public List<Incident> unfinished() { return incidents.unfinished(); }
            public List<Incident> forResource(String key) { return seenOpen; }
        };
        ((ObjectNode) event.path("detail")).put("eventID", "e1a2b3c4-0000-4000-8000-00000000beef");

        DetectionResult repeat = new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups,
                io.portcullis.remediation.ResourceTags.NONE, stale, this::start, clock, RemediationMode.ENFORCE,
                Set.of(OWN_ROLE)).handle(Json.mapper().writeValueAsBytes(event));

        assertThat(repeat).isInstanceOf(DetectionResult.Opened.class);
        Incident finished = incidents.find(first.incidentId()).orElseThrow();
        assertThat(finished.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(finished.occurrences()).isEqualTo(1);
        assertThat(incidents.size()).isEqualTo(2);
    }

    @Test
    void anIncidentWhoseHandOverFailedIsHandedOverOnRedelivery() {
        byte[] event = Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json");
        java.util.concurrent.atomic.AtomicBoolean sqsDown = new java.util.concurrent.atomic.AtomicBoolean(true);
        DetectChange detect = new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups,
                io.portcullis.remediation.ResourceTags.NONE, incidents, (incident, input) -> {
                    if (sqsDown.get()) {
                        throw new IllegalStateException("Step Functions unavailable");
                    }
                    return queue.add(incident.incidentId());
                }, clock, RemediationMode.ENFORCE, Set.of(OWN_ROLE));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> detect.handle(event)).hasMessageContaining("Step Functions");
        sqsDown.set(false);
        DetectionResult redelivered = detect.handle(event);

        assertThat(redelivered).isInstanceOf(DetectionResult.Duplicate.class);
        assertThat(queue).hasSize(1);
        assertThat(remediate(queue.get(0), RemediationMode.ENFORCE)).isInstanceOf(StepOutcome.Done.class);
        assertThat(groups.revokeCalls).hasSize(1);
    }

    @Test
    void aP1TakesOnlyItsOwnRuleNotAnotherFindingsThatNeedsApproval() throws Exception {
        var event = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper()
                .readTree(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        var items = (com.fasterxml.jackson.databind.node.ArrayNode) event.at("/detail/requestParameters/ipPermissions/items");
        items.addObject().put("ipProtocol", "tcp").put("fromPort", 443).put("toPort", 443)
                .putObject("ipRanges").putArray("items").addObject().put("cidrIp", "0.0.0.0/0");
        ((com.fasterxml.jackson.databind.node.ArrayNode) event.at("/detail/responseElements/securityGroupRuleSet/items"))
                .addObject().put("groupId", SG).put("securityGroupRuleId", "sgr-https").put("isEgress", false)
                .put("ipProtocol", "tcp").put("fromPort", 443).put("toPort", 443).put("cidrIpv4", "0.0.0.0/0");
        IngressRule httpsWorld = new IngressRule("sgr-https", IpProtocol.TCP, new PortRange(443, 443),
                Cidr.parse("0.0.0.0/0"), null, null);
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"), "web-prod",
                Map.of("environment", "production"), List.of(HARMLESS, SSH_WORLD, httpsWorld)));

        DetectionResult result = detector(RemediationMode.ENFORCE).handle(Json.mapper().writeValueAsBytes(event));
        remediate(queue.get(0), RemediationMode.ENFORCE);

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().priority()).isEqualTo(Priority.P1);
            assertThat(o.incident().findings()).hasSize(2);
        });
        assertThat(groups.revokeCalls).containsExactly(List.of("sgr-0f1e2d3c4b5a60001"));
        assertThat(groups.describe(ResourceRef.securityGroup(SG, "123456789012", "us-east-1")).orElseThrow().ingress())
                .containsExactly(HARMLESS, httpsWorld);
    }

    @Test
    void remediationRevokesOnlyTheOffendingRuleAndIsIdempotent() {
        detector(RemediationMode.ENFORCE).handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        String id = queue.get(0);

        StepOutcome first = remediate(id, RemediationMode.ENFORCE);
        Incident afterFirst = incident(id);
        StepOutcome second = remediate(id, RemediationMode.ENFORCE);

        assertThat(groups.revokeCalls).containsExactly(List.of("sgr-0f1e2d3c4b5a60001"));
        assertThat(groups.describe(ResourceRef.securityGroup(SG, "123456789012", "us-east-1")).orElseThrow().ingress())
                .containsExactly(HARMLESS);
        assertThat(first).isInstanceOf(StepOutcome.Done.class);
        assertThat(afterFirst.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(afterFirst.detectedAt()).isNotNull();
        assertThat(afterFirst.remediatedAt()).isNotNull();
        assertThat(afterFirst.verifiedAt()).isNotNull();
        assertThat(afterFirst.resolvedAt()).isNotNull();
        assertThat(afterFirst.revokedRules()).containsExactly(SSH_WORLD);
        assertThat(afterFirst.timeline()).extracting(t -> t.step())
                .containsExactly("detected", "Snapshot", "NotifyOnCall", "actor-unknown" /* alice is not in Slack */,
                        "RevokeOffendingIngress" /* started */,
                        "RevokeOffendingIngress" /* revoked */, "Verify", "Resolve", "undo-offered");
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("undo apv-").contains("Revoked tcp port 22 from 0.0.0.0/0"));
        assertThat(second).isInstanceOf(StepOutcome.Done.class);
        assertThat(incident(id).timeline()).anySatisfy(t -> assertThat(t.detail()).contains("already gone"));
    }

    @Test
    void dryRunRecordsWhatItWouldRevokeAndChangesNothing() {
        detector(RemediationMode.DRY_RUN).handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));

        // Even an enforcing worker must not act on an incident recorded in dry-run.
        remediate(queue.get(0), RemediationMode.ENFORCE);

        Incident i = incident(queue.get(0));
        assertThat(groups.revokeCalls).isEmpty();
        assertThat(i.status()).isEqualTo(IncidentStatus.DRY_RUN);
        assertThat(i.remediatedAt()).isNull();
        assertThat(i.timeline()).anySatisfy(t -> assertThat(t.detail()).contains("Dry-run: would revoke tcp port 22"));
        assertThat(slack.sent).noneSatisfy(m -> assertThat(m).startsWith("undo"));
    }

    @Test
    void aRuleAlreadyUndoneIsNotFixedTwice() {
        detector(RemediationMode.ENFORCE).handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        groups.revokeIngress(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"), List.of(SSH_WORLD.ruleId()));
        groups.revokeCalls.clear();

        StepOutcome result = remediate(queue.get(0), RemediationMode.ENFORCE);

        assertThat(groups.revokeCalls).isEmpty();
        assertThat(result).isInstanceOf(StepOutcome.Done.class);
        Incident i = incident(queue.get(0));
        assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(i.remediatedAt()).isNull();
        assertThat(i.timeline()).anySatisfy(t -> assertThat(t.detail()).contains("already gone"));
    }

    @Test
    void undoPutsBackExactlyTheRevokedRuleOnce() {
        detector(RemediationMode.ENFORCE).handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        String id = queue.get(0);
        remediate(id, RemediationMode.ENFORCE);
        Approval offer = approvals.find("apv-1").orElseThrow();
        assertThat(offer.isUndo()).isTrue();
        approvals.decide(offer.decided(ApprovalStatus.APPROVED, "UONCALL", clock.instant(), null));
        String undo = Json.mapper().createObjectNode().put("type", "undo").put("incidentId", id)
                .put("undoId", "apv-1").put("by", "UONCALL").toString();

        StepOutcome first = worker(RemediationMode.ENFORCE).run(StepRequest.parse(undo, new StringBuilder()).orElseThrow());
        StepOutcome again = worker(RemediationMode.ENFORCE).run(StepRequest.parse(undo, new StringBuilder()).orElseThrow());

        assertThat(first).isInstanceOfSatisfying(StepOutcome.Finished.class,
                f -> assertThat(f.detail()).contains("Restored tcp port 22 from 0.0.0.0/0"));
        assertThat(again).isInstanceOfSatisfying(StepOutcome.Finished.class,
                f -> assertThat(f.detail()).isEqualTo("already undone"));
        assertThat(groups.restoreCalls).containsExactly(List.of(SSH_WORLD));
        assertThat(groups.describe(ResourceRef.securityGroup(SG, "123456789012", "us-east-1")).orElseThrow().ingress())
                .extracting(IngressRule::describe).containsExactlyInAnyOrder(HARMLESS.describe(), SSH_WORLD.describe());
        assertThat(incident(id).timeline()).last().satisfies(t -> {
            assertThat(t.step()).isEqualTo("undone");
            assertThat(t.actor()).isEqualTo("slack:UONCALL");
        });
    }

    @Test
    void anUndoNobodyDecidedIsRefused() {
        detector(RemediationMode.ENFORCE).handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        String id = queue.get(0);
        remediate(id, RemediationMode.ENFORCE);
        String undo = Json.mapper().createObjectNode().put("type", "undo").put("incidentId", id)
                .put("undoId", "apv-1").put("by", "UMALLORY").toString();

        StepOutcome result = worker(RemediationMode.ENFORCE).run(StepRequest.parse(undo, new StringBuilder()).orElseThrow());

        assertThat(result).isInstanceOfSatisfying(StepOutcome.Failed.class,
                f -> assertThat(f.error()).isEqualTo(StepOutcome.REFUSED));
        assertThat(groups.restoreCalls).isEmpty();
    }

    @Test
    void changesThatMustNotRemediateAreNotQueued() {
        DetectChange detect = detector(RemediationMode.ENFORCE);
        assertThat(detect.handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-failed.json")))
                .isInstanceOfSatisfying(DetectionResult.Ignored.class, i -> assertThat(i.reason()).contains("failed"));
        assertThat(detect.handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-by-portcullis.json")))
                .isInstanceOfSatisfying(DetectionResult.Ignored.class, i -> assertThat(i.reason()).contains(OWN_ROLE));
        assertThat(detect.handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-private-cidr-console.json")))
                .isInstanceOf(DetectionResult.Compliant.class);
        assertThat(detect.handle(Fixtures.bytes("cloudtrail/ec2-revoke-ssh-world-console.json")))
                .isInstanceOf(DetectionResult.Compliant.class);
        assertThat(detect.handle(Fixtures.bytes("cloudtrail/ec2-authorize-egress-world-console.json")))
                .isInstanceOf(DetectionResult.Compliant.class);
        assertThat(queue).isEmpty();
        assertThat(incidents.size()).isZero();
    }

    @Test
    void stoppingTheTrailIsP1AndStartsItsPlaybook() {
        DetectionResult result = detector(RemediationMode.ENFORCE)
                .handle(Fixtures.bytes("cloudtrail/cloudtrail-stop-logging-cli.json"));
        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().priority()).isEqualTo(Priority.P1);
            assertThat(o.incident().resource().id()).isEqualTo("org-management-events");
            assertThat(o.incident().decision().rowName()).isEqualTo("audit logging stopped, deleted or emptied");
            assertThat(o.queued()).isTrue();
        });
        assertThat(queue).hasSize(1);
    }

    @Test
    void aSuppressedFindingIsRecordedAndCountedButNotRemediated() throws Exception {
        var exceptions = io.portcullis.exception.Exceptions.fromTree(Json.mapper().readTree("""
                {"version": 1, "exceptions": [{"rule": "sg-ingress-sensitive-port-public", "resource": "sg-0a1b2c3d4e5f60001",
                  "owner": "bastion@example.com", "reason": "temporary bastion during the migration", "expires": "2026-12-31"}]}
                """), "exceptions.yaml");
        DetectChange detect = new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none(), exceptions), groups, io.portcullis.remediation.ResourceTags.NONE, incidents,
                this::start, clock, RemediationMode.ENFORCE, Set.of(OWN_ROLE));

        DetectionResult result = detect.handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().status()).isEqualTo(IncidentStatus.SUPPRESSED);
            assertThat(o.incident().findings()).isEmpty();
            assertThat(o.incident().suppressed()).singleElement()
                    .satisfies(s -> assertThat(s.exception().owner()).isEqualTo("bastion@example.com"));
            assertThat(o.incident().priority()).isEqualTo(Priority.P1);
            assertThat(o.queued()).isFalse();
        });
        assertThat(queue).isEmpty();
    }

    @Test
    void aModifiedRuleIsJudgedOnlyWhenTheLiveGroupSaysItIsIngress() {
        DetectChange detect = detector(RemediationMode.ENFORCE);
        // sgr-0f1e2d3c4b5a60009 is not among the group's ingress rules: an egress rule was modified.
        assertThat(detect.handle(Fixtures.bytes("cloudtrail/ec2-modify-security-group-rules-mysql-world-console.json")))
                .isInstanceOf(DetectionResult.Compliant.class);

        IngressRule modified = new IngressRule("sgr-0f1e2d3c4b5a60009", IpProtocol.TCP, new PortRange(3306, 3306),
                Cidr.parse("0.0.0.0/0"), null, "widened for the migration");
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"), "web-prod",
                Map.of("environment", "production"), List.of(HARMLESS, modified)));
        DetectionResult result = detector(RemediationMode.ENFORCE)
                .handle(Fixtures.bytes("cloudtrail/ec2-modify-security-group-rules-mysql-world-console.json"));
        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().priority()).isEqualTo(Priority.P1);
            assertThat(o.incident().findings()).singleElement().satisfies(f -> assertThat(f.explanation()).contains("MySQL"));
            assertThat(o.queued()).as("its playbook starts: the modification is put right, or a person is asked")
                    .isTrue();
        });
    }

    @Test
    void aCliChangeOnProductionWaitsForApproval() {
        DetectionResult result = detector(RemediationMode.ENFORCE)
                .handle(Fixtures.bytes("cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json"));
        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().priority()).isEqualTo(Priority.P2);
            assertThat(o.queued()).as("its playbook starts, and waits at the approval gate").isTrue();
            assertThat(o.incident().findings()).singleElement()
                    .satisfies(f -> assertThat(f.evidence()).extracting(IngressRule::source).containsExactly("::/0"));
        });
        assertThat(queue).hasSize(1);
    }
}
