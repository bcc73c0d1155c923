package io.portcullis.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.change.Actor;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ResourceRef;
import io.portcullis.detection.DetectChange;
import io.portcullis.detection.DetectionResult;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Protocol;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.RuleSet;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryApprovals;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import io.portcullis.testing.RecordingNotifier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The playbook worker's steps beyond the automatic path (which DetectAndRemediateTest drives). */
class PlaybookWorkerTest {

    static final String SG = "sg-0a1b2c3d4e5f60001";
    final InMemoryIncidentStore incidents = new InMemoryIncidentStore();
    final InMemorySecurityGroups groups = new InMemorySecurityGroups();
    final InMemoryApprovals approvals = new InMemoryApprovals();
    final RecordingNotifier slack = new RecordingNotifier();
    final Clock clock = Clock.fixed(Instant.parse("2026-11-30T15:00:00Z"), ZoneOffset.UTC);
    /** Bob made the change; his Slack account is U0BOB, and he is in the on-call group. */
    final Directory directory = new Directory() {
        @Override
        public Set<String> members(String group) {
            return group.equals("S0ONCALL") ? Set.of("U0ALICE", "U0BOB") : Set.of();
        }

        @Override
        public Set<String> slackIdsOf(Actor actor) {
            return actor.principalArn().endsWith("/bob") ? Set.of("U0BOB") : Set.of();
        }
    };
    final PlaybookWorker worker = new PlaybookWorker(incidents, approvals, slack, directory,
            new SecurityGroupActions(groups, groups), List.of(), clock, RemediationMode.ENFORCE, Set.of("U0LEAD"),
            () -> "apv-1");
    String incidentId;

    @BeforeEach
    void aP2FromTheCli() {
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"), "web-prod",
                Map.of("environment", "production"), List.of(new IngressRule("sgr-0f1e2d3c4b5a60002", IpProtocol.TCP,
                new PortRange(3389, 3389), Cidr.parse("::/0"), null, null))));
        DetectionResult opened = new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups,
                io.portcullis.remediation.ResourceTags.NONE, incidents, (i, input) -> true, clock,
                RemediationMode.ENFORCE, Set.of()).handle(Fixtures.bytes("cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json"));
        incidentId = ((DetectionResult.Opened) opened).incident().incidentId();
    }

    StepOutcome run(String type, String step, java.util.function.Consumer<ObjectNode> extra) {
        ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "fake-token-" + step)
                .put("incidentId", incidentId).put("playbook", "security-group-ingress").put("step", step)
                .put("type", type).put("dryRun", false);
        body.putObject("slack").put("channel", "C0ONCALL").put("ts", "1700000000.000001");
        extra.accept(body);
        return worker.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());
    }

    Incident incident() {
        return incidents.find(incidentId).orElseThrow();
    }

    @Test
    void theGateStoresTheTokenWithAnOpaqueIdAndAsksTheApproversButMarksTheActor() {
        StepOutcome outcome = run("approve", "AwaitApproval", b -> {
            b.putArray("approvers").add("U0CAROL");
            b.put("approverGroup", "S0ONCALL").put("timeoutSeconds", 900).put("onTimeout", "remediate");
        });

        assertThat(outcome).isEqualTo(new StepOutcome.Pending("apv-1"));
        Approval approval = approvals.find("apv-1").orElseThrow();
        assertThat(approval.taskToken()).isEqualTo("fake-token-AwaitApproval");
        assertThat(approval.approvers()).containsExactlyInAnyOrder("U0CAROL", "U0ALICE", "U0BOB", "U0LEAD");
        assertThat(approval.actorSlackIds()).containsExactly("U0BOB");
        assertThat(approval.expiresAt()).isEqualTo(Instant.parse("2026-11-30T15:15:00Z"));
        assertThat(approval.messageTs()).as("where the buttons were posted").isNotNull();
        assertThat(slack.sent).singleElement().satisfies(m -> assertThat(m).startsWith("ask apv-1")
                .contains("until 2026-11-30T15:15:00Z then remediate").doesNotContain("fake-token"));
        assertThat(incident().status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
    }

    @Test
    void aTimedOutGateClosesItsApprovalAndSaysSoOnTheMessage() {
        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));

        StepOutcome timedOut = run("approval-timed-out", "AwaitApproval.TimedOut", b -> b.put("onTimeout", "escalate"));
        StepOutcome escalated = run("escalate", "AwaitApproval.Escalate", b -> { });

        assertThat(timedOut).isInstanceOf(StepOutcome.Done.class);
        assertThat(escalated).isInstanceOf(StepOutcome.Done.class);
        assertThat(approvals.find("apv-1").orElseThrow().status()).isEqualTo(ApprovalStatus.EXPIRED);
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("decided: Timed out").contains("escalate"));
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("alert: Nobody approved in time: escalated"));
        assertThat(incident().status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(groups.revokeCalls).isEmpty();
    }

    @Test
    void theWindowStepSaysHowLongToSleepOnItsOwnClock() {
        StepOutcome outcome = run("wait-for-window", "WaitForLowTide", b -> b.putObject("window")
                .put("start", "02:00").put("end", "04:00").put("timeZone", "Europe/London")
                .putArray("days").add("TUE").add("WED"));

        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Done.class, d -> {
            assertThat(d.output().path("seconds").asLong()).isEqualTo(11 * 3600);
            assertThat(d.output().path("opensAt").asText()).isEqualTo("2026-12-01T02:00:00Z");
        });
        assertThat(incident().status()).isEqualTo(IncidentStatus.SCHEDULED);
    }

    @Test
    void aRemediationWhoseLiveStateNoLongerMatchesIsRefusedAndChangesNothing() {
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"), "web-prod",
                Map.of("environment", "production"), List.of()));
        StepOutcome nothing = run("remediate", "RevokeOffendingIngress", b -> b.put("action", "revoke-ingress"));
        StepOutcome wrongFamily = run("remediate", "RestorePublicAccessBlock",
                b -> b.put("action", "restore-public-access-block"));

        assertThat(nothing).isInstanceOf(StepOutcome.Done.class);
        assertThat(wrongFamily).isInstanceOfSatisfying(StepOutcome.Failed.class,
                f -> assertThat(f.error()).isEqualTo(StepOutcome.REFUSED));
        assertThat(groups.revokeCalls).isEmpty();
    }

    DetectChange detector() {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups,
                io.portcullis.remediation.ResourceTags.NONE, incidents, (i, input) -> true, clock,
                RemediationMode.ENFORCE, Set.of());
    }

    byte[] sameChangeAgain(String cidr) throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json"));
        ((ObjectNode) event.path("detail")).put("eventID", java.util.UUID.randomUUID().toString());
        ((ObjectNode) event.at("/detail/requestParameters/ipPermissions/items/0/ipv6Ranges/items/0")).put("cidrIpv6", cidr);
        return Json.mapper().writeValueAsBytes(event);
    }

    @Test
    void aRejectionIsAnExceptionTheDetectorHonoursForTheSamePermissionUntilItExpires() throws Exception {
        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));
        Approval pending = approvals.find("apv-1").orElseThrow();
        approvals.decide(pending.decided(ApprovalStatus.REJECTED, "U0ALICE", clock.instant(), "lab host, see CHG-7"));
        StepOutcome rejected = run("rejected", "AwaitApproval.Rejected", b -> { });
        assertThat(rejected).isInstanceOf(StepOutcome.Done.class);
        assertThat(incident().status()).isEqualTo(IncidentStatus.REJECTED);
        assertThat(incident().acceptedRisk().owner()).isEqualTo("U0ALICE");

        DetectionResult again = detector().handle(sameChangeAgain("::/0"));
        DetectionResult wider = detector().handle(sameChangeAgain("2001:db8::/16"));

        assertThat(again).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().status()).isEqualTo(IncidentStatus.SUPPRESSED);
            assertThat(o.incident().suppressed()).singleElement().satisfies(x -> {
                assertThat(x.exception().source()).isEqualTo("Slack rejection of " + incidentId);
                assertThat(x.exception().reason()).isEqualTo("lab host, see CHG-7");
            });
            assertThat(o.queued()).isFalse();
        });
        assertThat(wider).as("a different permission was never accepted")
                .isInstanceOfSatisfying(DetectionResult.Opened.class, o -> assertThat(o.incident().status())
                        .isEqualTo(IncidentStatus.OPEN));
    }

    @Test
    void aFailedPlaybookMarksTheIncidentFailedWithTheCauseAndAlerts() {
        StepOutcome outcome = run("fail", "MarkFailed", b -> b.putObject("error")
                .put("Error", "Portcullis.VerifyFailed").put("Cause", "tcp port 3389 from ::/0 is still present"));

        assertThat(outcome).isInstanceOf(StepOutcome.Done.class);
        assertThat(incident().status()).isEqualTo(IncidentStatus.FAILED);
        assertThat(incident().outcome()).contains("Portcullis.VerifyFailed").contains("still present");
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("alert: Playbook security-group-ingress failed"));
    }

    /** The incident store of a worker whose write recording the revoke fails (once), as if it died there. */
    io.portcullis.incident.IncidentStore failingOnceWhen(java.util.function.Predicate<Incident> which) {
        boolean[] failed = {false};
        return new io.portcullis.incident.IncidentStore() {
            @Override
            public Creation create(Incident incident) {
                return incidents.create(incident);
            }

            @Override
            public java.util.Optional<Incident> find(String id) {
                return incidents.find(id);
            }

            @Override
            public boolean replace(Incident updated, long expectedVersion) {
                if (!failed[0] && which.test(updated)) {
                    failed[0] = true;
                    throw new IllegalStateException("DynamoDB is unreachable");
                }
                return incidents.replace(updated, expectedVersion);
            }

            @Override
            public List<Incident> detectedBetween(Instant from, Instant to) {
                return incidents.detectedBetween(from, to);
            }

            @Override
            public List<Incident> unfinished() {
                return incidents.unfinished();
            }

            @Override
            public List<Incident> forResource(String resourceKey) {
                return incidents.forResource(resourceKey);
            }
        };
    }

    ObjectNode snapshot() {
        return ((StepOutcome.Done) run("snapshot", "Snapshot", b -> { })).output();
    }

    @Test
    void aRevokeWhoseRecordWasLostIsRecordedByTheNextAttemptOfTheStepWithoutRevokingAgain() {
        ObjectNode before = snapshot();
        PlaybookWorker dying = new PlaybookWorker(failingOnceWhen(i -> i.outcome().startsWith("Revoked ")), approvals,
                slack, directory, new SecurityGroupActions(groups, groups), List.of(), clock, RemediationMode.ENFORCE,
                Set.of("U0LEAD"), () -> "apv-1");
        ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "fake-token").put("incidentId", incidentId)
                .put("playbook", "security-group-ingress").put("step", "RevokeOffendingIngress")
                .put("type", "remediate").put("action", "revoke-ingress").put("dryRun", false);
        body.set("snapshot", before);
        StepRequest request = StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow();

        Throwable died = org.assertj.core.api.Assertions.catchThrowable(() -> dying.run(request));
        assertThat(died).hasMessageContaining("DynamoDB is unreachable");
        assertThat(groups.revokeCalls).containsExactly(List.of("sgr-0f1e2d3c4b5a60002"));
        assertThat(incident().revokedRules()).isEmpty();

        StepOutcome again = dying.run(request);

        assertThat(again).isInstanceOf(StepOutcome.Done.class);
        assertThat(groups.revokeCalls).as("no second revoke").hasSize(1);
        assertThat(incident().revokedRules()).extracting(IngressRule::ruleId).containsExactly("sgr-0f1e2d3c4b5a60002");
        assertThat(incident().remediatedAt()).isNotNull();
        assertThat(incident().status()).isEqualTo(IncidentStatus.REMEDIATING);
        assertThat(incident().outcome()).contains("an earlier attempt of this step made the change");
    }

    @Test
    void aRuleSomebodyElseRemovedBeforeTheFirstAttemptIsNotClaimed() {
        ObjectNode before = snapshot();
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"), "web-prod",
                Map.of("environment", "production"), List.of()));

        StepOutcome outcome = run("remediate", "RevokeOffendingIngress", b -> {
            b.put("action", "revoke-ingress");
            b.set("snapshot", before);
        });

        assertThat(outcome).isInstanceOf(StepOutcome.Done.class);
        assertThat(incident().revokedRules()).isEmpty();
        assertThat(incident().remediatedAt()).isNull();
        assertThat(incident().outcome()).contains("already gone");
    }

    /**
     * Only a person can put this right: the first remediate step escalates and pages; the later steps' work (their
     * "remediation started" notes included) leaves the incident in front of that person, verify waits for them, and
     * resolve leaves it escalated. On-call is alerted once.
     */
    @Test
    void anIncidentHandedToAPersonStaysWithThemThroughTheLaterSteps() {
        ResourceRef thing = new ResourceRef("AWS::Example::Thing", "thing-1", null, "123456789012", "us-east-1");
        io.portcullis.rule.Finding finding = io.portcullis.rule.Finding.of("config-example", io.portcullis.rule.RuleFamily.S3,
                io.portcullis.rule.Severity.HIGH, io.portcullis.rule.Exposure.INTERNAL, thing, Map.of(), "Thing is wrong.");
        Incident person = new Incident("inc-person", 1, IncidentStatus.OPEN, RemediationMode.ENFORCE, "person", "Test",
                clock.instant(), null, null, thing, "production", List.of(finding), io.portcullis.protocol.Priority.P2,
                io.portcullis.protocol.Response.APPROVAL, null, clock.instant(), null, null, null, null, null, null,
                List.of(), null, List.of(), List.of(), List.of(), 1, null);
        incidents.create(person);
        incidentId = person.incidentId();
        ResourceActions onlyAPerson = new ResourceActions() {
            @Override
            public boolean handles(Incident incident) {
                return true;
            }

            @Override
            public ObjectNode snapshot(Incident incident) {
                return Json.mapper().createObjectNode();
            }

            @Override
            public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
                return incident.status() == IncidentStatus.ESCALATED ? ActionResult.nothingToDo("A person has it.")
                        : ActionResult.needsPerson("Fix the thing by hand.");
            }

            @Override
            public java.util.Optional<String> stillWrong(Incident incident) {
                return java.util.Optional.of("the thing is still wrong");
            }

            @Override
            public ActionResult undo(RemediationAction action, Incident incident, com.fasterxml.jackson.databind.JsonNode undo) {
                return ActionResult.nothingToDo("Nothing was changed.");
            }
        };
        PlaybookWorker escalating = new PlaybookWorker(incidents, approvals, slack, directory,
                new SecurityGroupActions(groups, groups), List.of(onlyAPerson), clock, RemediationMode.ENFORCE,
                Set.of("U0LEAD"), () -> "apv-2");
        java.util.function.BiFunction<String, String, StepOutcome> step = (type, action) -> {
            ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "t-" + action).put("incidentId", incidentId)
                    .put("playbook", "s3-exposure").put("step", action).put("type", type).put("dryRun", false);
            if (type.equals("remediate")) {
                body.put("action", action);
            }
            return escalating.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());
        };

        step.apply("remediate", "restore-public-access-block");
        step.apply("remediate", "remove-public-statements");
        StepOutcome verified = step.apply("verify", "Verify");
        step.apply("resolve", "Resolve");

        assertThat(verified).isInstanceOf(StepOutcome.Done.class);
        assertThat(incident().status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(slack.sent).filteredOn(m -> m.startsWith("alert: ")).singleElement()
                .satisfies(m -> assertThat(m).contains("Fix the thing by hand."));
    }

    @Test
    void anUnknownStepOrIncidentFailsTheStepWithAReason() {
        assertThat(run("teleport", "Teleport", b -> { })).isInstanceOfSatisfying(StepOutcome.Failed.class,
                f -> assertThat(f.cause()).contains("unknown step type 'teleport'"));
        incidentId = "inc-does-not-exist";
        assertThat(run("snapshot", "Snapshot", b -> { })).isInstanceOfSatisfying(StepOutcome.Failed.class,
                f -> assertThat(f.cause()).contains("no incident inc-does-not-exist"));
    }
}
