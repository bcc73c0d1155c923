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
import java.util.Optional;
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

        /** As if the identity map named Bob's principal. */
        @Override
        public io.portcullis.approval.ActorIdentity identify(Actor actor) {
            Set<String> ids = slackIdsOf(actor);
            return ids.isEmpty() ? io.portcullis.approval.ActorIdentity.unresolved("nobody names them")
                    : new io.portcullis.approval.ActorIdentity(ids, "found by the identity map");
        }
    };
    /** The deployment's approvers: U0LEAD, and the on-call group S0ONCALL (Alice and Bob). */
    final PlaybookWorker worker = workerWith(Set.of("U0LEAD"), "S0ONCALL");
    String incidentId;

    PlaybookWorker workerWith(Set<String> approvers, String group) {
        return new PlaybookWorker(incidents, approvals, slack, directory, new SecurityGroupActions(groups, groups),
                List.of(), clock, RemediationMode.ENFORCE, approvers, () -> "apv-1").withApproverGroup(group);
    }

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
        return run(worker, type, step, extra);
    }

    StepOutcome run(PlaybookWorker by, String type, String step, java.util.function.Consumer<ObjectNode> extra) {
        ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "fake-token-" + step)
                .put("incidentId", incidentId).put("playbook", "security-group-ingress").put("step", step)
                .put("type", type).put("dryRun", false);
        body.putObject("slack").put("channel", "C0ONCALL").put("ts", "1700000000.000001");
        extra.accept(body);
        return by.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());
    }

    Incident incident() {
        return incidents.find(incidentId).orElseThrow();
    }

    @Test
    void theGateStoresTheTokenWithAnOpaqueIdAndAsksTheDeploymentsApproversButMarksTheActor() {
        StepOutcome outcome = run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900)
                .put("onTimeout", "remediate"));

        assertThat(outcome).isEqualTo(new StepOutcome.Pending("apv-1"));
        Approval approval = approvals.find("apv-1").orElseThrow();
        assertThat(approval.taskToken()).isEqualTo("fake-token-AwaitApproval");
        assertThat(approval.approvers()).containsExactlyInAnyOrder("U0ALICE", "U0BOB", "U0LEAD");
        assertThat(approval.actorSlackIds()).containsExactly("U0BOB");
        assertThat(approval.expiresAt()).isEqualTo(Instant.parse("2026-11-30T15:15:00Z"));
        assertThat(approval.messageTs()).as("where the buttons were posted").isNotNull();
        assertThat(slack.sent).singleElement().satisfies(m -> assertThat(m).startsWith("ask apv-1")
                .contains("until 2026-11-30T15:15:00Z then remediate").doesNotContain("fake-token"));
        assertThat(incident().status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
    }

    /**
     * An incident in an account this worker's role does not reach (forwarded from a member account) is not left
     * recorded and untold: nothing there is read or changed, the incident goes in front of a person with what to undo,
     * on-call is alerted in Slack and paged once, and Verify and Resolve leave it with that person.
     */
    @Test
    void anIncidentOutsideTheWorkersAccountGoesToAPersonWithoutTouchingAnything() {
        List<io.portcullis.safeguard.Pager.Page> pages = new java.util.ArrayList<>();
        PlaybookWorker elsewhere = workerWith(Set.of("U0LEAD"), null)
                .withReach(AccountReach.singleAccount("210987654321", "us-east-1", List.of())).withPager(pages::add);
        List<IngressRule> before = groups.describe(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"))
                .orElseThrow().ingress();

        StepOutcome snapshot = run(elsewhere, "snapshot", "Snapshot", b -> { });
        StepOutcome first = run(elsewhere, "remediate", "RevokeOffendingIngress", b -> b.put("action", "revoke-ingress"));
        run(elsewhere, "remediate", "RevertModifiedRule", b -> b.put("action", "revert-modified-rule"));
        StepOutcome verified = run(elsewhere, "verify", "Verify", b -> { });
        run(elsewhere, "resolve", "Resolve", b -> { });

        assertThat(snapshot).isInstanceOfSatisfying(StepOutcome.Done.class,
                d -> assertThat(d.output().path("outOfReach").asBoolean()).isTrue());
        assertThat(first).isInstanceOfSatisfying(StepOutcome.Done.class,
                d -> assertThat(d.output().path("result").asText()).isEqualTo("needs-person"));
        assertThat(verified).isInstanceOf(StepOutcome.Done.class);
        assertThat(groups.revokeCalls).isEmpty();
        assertThat(groups.describe(ResourceRef.securityGroup(SG, "123456789012", "us-east-1")).orElseThrow().ingress())
                .isEqualTo(before);
        assertThat(incident().status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(slack.sent).filteredOn(m -> m.startsWith("alert: ")).singleElement().satisfies(m -> assertThat(m)
                .contains("Portcullis may not act in account 123456789012 / us-east-1")
                .contains(incident().findings().get(0).explanation()));
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(io.portcullis.safeguard.Pager.NEEDS_PERSON);
            assertThat(p.incidentId()).isEqualTo(incidentId);
            assertThat(p.account()).isEqualTo("123456789012");
        });
    }

    @Test
    void aGateNobodyCanAnswerFailsItsIncidentAtOnceAndSaysWhatToSet() {
        StepOutcome outcome = run(workerWith(Set.of(), null), "approve", "AwaitApproval",
                b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));

        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, f -> {
            assertThat(f.error()).isEqualTo(StepOutcome.STEP_FAILED);
            assertThat(f.cause()).contains("Nobody can approve incident " + incidentId)
                    .contains("no approver is configured").contains("SlackApproverGroup").contains("SlackApprovers");
        });
        assertThat(approvals.find("apv-1")).as("no approval nobody could answer").isEmpty();
        assertThat(slack.sent).isEmpty();
    }

    @Test
    void aGateOnAChangeNoTrustedSourceAttributesNeedsTwoApproversAndSaysWhyWithoutFailing() {
        // Only the session name says "bob": nothing the caller cannot choose names him.
        Directory sessionNameOnly = new Directory() {
            @Override
            public Set<String> members(String group) {
                return directory.members(group);
            }

            @Override
            public Set<String> slackIdsOf(Actor actor) {
                return Set.of("U0BOB");
            }
        };
        PlaybookWorker worker = new PlaybookWorker(incidents, approvals, slack, sessionNameOnly,
                new SecurityGroupActions(groups, groups), List.of(), clock, RemediationMode.ENFORCE, Set.of("U0LEAD"),
                () -> "apv-1").withApproverGroup("S0ONCALL");

        StepOutcome outcome = run(worker, "approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900)
                .put("onTimeout", "escalate"));

        assertThat(outcome).isEqualTo(new StepOutcome.Pending("apv-1"));
        Approval approval = approvals.find("apv-1").orElseThrow();
        assertThat(approval.needed()).isEqualTo(2);
        assertThat(approval.actorSlackIds()).as("a session name excludes nobody").isEmpty();
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("reply: ").contains("needs two approvers"));
        assertThat(incident().timeline()).anySatisfy(t -> assertThat(t.detail()).contains("Two approvers must agree"));
    }

    @Test
    void aGateWhoseOnlyApproverMadeTheChangeFailsTooAndNamesTheSetting() {
        StepOutcome outcome = run(workerWith(Set.of("U0BOB"), "S0EMPTY"), "approve", "AwaitApproval",
                b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));

        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, f -> assertThat(f.cause())
                .contains("SlackApprovers U0BOB; SlackApproverGroup S0EMPTY")
                .contains("nobody but the person who made the change"));
    }

    ObjectNode scheduledTerms(ObjectNode body, boolean inAdvance, long noticeSeconds) {
        body.putObject("window").put("start", "02:00").put("end", "04:00").put("timeZone", "Europe/London")
                .putArray("days").add("TUE").add("WED");
        body.putObject("approval").put("timeoutSeconds", 3600).put("onTimeout", "escalate")
                .put("inAdvance", inAdvance).put("noticeSeconds", noticeSeconds);
        return body;
    }

    @Test
    void aScheduledFixIsAskedNowAndItsApprovalStaysOpenUntilTheWindowOpens() {
        // Monday 15:00 in London; the window opens Tuesday 02:00, eleven hours later.
        StepOutcome terms = run("approval-window", "AwaitApproval.UntilWindow", b -> scheduledTerms(b, false, 3600));

        assertThat(terms).isInstanceOfSatisfying(StepOutcome.Done.class, d -> {
            assertThat(d.output().path("timeoutSeconds").asLong()).isEqualTo(11 * 3600);
            assertThat(d.output().path("opensAt").asText()).isEqualTo("2026-12-01T02:00:00Z");
            assertThat(d.output().path("onTimeout").asText()).isEqualTo("escalate");
            assertThat(d.output().path("inAdvance").asBoolean()).isFalse();
        });
        assertThat(slack.sent).singleElement().satisfies(m -> assertThat(m).startsWith("reply: Scheduled for the"
                + " low-tide window TUE, WED 02:00–04:00 Europe/London, with on-call's approval")
                .contains("open until the window opens at 2026-12-01T02:00:00Z").contains("then: escalate"));

        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 11 * 3600).put("onTimeout", "escalate"));

        assertThat(approvals.find("apv-1").orElseThrow().expiresAt()).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
        assertThat(incident().status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
    }

    @Test
    void aWindowOpeningSoonerThanTheRowsNoticeIsLeftForTheNextOne() {
        StepOutcome terms = run("approval-window", "AwaitApproval.UntilWindow",
                b -> scheduledTerms(b, false, 12 * 3600));

        assertThat(terms).isInstanceOfSatisfying(StepOutcome.Done.class, d -> {
            assertThat(d.output().path("opensAt").asText()).isEqualTo("2026-12-02T02:00:00Z");
            assertThat(d.output().path("timeoutSeconds").asLong()).isEqualTo(35 * 3600);
        });
    }

    @Test
    void aFixTheProtocolApprovedInAdvanceAsksNobody() {
        StepOutcome terms = run("approval-window", "AwaitApproval.UntilWindow", b -> scheduledTerms(b, true, 3600));

        assertThat(terms).isInstanceOfSatisfying(StepOutcome.Done.class,
                d -> assertThat(d.output().path("inAdvance").asBoolean()).isTrue());
        assertThat(slack.sent).isEmpty();
        assertThat(approvals.find("apv-1")).isEmpty();
        assertThat(incident().timeline()).last().satisfies(t -> assertThat(t.detail())
                .startsWith("Approved in advance by the protocol").contains("TUE, WED 02:00–04:00 Europe/London"));
    }

    /** SSH opened to the world from the console on another production group (P1), contained from snapshot to resolve. */
    String containedBy(PlaybookWorker by) {
        String other = "sg-0a1b2c3d4e5f60009";
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(other, "123456789012", "us-east-1"), "api-prod",
                Map.of("environment", "production"), List.of(new IngressRule("sgr-0f1e2d3c4b5a60001", IpProtocol.TCP,
                new PortRange(22, 22), Cidr.parse("0.0.0.0/0"), null, "temporary debug access"))));
        String event = new String(Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"),
                java.nio.charset.StandardCharsets.UTF_8).replace(SG, other);
        DetectionResult opened = detector().handle(event.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        incidentId = ((DetectionResult.Opened) opened).incident().incidentId();
        ObjectNode before = ((StepOutcome.Done) run(by, "snapshot", "Snapshot", b -> { })).output();
        run(by, "remediate", "RevokeOffendingIngress", b -> b.put("action", "revoke-ingress").set("snapshot", before));
        run(by, "verify", "Verify", b -> { });
        run(by, "resolve", "Resolve", b -> { });
        return incidentId;
    }

    @Test
    void undoIsOfferedToTheDeploymentsGroupAlone() {
        containedBy(workerWith(Set.of(), "S0ONCALL"));

        assertThat(approvals.find("apv-1")).hasValueSatisfying(undo -> {
            assertThat(undo.isUndo()).isTrue();
            assertThat(undo.approvers()).containsExactlyInAnyOrder("U0ALICE", "U0BOB");
        });
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("undo apv-1"));
    }

    /** An approved fix is still a change Portcullis made to production: it is offered for Undo like a P1's. */
    @Test
    void aFixOnCallApprovedIsOfferedForUndoToo() {
        assertThat(incident().response()).isEqualTo(io.portcullis.protocol.Response.APPROVAL);
        ObjectNode before = snapshot();
        run("remediate", "RevokeOffendingIngress", b -> b.put("action", "revoke-ingress").set("snapshot", before));
        run("verify", "Verify", b -> { });
        run("resolve", "Resolve", b -> { });

        assertThat(incident().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(approvals.find("apv-1")).hasValueSatisfying(undo -> assertThat(undo.isUndo()).isTrue());
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("undo apv-1")
                .contains("Revoked tcp port 3389 from ::/0"));
        assertThat(incident().timeline()).anySatisfy(t -> assertThat(t.step()).isEqualTo("undo-offered"));
    }

    @Test
    void withoutApproversAContainedChangeSaysWhyNoUndoIsOffered() {
        containedBy(workerWith(Set.of(), null));

        assertThat(incident().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(approvals.find("apv-1")).isEmpty();
        assertThat(slack.sent).noneSatisfy(m -> assertThat(m).startsWith("undo"));
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).startsWith("reply: Resolved")
                .contains("Undo is not offered: no approver is configured: set the stack's SlackApproverGroup"));
    }

    @Test
    void aTimedOutGateClosesItsApprovalAndSaysSoOnTheMessage() {
        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));

        PlaybookWorker later = new PlaybookWorker(incidents, approvals, slack, directory,
                new SecurityGroupActions(groups, groups), List.of(), Clock.offset(clock, java.time.Duration.ofSeconds(900)),
                RemediationMode.ENFORCE, Set.of("U0LEAD"), () -> "apv-1").withApproverGroup("S0ONCALL");
        StepOutcome timedOut = run(later, "approval-timed-out", "AwaitApproval.TimedOut", b -> b.put("onTimeout", "escalate"));
        StepOutcome escalated = run(later, "escalate", "AwaitApproval.Escalate", b -> { });

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
            public Attachment attach(Incident updated, long expectedVersion, String eventId, Instant at) {
                return incidents.attach(updated, expectedVersion, eventId, at);
            }

            @Override
            public java.util.Optional<String> attachedTo(String eventId) {
                return incidents.attachedTo(eventId);
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

    // --- telling the person who made the change ---

    List<String> directMessages() {
        return slack.sent.stream().filter(m -> m.startsWith("dm ")).toList();
    }

    @Test
    void theActorIsToldOnceInADirectMessageWhatWasRiskyWhatHappensAndHowToMakeItSafely() {
        StepOutcome first = run("notify", "NotifyOnCall", b -> { });
        StepOutcome redelivered = run("notify", "NotifyOnCall", b -> { });

        assertThat(first).isInstanceOf(StepOutcome.Done.class);
        assertThat(redelivered).isInstanceOf(StepOutcome.Done.class);
        assertThat(directMessages()).as("one direct message, to bob, however often the step runs").singleElement()
                .satisfies(m -> assertThat(m).startsWith("dm U0BOB: Portcullis here, about your"
                                + " AuthorizeSecurityGroupIngress on " + SG + " at ")
                        .contains("What was risky: " + incident().findings().get(0).explanation())
                        .contains("Portcullis has changed nothing yet: on-call has been asked to approve")
                        .contains("How to make this change safely: " + io.portcullis.rule.Advice.defaults()
                                .of(incident().findings().get(0)).orElseThrow())
                        .contains("Session Manager")
                        .endsWith("Questions? Ask on-call about incident " + incidentId + "."));
        assertThat(slack.sent.indexOf(directMessages().get(0)))
                .as("after on-call was told").isGreaterThan(slack.sent.indexOf(slack.sent.stream()
                        .filter(m -> m.startsWith("announce ")).findFirst().orElseThrow()));
        assertThat(slack.sent).filteredOn(m -> m.startsWith("announce ")).hasSize(2)
                .allSatisfy(m -> assertThat(m).as("on-call is not asked to tell a person who was told")
                        .doesNotContain("could not tell who made this change"));
        assertThat(incident().timeline()).filteredOn(t -> t.step().equals("actor-told")).singleElement()
                .satisfies(t -> assertThat(t.detail()).contains("Slack U0BOB"));
    }

    @Test
    void anActorSlackDoesNotKnowIsNamedToOnCallWithTheAdviceToPassOn() {
        PlaybookWorker noDirectory = new PlaybookWorker(incidents, approvals, slack, Directory.NONE,
                new SecurityGroupActions(groups, groups), List.of(), clock, RemediationMode.ENFORCE, Set.of("U0LEAD"),
                () -> "apv-1");
        ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "fake-token").put("incidentId", incidentId)
                .put("playbook", "security-group-ingress").put("step", "NotifyOnCall").put("type", "notify");

        noDirectory.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());
        noDirectory.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());

        assertThat(directMessages()).isEmpty();
        assertThat(slack.sent).filteredOn(m -> m.startsWith("announce ")).hasSize(2).allSatisfy(m -> assertThat(m)
                .contains("Portcullis could not tell who made this change in Slack (principal "
                        + "arn:aws:iam::123456789012:user/bob; no Slack account matches it): tell them how to make it"
                        + " safely: ")
                .contains("Session Manager"));
        assertThat(incident().timeline()).filteredOn(t -> t.step().equals("actor-unknown")).as("recorded once")
                .singleElement().satisfies(t -> assertThat(t.detail()).contains("on-call was asked to tell them"));
    }

    @Test
    void aLookupThatFailsIsAnUnknownActorNotAFailedStep() {
        Directory broken = new Directory() {
            @Override
            public Set<String> members(String userGroupId) {
                return Set.of();
            }

            @Override
            public Set<String> slackIdsOf(Actor actor) {
                throw new IllegalStateException("Slack users.lookupByEmail failed: ratelimited");
            }
        };
        PlaybookWorker worker = new PlaybookWorker(incidents, approvals, slack, broken,
                new SecurityGroupActions(groups, groups), List.of(), clock, RemediationMode.ENFORCE, Set.of("U0LEAD"),
                () -> "apv-1");
        ObjectNode body = Json.mapper().createObjectNode().put("taskToken", "fake-token").put("incidentId", incidentId)
                .put("playbook", "security-group-ingress").put("step", "NotifyOnCall").put("type", "notify");

        StepOutcome outcome = worker.run(StepRequest.parse(body.toString(), new StringBuilder()).orElseThrow());

        assertThat(outcome).isInstanceOf(StepOutcome.Done.class);
        assertThat(slack.sent).filteredOn(m -> m.startsWith("announce ")).singleElement().satisfies(m -> assertThat(m)
                .contains("could not tell who made this change in Slack", "looking it up in Slack failed",
                        "ratelimited"));
    }

    @Test
    void aDirectMessageSlackRefusesDoesNotFailTheStepAndOnCallIsAskedToPassItOn() {
        slack.refusesDirectMessages.add("U0BOB");

        StepOutcome outcome = run("notify", "NotifyOnCall", b -> { });
        run("notify", "NotifyOnCall", b -> { });

        assertThat(outcome).isInstanceOf(StepOutcome.Done.class);
        assertThat(directMessages()).isEmpty();
        assertThat(slack.sent).filteredOn(m -> m.startsWith("reply: ")).as("said once, in the on-call thread")
                .singleElement().satisfies(m -> assertThat(m).startsWith("reply: Portcullis could not send the person"
                        + " who made this change (Slack user U0BOB) a direct message (Slack conversations.open failed:"
                        + " user_disabled): tell them how to make it safely: ").contains("Session Manager"));
        assertThat(incident().timeline()).extracting(t -> t.step()).containsSubsequence("actor-told", "actor-not-told");
        assertThat(incident().timeline()).filteredOn(t -> t.step().equals("actor-not-told")).singleElement()
                .satisfies(t -> assertThat(t.detail()).contains("user_disabled", "on-call was asked in the thread"));
    }

    @Test
    void afterAnAutomaticFixTheActorHearsWhatWasRevokedAndThatOnCallCanUndoIt() {
        ObjectNode before = snapshot();
        run("remediate", "RevokeOffendingIngress", b -> {
            b.put("action", "revoke-ingress");
            b.set("snapshot", before);
        });
        run("verify", "Verify", b -> { });
        // As the protocol would have decided for a console change: contained at once.
        Incident now = incident();
        incidents.replace(new Incident(now.incidentId(), now.version() + 1, now.status(), now.mode(),
                now.sourceEventId(), now.eventName(), now.eventTime(), now.actor(), now.origin(), now.resource(),
                now.environment(), now.findings(), now.priority(), io.portcullis.protocol.Response.AUTO,
                now.decision(), now.detectedAt(), now.remediatedAt(), now.verifiedAt(), now.resolvedAt(),
                now.acknowledgedAt(), now.decidedAt(), now.resolution(), now.revokedRules(), now.outcome(),
                now.timeline(), now.suppressed(), now.autoRules(), now.occurrences(), now.acceptedRisk(), now.fixes()),
                now.version());

        run("notify", "NotifyContained", b -> { });

        assertThat(directMessages()).singleElement().satisfies(m -> assertThat(m)
                .contains("Portcullis revoked tcp port 3389 from ::/0 (sgr-0f1e2d3c4b5a60002) from " + SG
                        + " at once and checked that it is gone; if you need it back, ask on-call, who can undo it in"
                        + " Slack."));
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

    // --- issue 14: what a message on the step queue can no longer make the worker do ---

    @Test
    void aStepItsExecutionDoesNotVouchForIsNotRunAndTheIncidentSaysSomeoneTried() {
        ObjectNode before = snapshot();
        PlaybookWorker checked = workerWith(Set.of("U0LEAD"), "S0ONCALL").withStepAuthority(new StepAuthority(
                arn -> Optional.of(new ExecutionState.Execution("RUNNING", List.of(
                        new ExecutionState.Event(1, "TaskStateEntered", "AwaitApproval", null),
                        new ExecutionState.Event(2, "TaskScheduled", null, null))))));

        StepOutcome outcome = run(checked, "remediate", "RevokeOffendingIngress", b -> b.put("action", "revoke-ingress")
                .put("execution", "arn:aws:states:us-east-1:123456789012:execution:sg:x").set("snapshot", before));

        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Refused.class, r -> assertThat(r.why())
                .contains("is at state AwaitApproval, not at step RevokeOffendingIngress"));
        assertThat(groups.revokeCalls).isEmpty();
        assertThat(incident().status()).isEqualTo(IncidentStatus.OPEN);
        assertThat(incident().timeline()).last().satisfies(t -> {
            assertThat(t.step()).isEqualTo(PlaybookWorker.REFUSED_STEP);
            assertThat(t.detail()).startsWith("Refused a remediate message for step RevokeOffendingIngress:")
                    .endsWith("Nothing was done.");
        });
    }

    @Test
    void aRejectionTheApprovalsTableDoesNotHoldIsNotRecordedWhateverTheMessageSays() {
        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));

        StepOutcome rejected = run("rejected", "AwaitApproval.Rejected", b -> b.putObject("error")
                .put("Error", "Portcullis.Rejected").put("Cause", "{\"approvalId\":\"apv-1\",\"by\":\"U0MALLORY\","
                        + "\"reason\":\"trust me\"}"));

        assertThat(rejected).isInstanceOfSatisfying(StepOutcome.Failed.class, f -> {
            assertThat(f.error()).isEqualTo(StepOutcome.REFUSED);
            assertThat(f.cause()).contains("no REJECTED approval of " + incidentId);
        });
        assertThat(incident().status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
        assertThat(incident().acceptedRisk()).isNull();
        assertThat(incident().timeline()).last().satisfies(t -> assertThat(t.detail())
                .startsWith("Refused to record a rejection"));
    }

    @Test
    void aRecordedRejectionNamesWhoTheTableSaysNotWhoTheMessageSays() {
        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));
        approvals.decide(approvals.find("apv-1").orElseThrow().decided(ApprovalStatus.REJECTED, "U0ALICE",
                clock.instant(), "lab host"));

        run("rejected", "AwaitApproval.Rejected", b -> b.putObject("error").put("Error", "Portcullis.Rejected")
                .put("Cause", "{\"approvalId\":\"apv-1\",\"by\":\"U0MALLORY\",\"reason\":\"trust me\"}"));

        assertThat(incident().status()).isEqualTo(IncidentStatus.REJECTED);
        assertThat(incident().acceptedRisk().owner()).isEqualTo("U0ALICE");
        assertThat(incident().acceptedRisk().reason()).isEqualTo("lab host");
    }

    @Test
    void aRejectionClaimedInTheTableIsRecordedEvenBeforeTheInteractionMarksItRejected() {
        // The interaction endpoint claims, resumes, then records: the execution's next step can come first.
        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));
        approvals.decide(approvals.find("apv-1").orElseThrow().resuming(new Approval.Resuming(ApprovalStatus.REJECTED,
                "U0ALICE", clock.instant(), "lab host")));

        StepOutcome rejected = run("rejected", "AwaitApproval.Rejected", b -> b.putObject("error")
                .put("Error", "Portcullis.Rejected").put("Cause", "{\"approvalId\":\"apv-1\",\"by\":\"U0MALLORY\"}"));

        assertThat(rejected).isInstanceOf(StepOutcome.Done.class);
        assertThat(incident().status()).isEqualTo(IncidentStatus.REJECTED);
        assertThat(incident().acceptedRisk().owner()).isEqualTo("U0ALICE");
    }

    @Test
    void aClaimReleasedAfterAFailedResumeDecidesNothing() {
        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));
        Approval claimed = approvals.find("apv-1").orElseThrow().resuming(new Approval.Resuming(
                ApprovalStatus.REJECTED, "U0ALICE", clock.instant(), "lab host"));
        approvals.decide(claimed);
        approvals.decide(approvals.find("apv-1").orElseThrow().resuming(null));

        StepOutcome rejected = run("rejected", "AwaitApproval.Rejected", b -> { });

        assertThat(rejected).isInstanceOfSatisfying(StepOutcome.Failed.class,
                f -> assertThat(f.error()).isEqualTo(StepOutcome.REFUSED));
        assertThat(incident().status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
    }

    @Test
    void anApprovalIsRecordedFromTheApprovalsTableAndNotAtAllWithoutAnApprovedRecord() {
        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 900).put("onTimeout", "escalate"));
        java.util.function.Consumer<ObjectNode> claimsMallory = b -> b.putObject("decision").put("decision", "approved")
                .put("approvalId", "apv-1").put("by", "U0MALLORY").put("at", "2026-11-30T14:00:00Z");

        run("verify", "Verify", claimsMallory);
        assertThat(incident().timeline()).noneSatisfy(t -> assertThat(t.step()).isEqualTo("approved"));

        approvals.decide(approvals.find("apv-1").orElseThrow().decided(ApprovalStatus.APPROVED, "U0ALICE",
                clock.instant(), null));
        run("verify", "Verify", claimsMallory);
        assertThat(incident().timeline()).filteredOn(t -> t.step().equals("approved")).singleElement()
                .satisfies(t -> assertThat(t.actor()).isEqualTo("slack:U0ALICE"));
    }

    @Test
    void aTimeOutBeforeTheGateExpiresIsRefused() {
        run("approve", "AwaitApproval", b -> b.put("timeoutSeconds", 3600).put("onTimeout", "remediate"));

        StepOutcome timedOut = run("approval-timed-out", "AwaitApproval.TimedOut", b -> b.put("onTimeout", "remediate"));

        assertThat(timedOut).isInstanceOfSatisfying(StepOutcome.Failed.class, f -> assertThat(f.cause())
                .contains("approval apv-1 of " + incidentId + " is open until"));
        assertThat(approvals.find("apv-1").orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
    }

    @Test
    void everyRemediationTakesABreakerSlotAndOverTheLimitIsPausedAndPaged() {
        io.portcullis.testing.InMemorySafeguards slots = new io.portcullis.testing.InMemorySafeguards();
        var breaker = new io.portcullis.safeguard.BlastRadiusBreaker(slots, new io.portcullis.safeguard.Safeguards.Breaker(
                1, java.time.Duration.ofMinutes(10), java.time.Duration.ofMinutes(30),
                io.portcullis.protocol.TimeoutAction.ESCALATE));
        List<io.portcullis.safeguard.Pager.Page> pages = new java.util.ArrayList<>();
        slots.claim("123456789012", 0, "inc-someone-else", clock.instant(), clock.instant().plusSeconds(600));
        PlaybookWorker limited = workerWith(Set.of("U0LEAD"), "S0ONCALL").withBreaker(breaker).withPager(pages::add);
        ObjectNode before = snapshot();

        StepOutcome outcome = run(limited, "remediate", "RevokeOffendingIngress", b -> b.put("action", "revoke-ingress")
                .set("snapshot", before));

        assertThat(outcome).isInstanceOf(StepOutcome.Done.class);
        assertThat(groups.revokeCalls).isEmpty();
        assertThat(incident().status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(incident().timeline()).anySatisfy(t -> assertThat(t.detail())
                .startsWith("Escalated to a person: Paused by the blast-radius breaker for account 123456789012"));
        assertThat(pages).extracting(io.portcullis.safeguard.Pager.Page::kind)
                .contains(io.portcullis.safeguard.Pager.BREAKER_OPEN, io.portcullis.safeguard.Pager.NEEDS_PERSON);

        slots.release("123456789012", 0, "inc-someone-else");
        slots.claim("123456789012", 0, incidentId, clock.instant(), clock.instant().plusSeconds(600));
        run(limited, "remediate", "RevokeOffendingIngress.Again", b -> b.put("action", "revoke-ingress")
                .set("snapshot", before));
        assertThat(groups.revokeCalls).as("the slot the incident already holds is its own").hasSize(1);
    }

    @Test
    void undoChangesNothingWhileTheKillSwitchIsOff() {
        containedBy(workerWith(Set.of(), "S0ONCALL"));
        approvals.decide(approvals.find("apv-1").orElseThrow().decided(ApprovalStatus.APPROVED, "U0ALICE",
                clock.instant(), null));
        PlaybookWorker switchedOff = workerWith(Set.of(), "S0ONCALL").withKillSwitch(() -> new io.portcullis.safeguard
                .KillSwitch.Position(RemediationMode.DRY_RUN, "kill switch /portcullis/kill-switch is set to dry-run"));
        String undo = Json.mapper().createObjectNode().put("type", "undo").put("incidentId", incidentId)
                .put("undoId", "apv-1").toString();

        StepOutcome outcome = switchedOff.run(StepRequest.parse(undo, new StringBuilder()).orElseThrow());

        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Finished.class, f -> assertThat(f.detail())
                .startsWith("Undo by U0ALICE was not run: kill switch /portcullis/kill-switch is set to dry-run"));
        assertThat(groups.restoreCalls).isEmpty();
        assertThat(incident().timeline()).last().satisfies(t -> assertThat(t.step()).isEqualTo("undo-refused"));
        assertThat(slack.sent).anySatisfy(m -> assertThat(m).contains("Undo by U0ALICE was not run"));
    }

    @Test
    void undoFollowsTheKillSwitchOfTheIncidentsAccount() {
        containedBy(workerWith(Set.of(), "S0ONCALL"));
        approvals.decide(approvals.find("apv-1").orElseThrow().decided(ApprovalStatus.APPROVED, "U0ALICE",
                clock.instant(), null));
        var enforce = new io.portcullis.safeguard.KillSwitch.Position(RemediationMode.ENFORCE,
                "kill switch /portcullis/kill-switch is set to enforce");
        java.util.Map<String, io.portcullis.safeguard.KillSwitch.Position> own = new java.util.HashMap<>();
        own.put("111122223333", new io.portcullis.safeguard.KillSwitch.Position(RemediationMode.DRY_RUN,
                "kill switch /portcullis/kill-switch/111122223333 is set to dry-run"));
        PlaybookWorker worker = workerWith(Set.of(), "S0ONCALL").withKillSwitch(io.portcullis.safeguard.KillSwitch
                .perAccount(() -> enforce, a -> java.util.Optional.ofNullable(own.get(a))));
        String undo = Json.mapper().createObjectNode().put("type", "undo").put("incidentId", incidentId)
                .put("undoId", "apv-1").toString();

        // Another account in dry-run alone: this incident's account (123456789012) still enforces, so Undo runs.
        StepOutcome outcome = worker.run(StepRequest.parse(undo, new StringBuilder()).orElseThrow());

        assertThat(outcome).isInstanceOf(StepOutcome.Finished.class);
        assertThat(groups.restoreCalls).hasSize(1);
    }

    @Test
    void undoIsNotRunWhileTheIncidentsOwnAccountIsInDryRun() {
        containedBy(workerWith(Set.of(), "S0ONCALL"));
        approvals.decide(approvals.find("apv-1").orElseThrow().decided(ApprovalStatus.APPROVED, "U0ALICE",
                clock.instant(), null));
        var enforce = new io.portcullis.safeguard.KillSwitch.Position(RemediationMode.ENFORCE,
                "kill switch /portcullis/kill-switch is set to enforce");
        var hubDry = new io.portcullis.safeguard.KillSwitch.Position(RemediationMode.DRY_RUN,
                "kill switch /portcullis/kill-switch/123456789012 is set to dry-run");
        PlaybookWorker worker = workerWith(Set.of(), "S0ONCALL").withKillSwitch(io.portcullis.safeguard.KillSwitch
                .perAccount(() -> enforce, a -> a.equals("123456789012") ? java.util.Optional.of(hubDry)
                        : java.util.Optional.empty()));
        String undo = Json.mapper().createObjectNode().put("type", "undo").put("incidentId", incidentId)
                .put("undoId", "apv-1").toString();

        StepOutcome outcome = worker.run(StepRequest.parse(undo, new StringBuilder()).orElseThrow());

        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Finished.class, f -> assertThat(f.detail())
                .startsWith("Undo by U0ALICE was not run: kill switch /portcullis/kill-switch/123456789012 is set to"
                        + " dry-run"));
        assertThat(groups.restoreCalls).isEmpty();
    }
}
