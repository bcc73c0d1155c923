package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.RequestSignature;
import io.portcullis.aws.AwsConnection;
import io.portcullis.incident.Incident;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.network.IngressRule;
import io.portcullis.playbook.PlaybookInput;
import io.portcullis.protocol.Priority;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The playbooks end to end: real Step Functions executions in the emulator, the real detector, playbook worker and
 * Slack interaction handlers invoked in-process as Lambda would (the harness plays the step queue's event-source
 * mapping), and a local Slack Web API that records every message.
 */
class PlaybookIT {

    static final String APPROVER = LocalRuntime.APPROVERS.get(0);

    LocalRuntime runtime;
    final AwsConnection setup = Emulator.connection();
    final S3Client s3 = setup.s3(Region.US_EAST_1);

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    LocalRuntime deploy() {
        return deploy(Clock.systemUTC());
    }

    LocalRuntime deploy(Clock workerClock) {
        runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), setup, RemediationMode.ENFORCE, workerClock,
                Clock.systemUTC());
        return runtime;
    }

    // --- (a) P1 security group: revoked, verified, resolved, Undo ---

    @Test
    void p1SecurityGroupIsContainedAndUndoPutsBackExactlyTheRevokedRule() {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        runtime = p.runtime;
        ObjectNode event = p.applied("cloudtrail/ec2-authorize-ssh-world-console.json");
        List<IngressRule> before = p.liveRules();

        String incidentId = p.detect(event).path("incidentId").asText();
        LocalRuntime.Execution execution = runtime.runPlaybook(incidentId);

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        Incident incident = runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(incident.verifiedAt()).isNotNull();
        IngressRule revoked = incident.revokedRules().get(0);
        assertThat(p.liveRules()).extracting(IngressRule::ruleId).containsExactly(p.sandbox.harmlessRuleId());
        LocalSlack.Request announce = runtime.slack().messages().get(0);
        assertThat(announce.channel()).isEqualTo(LocalRuntime.SLACK_CHANNEL);
        assertThat(announce.token()).isEqualTo(LocalRuntime.SLACK_BOT_TOKEN);
        assertThat(announce.blocks().toString()).contains("P1").contains("AuthorizeSecurityGroupIngress")
                .contains(p.sandbox.groupId()).contains("critical, internet exposure, production, origin console");
        LocalSlack.Request undoOffer = runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "undo:").isMissingNode()).findFirst().orElseThrow();
        assertThat(undoOffer.threadTs()).isEqualTo(announce.ts());

        long authorisedBefore = p.calls.count("AuthorizeSecurityGroupIngress");
        APIGatewayV2HTTPResponse answer = runtime.click(SlackClicks.click(APPROVER,
                SlackClicks.button(undoOffer, "undo:", "undo"), null), Instant.now());
        int undone = runtime.runSteps();

        assertThat(answer.getStatusCode()).isEqualTo(200);
        assertThat(undone).isEqualTo(1);
        assertThat(p.liveRules()).hasSize(before.size());
        assertThat(p.liveRules()).anySatisfy(r -> {
            assertThat(r.samePermissionAs(revoked)).isTrue();
            assertThat(r.description()).isEqualTo(revoked.description());
        });
        assertThat(p.calls.count("AuthorizeSecurityGroupIngress") - authorisedBefore).isEqualTo(1);
        assertThat(runtime.incident(incidentId).orElseThrow().timeline()).last()
                .satisfies(t -> assertThat(t.actor()).isEqualTo("slack:" + APPROVER));
        assertThat(runtime.slack().updates()).anySatisfy(u -> assertThat(u.blocks().toString())
                .contains("Undo requested by"));
    }

    // --- (b) P2 bucket policy, approved in Slack ---

    @Test
    void p2BucketPolicyWaitsAtTheGateAndAnApprovalRemovesOnlyThePublicStatement() {
        deploy();
        String bucket = publicPolicyBucket();
        String incidentId = detect(policyEvent(bucket));
        // As the detector records it in an organisation: the account's name, which every message then shows.
        Incident detected = runtime.incident(incidentId).orElseThrow();
        assertThat(runtime.incidents().replace(detected.withAccount("payments-prod", "Root/Workloads")
                .noted(new TimelineEntry(Instant.now(), "test", "PlaybookIT", "named")), detected.version())).isTrue();
        String account = "`payments-prod` (`" + detected.resource().account() + "`)";

        LocalRuntime.Execution waiting = runtime.runPlaybook(incidentId);

        assertThat(waiting.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(waiting.states()).endsWith("AwaitApproval");
        assertThat(runtime.incident(incidentId).orElseThrow().priority()).isEqualTo(Priority.P2);
        assertThat(runtime.incident(incidentId).orElseThrow().status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
        assertThat(policy(bucket)).contains("PublicRead");
        LocalSlack.Request ask = approvalMessage();
        assertThat(ask.replyBroadcast()).isTrue();
        assertThat(ask.blocks().toString()).doesNotContain("taskToken").doesNotContain("AAAA").contains(" in " + account);
        // blocks() as JSON text: the field's line break is written \n.
        assertThat(runtime.slack().messages().get(0).blocks().toString())
                .contains("*Account / region*\\n" + account + " / ");

        APIGatewayV2HTTPResponse answer = runtime.click(SlackClicks.click(APPROVER,
                SlackClicks.button(ask, "approval:", "approve"), null), Instant.now());
        LocalRuntime.Execution done = runtime.runPlaybook(incidentId);

        assertThat(answer.getStatusCode()).isEqualTo(200);
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.states()).containsSubsequence("AwaitApproval", "RemovePublicStatements", "Verify", "Resolve");
        assertThat(policy(bucket)).doesNotContain("PublicRead").contains("PartnerRead");
        Incident incident = runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(incident.timeline()).extracting(t -> t.step()).containsSubsequence("AwaitApproval", "approved",
                "RemovePublicStatements", "Verify", "Resolve");
        assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.actor()).isEqualTo("slack:" + APPROVER));
        assertThat(runtime.slack().updates()).anySatisfy(u -> {
            assertThat(u.ts()).isEqualTo(ask.ts());
            assertThat(u.blocks().toString()).contains("Approved by").doesNotContain("\"action_id\":\"approve\"");
        });
        assertThat(runtime.slack().messages()).anySatisfy(m -> assertThat(m.blocks().toString())
                .contains(":white_check_mark: Done in payments-prod (" + detected.resource().account() + "): "));
    }

    // --- (c) the same, rejected ---

    @Test
    void aRejectionChangesNothingAndRecordsAnExceptionWithItsExpiry() {
        deploy();
        String bucket = publicPolicyBucket();
        String incidentId = detect(policyEvent(bucket));
        runtime.runPlaybook(incidentId);
        LocalSlack.Request ask = approvalMessage();

        APIGatewayV2HTTPResponse noReason = runtime.click(SlackClicks.click(APPROVER,
                SlackClicks.button(ask, "approval:", "reject"), null), Instant.now());
        APIGatewayV2HTTPResponse answer = runtime.click(SlackClicks.click(APPROVER,
                SlackClicks.button(ask, "approval:", "reject"), "public website assets, see CHG-4411"), Instant.now());
        LocalRuntime.Execution done = runtime.runPlaybook(incidentId);

        assertThat(noReason.getStatusCode()).isEqualTo(400);
        assertThat(answer.getStatusCode()).isEqualTo(200);
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.states()).contains("AwaitApproval.Rejected").doesNotContain("RemovePublicStatements");
        assertThat(policy(bucket)).contains("PublicRead");
        Incident incident = runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.REJECTED);
        assertThat(incident.timeline()).anySatisfy(t -> {
            assertThat(t.step()).isEqualTo("exception");
            assertThat(t.actor()).isEqualTo("slack:" + APPROVER);
            assertThat(t.detail()).contains("public website assets, see CHG-4411").contains("s3-public-policy")
                    .contains("until " + Instant.now().plus(Duration.ofDays(30)).toString().substring(0, 10));
        });
    }

    // --- (d) nobody decides: the protocol's timeout action ---

    @Test
    void whenNobodyDecidesTheProtocolsTimeoutActionHappens() {
        // The detector of this deployment starts no S3 playbook: the test starts it, with a shorter gate.
        runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), setup, RemediationMode.ENFORCE, Clock.systemUTC(),
                Clock.systemUTC(), env -> env.put(io.portcullis.aws.FunctionSettings.PLAYBOOKS,
                        String.join(",", java.util.Arrays.stream(env.get(io.portcullis.aws.FunctionSettings.PLAYBOOKS)
                                .split(",")).filter(p -> !p.startsWith("s3=")).toList())));
        String bucket = publicPolicyBucket();
        // Production bucket, CLI origin: row 3, P2 approval; on timeout the protocol says remediate.
        s3.deleteBucketTagging(r -> r.bucket(bucket));
        ObjectNode event = policyEvent(bucket);
        ((ObjectNode) event.path("detail")).remove("sessionCredentialFromConsole");
        ((ObjectNode) event.path("detail")).put("userAgent", "aws-cli/2.15.0 Python/3.11 Linux/6.1 botocore/2.0");
        ((ObjectNode) event.path("detail")).put("sourceIPAddress", "203.0.113.7");
        JsonNode detected = runtime.invokeDetector(event);
        assertThat(detected.path("playbookStarted").asBoolean()).isFalse();
        String incidentId = detected.path("incidentId").asText();
        Incident incident = runtime.incident(incidentId).orElseThrow();
        assertThat(incident.decision().rowName()).isEqualTo("critical, internet exposure, production, any other origin");
        // The row gives on-call 15 minutes; the same state machine and the detector's input, with 3 seconds.
        ObjectNode input = PlaybookInput.of(incident, Duration.ofSeconds(3),
                io.portcullis.protocol.TimeoutAction.REMEDIATE);
        String arn = runtime.startPlaybook(incidentId, incidentId, input);

        LocalRuntime.Execution waiting = runtime.runExecution(arn, incidentId, Duration.ofSeconds(30));
        assertThat(waiting.states()).endsWith("AwaitApproval");
        LocalRuntime.Execution done = runtime.runExecution(arn, incidentId, Duration.ofSeconds(30));
        while (done.status() == ExecutionStatus.RUNNING) {
            done = runtime.runExecution(arn, incidentId, Duration.ofSeconds(5));
            if (done.history().size() > 200) {
                break;
            }
        }

        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.states()).containsSubsequence("AwaitApproval", "AwaitApproval.TimedOut",
                "AwaitApproval.OnTimeout", "RemovePublicStatements", "Resolve");
        assertThat(policy(bucket)).doesNotContain("PublicRead");
        assertThat(runtime.incident(incidentId).orElseThrow().timeline())
                .anySatisfy(t -> assertThat(t.detail()).contains("Nobody decided in time").contains("remediate"));
        LocalSlack.Request ask = approvalMessage();
        assertThat(runtime.slack().updates()).anySatisfy(u -> {
            assertThat(u.ts()).isEqualTo(ask.ts());
            assertThat(u.blocks().toString()).contains("Timed out");
        });
        // A click after the gate closed changes nothing.
        APIGatewayV2HTTPResponse late = runtime.click(SlackClicks.click(APPROVER,
                SlackClicks.button(ask, "approval:", "approve"), null), Instant.now());
        assertThat(late.getStatusCode()).isEqualTo(409);
    }

    // --- (e) P3: on-call is asked at once; approved, the fix waits for the low-tide window ---

    /** The event of a staging bucket whose public access block was weakened from the console: P3 (row 7). */
    ObjectNode weakenedBucketEvent() {
        String bucket = "portcullis-p3-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        tag(bucket, "staging");
        s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(false)));
        ObjectNode event = EventReplay.load(LocalRuntime.repositoryRoot().resolve(
                "events/cloudtrail/s3-put-public-access-block-weakened-console.json"));
        aimAt(event, bucket);
        lastBucket = bucket;
        return event;
    }

    String lastBucket;

    /** A clock that runs at the real pace from a moment a test sets once the deployment is up (that takes a while). */
    static final class SetClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        /** From now on, {@link #instant()} reads {@code moment}, and runs on from there. */
        SetClock readingNow(Instant moment) {
            offset = Duration.between(Instant.now(), moment);
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void aP3IsAskedAtOnceAndOnceApprovedIsFixedWhenTheWindowOpens() {
        // The worker's clock reads Tuesday 01:59:35 in London: the s3-exposure window (TUE-THU 02:00-04:00
        // Europe/London) opens 25 seconds from now, sooner than the row's hour of notice, so the approval stays open
        // until Wednesday's opening; approved before Tuesday's, the fix runs at Tuesday's. The Slack endpoint keeps
        // the same time, so the click is on time for the approval.
        Instant windowOpens = Instant.parse("2026-12-01T02:00:00Z");
        SetClock worker = new SetClock();
        runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), setup, RemediationMode.ENFORCE, worker, worker);
        worker.readingNow(windowOpens.minusSeconds(25));
        String incidentId = detect(weakenedBucketEvent());
        assertThat(runtime.incident(incidentId).orElseThrow().priority()).isEqualTo(Priority.P3);

        LocalRuntime.Execution waiting = runtime.runPlaybook(incidentId);

        assertThat(waiting.states()).containsSubsequence("NotifyOnCall", "AwaitApproval.UntilWindow", "AwaitApproval")
                .doesNotContain("WaitForLowTide", "RestorePublicAccessBlock");
        assertThat(runtime.incident(incidentId).orElseThrow().status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
        LocalSlack.Request ask = approvalMessage();
        assertThat(runtime.slack().messages()).anySatisfy(m -> assertThat(m.text())
                .contains("open until the window opens at 2026-12-02T02:00:00Z").contains("escalate"));

        APIGatewayV2HTTPResponse answer = runtime.click(SlackClicks.click(APPROVER,
                SlackClicks.button(ask, "approval:", "approve"), null), worker.instant());
        LocalRuntime.Execution done = runtime.runPlaybook(incidentId, Duration.ofSeconds(60));

        assertThat(answer.getStatusCode()).isEqualTo(200);
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.states()).containsSubsequence("AwaitApproval", "WaitForLowTide", "WaitForLowTide.Sleep",
                "RestorePublicAccessBlock", "Verify", "Resolve");
        assertThat(secondsWaited(done, "WaitForLowTide.Sleep")).isGreaterThanOrEqualTo(2);
        var block = s3.getPublicAccessBlock(r -> r.bucket(lastBucket)).publicAccessBlockConfiguration();
        assertThat(List.of(block.blockPublicAcls(), block.ignorePublicAcls(), block.blockPublicPolicy(),
                block.restrictPublicBuckets())).containsOnly(true);
        Incident incident = runtime.incident(incidentId).orElseThrow();
        assertThat(incident.timeline()).extracting(t -> t.step()).containsSubsequence("AwaitApproval.UntilWindow",
                "AwaitApproval", "approved", "WaitForLowTide", "RestorePublicAccessBlock");
        assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.detail())
                .contains("remediation at 2026-12-01T02:00:00Z"));
        assertThat(incident.remediatedAt()).isAfterOrEqualTo(windowOpens);
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void aP3NobodyApprovedByTheWindowsOpeningIsEscalatedAndNothingChanges() {
        // The detector of this deployment starts no S3 playbook: the test starts it with the row's terms but a
        // one-second notice, so the approval closes at the opening ten seconds from the worker's now.
        Instant windowOpens = Instant.parse("2026-12-01T02:00:00Z");
        SetClock worker = new SetClock();
        runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), setup, RemediationMode.ENFORCE, worker,
                Clock.systemUTC(), env -> env.put(io.portcullis.aws.FunctionSettings.PLAYBOOKS,
                        String.join(",", java.util.Arrays.stream(env.get(io.portcullis.aws.FunctionSettings.PLAYBOOKS)
                                .split(",")).filter(p -> !p.startsWith("s3=")).toList())));
        worker.readingNow(windowOpens.minusSeconds(10));
        JsonNode detected = runtime.invokeDetector(weakenedBucketEvent());
        String incidentId = detected.path("incidentId").asText();
        Incident incident = runtime.incident(incidentId).orElseThrow();
        assertThat(incident.response()).isEqualTo(io.portcullis.protocol.Response.SCHEDULED);
        ObjectNode input = PlaybookInput.of(incident, null, io.portcullis.protocol.TimeoutAction.ESCALATE, false,
                Duration.ofSeconds(1));
        String arn = runtime.startPlaybook(incidentId, incidentId, input);

        LocalRuntime.Execution waiting = runtime.runExecution(arn, incidentId, Duration.ofSeconds(30));
        assertThat(waiting.states()).endsWith("AwaitApproval");
        assertThat(runtime.incident(incidentId).orElseThrow().timeline()).anySatisfy(t -> assertThat(t.detail())
                .contains("open until the window opens at 2026-12-01T02:00:00Z"));
        // The gate returns at once while it waits: wait for its time-out, a few seconds away.
        LocalRuntime.Execution done = waiting;
        for (Instant until = Instant.now().plusSeconds(45); done.status() == ExecutionStatus.RUNNING
                && Instant.now().isBefore(until); ) {
            sleepMillis(500);
            done = runtime.runExecution(arn, incidentId, Duration.ofSeconds(5));
        }

        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.states()).containsSubsequence("AwaitApproval.UntilWindow", "AwaitApproval",
                "AwaitApproval.TimedOut", "AwaitApproval.OnTimeout", "AwaitApproval.Escalate")
                .doesNotContain("WaitForLowTide", "RestorePublicAccessBlock");
        assertThat(s3.getPublicAccessBlock(r -> r.bucket(lastBucket)).publicAccessBlockConfiguration()
                .blockPublicPolicy()).as("nothing changed").isFalse();
        assertThat(runtime.incident(incidentId).orElseThrow().status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(runtime.slack().updates()).anySatisfy(u -> assertThat(u.blocks().toString()).contains("Timed out"));
    }

    // --- out of the box: a deployment with no approver says so at the gate, it does not wait there ---

    @Test
    void withNoApproverConfiguredTheGateFailsItsIncidentLoudlyAndSaysWhatToSet() throws Exception {
        try (JsonLogCapture logs = new JsonLogCapture()) {
            runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), setup, RemediationMode.ENFORCE,
                    Clock.systemUTC(), Clock.systemUTC(), env -> {
                        env.remove(io.portcullis.aws.FunctionSettings.APPROVER_GROUP);
                        env.remove(io.portcullis.aws.FunctionSettings.APPROVERS);
                    });
            // The worker's first start says it, naming what to set.
            assertThat(logs.warnings()).anySatisfy(m -> assertThat(m).startsWith("No approval gate can be answered")
                    .contains("SlackApproverGroup").contains("PORTCULLIS_APPROVER_GROUP"));
        }
        String bucket = publicPolicyBucket();
        String incidentId = detect(policyEvent(bucket));

        LocalRuntime.Execution done = runtime.runPlaybook(incidentId);

        assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(done.states()).containsSubsequence("AwaitApproval", "MarkFailed", "Failed");
        assertThat(runtime.incident(incidentId).orElseThrow().status()).isEqualTo(IncidentStatus.FAILED);
        assertThat(runtime.slack().messages()).anySatisfy(m -> assertThat(m.blocks().toString() + m.text())
                .contains("no approver is configured").contains("SlackApproverGroup").contains("SlackApprovers"));
        assertThat(runtime.slack().messages()).noneSatisfy(m -> assertThat(m.block("actions", "approval:").isMissingNode())
                .isFalse());
        assertThat(policy(bucket)).contains("PublicRead");
    }

    // --- security of the interaction endpoint ---

    @Test
    void forgedStaleReplayedUnknownSelfAndCrossIncidentClicksAreRefusedAndChangeNothing() {
        deploy();
        // Dana is on call too: the deployment's approver group holds her.
        runtime.slack().user("dana@example.com", "U0DANA").userGroup(LocalRuntime.APPROVER_GROUP,
                java.util.stream.Stream.concat(LocalRuntime.APPROVERS.stream(), java.util.stream.Stream.of("U0DANA",
                        "U0BOB")).toList());
        String first = publicPolicyBucket();
        String second = publicPolicyBucket();
        ObjectNode danasChange = policyEvent(first);
        ((ObjectNode) danasChange.path("detail").path("userIdentity")).put("arn",
                "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/dana@example.com");
        // As CloudTrail records an IAM Identity Center session: an assumed role under Identity Center's reserved path.
        ((ObjectNode) danasChange.path("detail").path("userIdentity")).put("type", "AssumedRole")
                .putObject("sessionContext").putObject("sessionIssuer").put("type", "Role")
                .put("arn", "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/"
                        + "AWSReservedSSO_Developer_0123456789abcdef");
        String incidentA = detect(danasChange);
        String incidentB = detect(policyEvent(second));
        runtime.runPlaybook(incidentA);
        runtime.runPlaybook(incidentB);
        LocalSlack.Request askA = approvalMessage(incidentA);
        LocalSlack.Request askB = approvalMessage(incidentB);
        JsonNode approveA = SlackClicks.button(askA, "approval:", "approve");
        JsonNode approveB = SlackClicks.button(askB, "approval:", "approve");
        String valid = SlackClicks.click(APPROVER, approveA, null);
        String ts = Long.toString(Instant.now().getEpochSecond());
        RequestSignature wrongSecret = new RequestSignature("not-the-signing-secret");

        int forged = runtime.postInteraction(valid, ts, wrongSecret.sign(ts, bytes(valid))).getStatusCode();
        int unsigned = runtime.postInteraction(valid, null, null).getStatusCode();
        int stale = runtime.click(valid, Instant.now().minus(Duration.ofMinutes(6))).getStatusCode();
        int unknownUser = runtime.click(SlackClicks.click("U0STRANGER", approveA, null), Instant.now()).getStatusCode();
        int selfApproval = runtime.click(SlackClicks.click("U0DANA", approveA, null), Instant.now()).getStatusCode();
        int crossIncident = runtime.click(SlackClicks.click(APPROVER, "approval:" + incidentA, "approve",
                approveB.path("value").asText(), null), Instant.now()).getStatusCode();

        assertThat(List.of(forged, unsigned, stale, unknownUser, selfApproval, crossIncident))
                .containsExactly(401, 401, 401, 403, 403, 409);
        assertThat(runtime.runPlaybook(incidentA).states()).endsWith("AwaitApproval");
        assertThat(runtime.runPlaybook(incidentB).states()).endsWith("AwaitApproval");
        assertThat(policy(first)).contains("PublicRead");
        assertThat(policy(second)).contains("PublicRead");
        assertThat(runtime.slack().updates()).isEmpty();

        // The genuine click decides once; its replay (same body, same signature) changes nothing more.
        String at = Long.toString(Instant.now().getEpochSecond());
        String signature = new RequestSignature(LocalRuntime.SLACK_SIGNING_SECRET).sign(at, bytes(valid));
        int approved = runtime.postInteraction(valid, at, signature).getStatusCode();
        int replayed = runtime.postInteraction(valid, at, signature).getStatusCode();
        assertThat(List.of(approved, replayed)).containsExactly(200, 409);
        assertThat(runtime.runPlaybook(incidentA).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(runtime.runPlaybook(incidentB).states()).endsWith("AwaitApproval");
        assertThat(runtime.slack().updates()).hasSize(1);
    }

    // --- helpers ---

    String detect(ObjectNode event) {
        JsonNode answer = runtime.invokeDetector(event);
        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("incident-opened");
        assertThat(answer.path("playbookStarted").asBoolean()).isTrue();
        return answer.path("incidentId").asText();
    }

    /** A staging bucket whose policy has a public statement and a partner's. */
    String publicPolicyBucket() {
        String bucket = "portcullis-p2-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        tag(bucket, "staging");
        String policy = Json.mapper().createObjectNode().put("Version", "2012-10-17").set("Statement",
                Json.mapper().createArrayNode()
                        .add(Json.mapper().createObjectNode().put("Sid", "PublicRead").put("Effect", "Allow")
                                .put("Principal", "*").put("Action", "s3:GetObject")
                                .put("Resource", "arn:aws:s3:::" + bucket + "/*"))
                        .add(Json.mapper().createObjectNode().put("Sid", "PartnerRead").put("Effect", "Allow")
                                .<ObjectNode>set("Principal", Json.mapper().createObjectNode()
                                        .put("AWS", "arn:aws:iam::210987654321:root"))
                                .put("Action", "s3:GetObject").put("Resource", "arn:aws:s3:::" + bucket + "/*")))
                .toString();
        s3.putBucketPolicy(r -> r.bucket(bucket).policy(policy));
        return bucket;
    }

    ObjectNode policyEvent(String bucket) {
        ObjectNode event = EventReplay.load(LocalRuntime.repositoryRoot().resolve(
                "events/cloudtrail/s3-put-bucket-policy-public-read-console.json"));
        aimAt(event, bucket);
        ObjectNode statement = (ObjectNode) event.path("detail").path("requestParameters").path("bucketPolicy")
                .path("Statement").get(0);
        statement.put("Resource", "arn:aws:s3:::" + bucket + "/*");
        return event;
    }

    static void aimAt(ObjectNode event, String bucket) {
        ObjectNode detail = (ObjectNode) event.path("detail");
        ((ObjectNode) detail.path("requestParameters")).put("bucketName", bucket);
        detail.put("awsRegion", "us-east-1");
        detail.put("eventID", UUID.randomUUID().toString());
    }

    void tag(String bucket, String environment) {
        s3.putBucketTagging(t -> t.bucket(bucket).tagging(g -> g.tagSet(
                software.amazon.awssdk.services.s3.model.Tag.builder().key("environment").value(environment).build())));
    }

    String policy(String bucket) {
        try {
            return s3.getBucketPolicy(r -> r.bucket(bucket)).policy();
        } catch (S3Exception e) {
            return "";
        }
    }

    LocalSlack.Request approvalMessage() {
        return runtime.slack().messages().stream().filter(m -> !m.block("actions", "approval:").isMissingNode())
                .findFirst().orElseThrow(() -> new AssertionError("no approval message in " + runtime.slack().messages()));
    }

    LocalSlack.Request approvalMessage(String incidentId) {
        return runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "approval:" + incidentId).isMissingNode()).findFirst().orElseThrow();
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long secondsWaited(LocalRuntime.Execution execution, String waitState) {
        Instant entered = null;
        for (HistoryEvent e : execution.history()) {
            if (e.stateEnteredEventDetails() != null && waitState.equals(e.stateEnteredEventDetails().name())) {
                entered = e.timestamp();
            }
            if (entered != null && e.stateExitedEventDetails() != null
                    && waitState.equals(e.stateExitedEventDetails().name())) {
                return Duration.between(entered, e.timestamp()).toSeconds();
            }
        }
        return -1;
    }
}
