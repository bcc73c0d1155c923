package io.portcullis.detection;

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
import io.portcullis.remediation.RemediateIncident;
import io.portcullis.remediation.RemediationResult;
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

    DetectChange detector(RemediationMode mode) {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups, io.portcullis.remediation.ResourceTags.NONE, incidents, queue::add, clock, mode, Set.of(OWN_ROLE));
    }

    RemediateIncident remediator(RemediationMode mode) {
        return new RemediateIncident(incidents, groups, groups, clock, mode);
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
        queue.forEach(id -> remediator(RemediationMode.ENFORCE).remediate(id));
        assertThat(groups.revokeCalls).hasSize(1);
        assertThat(detector(RemediationMode.ENFORCE).handle(event)).isInstanceOf(DetectionResult.Duplicate.class);
        assertThat(queue).as("once resolved, a redelivery hands nothing over").hasSize(2);
    }

    @Test
    void anIncidentWhoseHandOverFailedIsHandedOverOnRedelivery() {
        byte[] event = Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json");
        java.util.concurrent.atomic.AtomicBoolean sqsDown = new java.util.concurrent.atomic.AtomicBoolean(true);
        DetectChange detect = new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups,
                io.portcullis.remediation.ResourceTags.NONE, incidents, id -> {
                    if (sqsDown.get()) {
                        throw new IllegalStateException("SQS unavailable");
                    }
                    queue.add(id);
                }, clock, RemediationMode.ENFORCE, Set.of(OWN_ROLE));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> detect.handle(event)).hasMessageContaining("SQS");
        sqsDown.set(false);
        DetectionResult redelivered = detect.handle(event);

        assertThat(redelivered).isInstanceOf(DetectionResult.Duplicate.class);
        assertThat(queue).hasSize(1);
        assertThat(remediator(RemediationMode.ENFORCE).remediate(queue.get(0))).isInstanceOf(RemediationResult.Finished.class);
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
        remediator(RemediationMode.ENFORCE).remediate(queue.get(0));

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

        RemediationResult first = remediator(RemediationMode.ENFORCE).remediate(id);
        RemediationResult second = remediator(RemediationMode.ENFORCE).remediate(id);

        assertThat(groups.revokeCalls).containsExactly(List.of("sgr-0f1e2d3c4b5a60001"));
        assertThat(groups.describe(ResourceRef.securityGroup(SG, "123456789012", "us-east-1")).orElseThrow().ingress())
                .containsExactly(HARMLESS);
        assertThat(first).isInstanceOfSatisfying(RemediationResult.Finished.class, f -> {
            Incident i = f.incident();
            assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(i.detectedAt()).isNotNull();
            assertThat(i.remediatedAt()).isNotNull();
            assertThat(i.verifiedAt()).isNotNull();
            assertThat(i.timeline()).extracting(t -> t.step()).containsExactly("detected", "claimed", "remediated", "verified");
        });
        assertThat(second).isInstanceOf(RemediationResult.Skipped.class);
    }

    @Test
    void dryRunRecordsWhatItWouldRevokeAndChangesNothing() {
        detector(RemediationMode.DRY_RUN).handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));

        // Even an enforcing worker must not act on an incident recorded in dry-run.
        RemediationResult result = remediator(RemediationMode.ENFORCE).remediate(queue.get(0));

        assertThat(groups.revokeCalls).isEmpty();
        assertThat(result).isInstanceOfSatisfying(RemediationResult.Finished.class, f -> {
            assertThat(f.incident().status()).isEqualTo(IncidentStatus.DRY_RUN);
            assertThat(f.incident().remediatedAt()).isNull();
            assertThat(f.incident().revokedRules()).containsExactly(SSH_WORLD);
            assertThat(f.incident().outcome()).contains("Dry-run: would revoke").contains("no change was made");
        });
    }

    @Test
    void aRuleAlreadyUndoneIsNotFixedTwice() {
        detector(RemediationMode.ENFORCE).handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        groups.revokeIngress(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"), List.of(SSH_WORLD.ruleId()));
        groups.revokeCalls.clear();

        RemediationResult result = remediator(RemediationMode.ENFORCE).remediate(queue.get(0));

        assertThat(groups.revokeCalls).isEmpty();
        assertThat(result).isInstanceOfSatisfying(RemediationResult.Finished.class, f -> {
            assertThat(f.incident().status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(f.incident().remediatedAt()).isNull();
            assertThat(f.incident().outcome()).contains("already gone");
        });
    }

    @Test
    void aWorkerHoldingTheClaimKeepsOthersOut() {
        detector(RemediationMode.ENFORCE).handle(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
        String id = queue.get(0);
        Incident open = incidents.find(id).orElseThrow();
        incidents.replace(open.next(IncidentStatus.REMEDIATING,
                new io.portcullis.incident.TimelineEntry(clock.instant(), "claimed", "other", "x")).withClaimedAt(clock.instant()),
                open.version());

        assertThat(remediator(RemediationMode.ENFORCE).remediate(id)).isInstanceOf(RemediationResult.Busy.class);
        assertThat(groups.revokeCalls).isEmpty();
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
    void stoppingTheTrailIsP1ButWaitsForOnCallUntilItsPlaybookExists() {
        DetectionResult result = detector(RemediationMode.ENFORCE)
                .handle(Fixtures.bytes("cloudtrail/cloudtrail-stop-logging-cli.json"));
        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().priority()).isEqualTo(Priority.P1);
            assertThat(o.incident().resource().id()).isEqualTo("org-management-events");
            assertThat(o.incident().decision().rowName()).isEqualTo("audit logging stopped, deleted or emptied");
            assertThat(o.queued()).isFalse();
            assertThat(o.incident().outcome()).contains("No automatic remediation exists for StopLogging yet");
        });
        assertThat(queue).isEmpty();
    }

    @Test
    void aSuppressedFindingIsRecordedAndCountedButNotRemediated() throws Exception {
        var exceptions = io.portcullis.exception.Exceptions.fromTree(Json.mapper().readTree("""
                {"version": 1, "exceptions": [{"rule": "sg-ingress-sensitive-port-public", "resource": "sg-0a1b2c3d4e5f60001",
                  "owner": "bastion@example.com", "reason": "temporary bastion during the migration", "expires": "2026-12-31"}]}
                """), "exceptions.yaml");
        DetectChange detect = new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none(), exceptions), groups, io.portcullis.remediation.ResourceTags.NONE, incidents,
                queue::add, clock, RemediationMode.ENFORCE, Set.of(OWN_ROLE));

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
            assertThat(o.queued()).as("a modified rule is not revoked automatically").isFalse();
        });
    }

    @Test
    void aCliChangeOnProductionWaitsForApproval() {
        DetectionResult result = detector(RemediationMode.ENFORCE)
                .handle(Fixtures.bytes("cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json"));
        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().priority()).isEqualTo(Priority.P2);
            assertThat(o.queued()).isFalse();
            assertThat(o.incident().findings()).singleElement()
                    .satisfies(f -> assertThat(f.evidence()).extracting(IngressRule::source).containsExactly("::/0"));
        });
        assertThat(queue).isEmpty();
    }
}
