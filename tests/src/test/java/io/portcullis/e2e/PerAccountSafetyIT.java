package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.DynamoDbSafeguards;
import io.portcullis.aws.SafeguardSettings;
import io.portcullis.aws.SsmKillSwitch;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.Sandbox;
import io.portcullis.protocol.Response;
import io.portcullis.safeguard.BlastRadiusBreaker;
import io.portcullis.safeguard.KillSwitch;
import io.portcullis.safeguard.Safeguards;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Issue 15, per-account safety in the emulator: one account put in dry-run alone by its own kill switch parameter
 * ({@code <global name>/<account id>}), the blast-radius breaker counting per account and across all accounts in the
 * real safeguards table, and a flip of an account's switch paging on-call. The hub (the emulator's account,
 * 123456789012) is contained as before; member account B is a member of the emulator's organisation.
 *
 * <p>This branch's worker acts only in the hub's account, so for B the tests look at what is decided for it: the mode
 * its incident is recorded with, and the breaker's answers for its remediations.
 */
class PerAccountSafetyIT {

    static final String HUB = "123456789012";
    /** The emulator's organisation: the detector admits only its members (issue 15). */
    static final io.portcullis.local.MotoOrganization ORG =
            io.portcullis.local.MotoOrganization.inEmulator();
    /** Member account B, with the id the organisation gave it. */
    static final String B = ORG.account("member-b-" + UUID.randomUUID().toString().substring(0, 8),
            java.util.Map.of());
    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";

    /** Every read goes to SSM, so a flip shows on the next event (the cache is tested on its own below). */
    final LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE,
            env -> {
                env.put(SafeguardSettings.KILL_SWITCH_CACHE_SECONDS, "0");
                env.put(io.portcullis.aws.FunctionSettings.ORGANIZATION_ID, ORG.id());
            });
    final String parameter = p.runtime.deployment().killSwitchParameter();

    void setOwnSwitch(String account, String value) {
        p.setup.ssm().putParameter(r -> r.name(parameter + "/" + account).value(value).type("String").overwrite(true));
    }

    /** A fresh production group with SSH really opened to the world, reported by {@code account}'s trail. */
    ObjectNode sshOpened(String account) {
        Sandbox group = Sandbox.create(p.runtime.ec2(), "web-prod-" + UUID.randomUUID().toString().substring(0, 8),
                "production");
        ObjectNode event = EventReplay.applyIngress(p.runtime.ec2(), EventReplay.retarget(
                EventReplay.load(p.root.resolve("events").resolve(CONSOLE_SSH)), group.groupId()));
        event.put("account", account);
        ((ObjectNode) event.path("detail")).put("recipientAccountId", account);
        return event;
    }

    Incident detect(ObjectNode event) {
        return p.runtime.incident(p.detect(event).path("incidentId").asText()).orElseThrow();
    }

    int rulesOn(Incident incident) {
        return new io.portcullis.aws.Ec2SecurityGroups(r -> p.runtime.ec2()).describe(
                io.portcullis.change.ResourceRef.securityGroup(incident.resource().id(), HUB, Emulator.region()))
                .orElseThrow().ingress().size();
    }

    List<Message> alerts() {
        return p.runtime.sqs().receiveMessage(r -> r.queueUrl(p.runtime.deployment().alertQueueUrl())
                .maxNumberOfMessages(10)).messages();
    }

    @Test
    void oneAccountInDryRunAloneIsRecordedDryRunWhileTheHubIsStillContained() {
        setOwnSwitch(B, "dry-run");

        Incident inB = detect(sshOpened(B));
        Incident inHub = detect(sshOpened(HUB));
        p.runtime.runPlaybook(inHub.incidentId());

        assertThat(inB.mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(inB.timeline().get(0).detail()).contains("dry-run mode (kill switch " + parameter + "/" + B
                + " is set to dry-run), nothing will be changed");
        assertThat(inHub.mode()).isEqualTo(RemediationMode.ENFORCE);
        assertThat(p.runtime.incident(inHub.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(rulesOn(inHub)).isEqualTo(1);
        assertThat(rulesOn(inB)).isEqualTo(2);
        // The hub has no switch of its own: it follows the global one, and that is no alarm.
        assertThat(alerts()).noneSatisfy(m -> assertThat(m.body()).contains("kill-switch"));
    }

    @Test
    void deletingTheAccountsSwitchReturnsItToTheGlobalOneAndEnforceLeavesItThere() {
        setOwnSwitch(B, "dry-run");
        Incident held = detect(sshOpened(B));
        p.setup.ssm().deleteParameter(r -> r.name(parameter + "/" + B));
        Incident followsGlobal = detect(sshOpened(B));
        setOwnSwitch(B, "enforce");
        Incident enforced = detect(sshOpened(B));
        p.setup.ssm().putParameter(r -> r.name(parameter).value("dry-run").overwrite(true));
        Incident globalWins = detect(sshOpened(B));

        assertThat(List.of(held, followsGlobal, enforced, globalWins)).extracting(Incident::mode).containsExactly(
                RemediationMode.DRY_RUN, RemediationMode.ENFORCE, RemediationMode.ENFORCE, RemediationMode.DRY_RUN);
        assertThat(globalWins.timeline().get(0).detail()).contains("(kill switch " + parameter + " is set to dry-run)");
    }

    @Test
    void anAccountsSwitchHoldingNonsenseHoldsThatAccountAloneInDryRunAndRaisesTheAlarm() throws Exception {
        setOwnSwitch(B, "off");

        Incident inB = detect(sshOpened(B));
        Incident inHub = detect(sshOpened(HUB));

        assertThat(inB.mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(inB.timeline().get(0).detail()).contains("kill switch " + parameter + "/" + B
                + " holds 'off', not enforce or dry-run, so dry-run for account " + B + " to be safe");
        assertThat(inHub.mode()).isEqualTo(RemediationMode.ENFORCE);
        assertThat(alerts()).singleElement().satisfies(m -> {
            JsonNode page = Json.mapper().readTree(m.body());
            assertThat(page.path("alert").asText()).isEqualTo("kill-switch-unreadable");
            assertThat(page.path("text").asText()).contains(parameter + "/" + B + " holds 'off'");
        });
    }

    /** Each parameter is read once per cache period, however many incidents of how many accounts ask. */
    @Test
    void eachSwitchIsReadOncePerCachePeriodAndAnAbsentOneRaisesNoAlarm() {
        // Every GetParameter asked, answered or not (a missing parameter's ParameterNotFound is a call too).
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        software.amazon.awssdk.core.interceptor.ExecutionInterceptor counted =
                new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution c,
                                                software.amazon.awssdk.core.interceptor.ExecutionAttributes a) {
                        if ("GetParameter".equals(a.getAttribute(
                                software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME))) {
                            reads.incrementAndGet();
                        }
                    }
                };
        Instant[] now = {Instant.parse("2026-11-25T03:00:00Z")};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now[0];
            }
        };
        List<String> alarms = new ArrayList<>();
        var aws = Emulator.connection().withInterceptor(counted);
        SsmKillSwitch switches = new SsmKillSwitch(aws::ssm, parameter, clock,
                SafeguardSettings.DEFAULT_KILL_SWITCH_MAX_AGE, alarms::add);
        setOwnSwitch(B, "dry-run");

        List<RemediationMode> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            first.add(switches.position(B).mode());
            first.add(switches.position(HUB).mode());
        }
        int readsInOnePeriod = reads.get();
        p.setup.ssm().deleteParameter(r -> r.name(parameter + "/" + B));
        now[0] = now[0].plus(Duration.ofSeconds(29));
        RemediationMode cached = switches.position(B).mode();
        now[0] = now[0].plus(Duration.ofSeconds(1));
        RemediationMode returned = switches.position(B).mode();

        assertThat(first).containsExactly(RemediationMode.DRY_RUN, RemediationMode.ENFORCE, RemediationMode.DRY_RUN,
                RemediationMode.ENFORCE, RemediationMode.DRY_RUN, RemediationMode.ENFORCE, RemediationMode.DRY_RUN,
                RemediationMode.ENFORCE, RemediationMode.DRY_RUN, RemediationMode.ENFORCE);
        // The global switch, B's and the hub's (which does not exist): one read each.
        assertThat(readsInOnePeriod).isEqualTo(3);
        assertThat(List.of(cached, returned)).containsExactly(RemediationMode.DRY_RUN, RemediationMode.ENFORCE);
        assertThat(reads.get()).as("the global switch and B's read again").isEqualTo(5);
        assertThat(alarms).isEmpty();
    }

    @Test
    void flippingAnAccountsSwitchInTheHubPagesNamingTheAccountAndTheSameNameInThatAccountPagesNobody()
            throws Exception {
        setOwnSwitch(B, "dry-run");
        ObjectNode inHub = EventReplay.retarget(EventReplay.load(p.root.resolve("events")
                .resolve("cloudtrail/ssm-put-parameter-kill-switch-cli.json")), null);
        ((ObjectNode) inHub.path("detail").path("requestParameters")).put("name", parameter + "/" + B);
        ObjectNode inB = inHub.deepCopy();
        inB.put("account", B);
        ((ObjectNode) inB.path("detail")).put("recipientAccountId", B).put("eventID", UUID.randomUUID().toString());

        JsonNode paged = p.detect(inHub);
        JsonNode ignored = p.detect(inB);

        assertThat(paged.path("outcome").asText()).isEqualTo("kill-switch-changed");
        assertThat(ignored.path("outcome").asText()).isEqualTo("ignored");
        assertThat(alerts()).singleElement().satisfies(m -> {
            JsonNode page = Json.mapper().readTree(m.body());
            assertThat(page.path("alert").asText()).isEqualTo("kill-switch-changed");
            assertThat(page.path("account").asText()).isEqualTo(B);
            assertThat(page.path("text").asText()).startsWith("Kill switch " + parameter + "/" + B + " of account " + B
                    + " alone was overwritten by arn:aws:sts::123456789012:assumed-role/Developer/dev-mallory");
        });
    }

    /** The breaker the detector and the worker build, over this deployment's safeguards table. */
    BlastRadiusBreaker breaker() {
        return new BlastRadiusBreaker(new DynamoDbSafeguards(p.setup::dynamoDb,
                p.runtime.deployment().safeguardsTable()), Safeguards.defaults().breaker());
    }

    @Test
    void aBreakerTripInOneAccountDoesNotPauseTheHub() {
        Safeguards.Breaker limits = Safeguards.defaults().breaker();
        BlastRadiusBreaker breaker = breaker();
        Instant now = Instant.now();
        List<BlastRadiusBreaker.Admission> inB = new ArrayList<>();
        for (int i = 0; i <= limits.maxAutomatic(); i++) {
            inB.add(breaker.admit(B, "inc-b-" + i, now));
        }

        Incident inHub = detect(sshOpened(HUB));
        p.runtime.runPlaybook(inHub.incidentId());

        assertThat(inB.subList(0, limits.maxAutomatic()))
                .allSatisfy(a -> assertThat(a).isInstanceOf(BlastRadiusBreaker.Admitted.class));
        assertThat(inB.get(limits.maxAutomatic()))
                .isEqualTo(new BlastRadiusBreaker.Held(B, true, BlastRadiusBreaker.Limit.ACCOUNT));
        assertThat(inHub.response()).isEqualTo(Response.AUTO);
        assertThat(p.runtime.incident(inHub.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(rulesOn(inHub)).isEqualTo(1);
    }

    @Test
    void theLimitAcrossAllAccountsPausesTheHubTooAndPagesSayingSo() throws Exception {
        Safeguards.Breaker limits = Safeguards.defaults().breaker();
        BlastRadiusBreaker breaker = breaker();
        Instant now = Instant.now();
        // Other accounts' automatic remediations fill all accounts' window, none of them its own account's.
        int admitted = 0;
        for (int i = 0; admitted < limits.allAccounts().maxAutomatic(); i++) {
            String account = String.format("2000%08d", i / limits.maxAutomatic());
            if (breaker.admit(account, "inc-other-" + i, now) instanceof BlastRadiusBreaker.Admitted) {
                admitted++;
            }
        }

        Incident inHub = detect(sshOpened(HUB));
        p.runtime.runPlaybook(inHub.incidentId());

        assertThat(inHub.response()).isEqualTo(Response.APPROVAL);
        assertThat(inHub.timeline().get(0).detail()).contains("Blast-radius breaker open for all accounts: more than "
                + limits.allAccounts().maxAutomatic() + " automatic remediations within 10 min across all accounts"
                + " together (this one in account " + HUB + ")");
        assertThat(p.runtime.incident(inHub.incidentId()).orElseThrow().status())
                .isEqualTo(IncidentStatus.AWAITING_APPROVAL);
        assertThat(rulesOn(inHub)).isEqualTo(2);
        assertThat(alerts()).singleElement().satisfies(m -> {
            JsonNode page = Json.mapper().readTree(m.body());
            assertThat(page.path("alert").asText()).isEqualTo("breaker-open");
            assertThat(page.path("account").asText()).isEqualTo(HUB);
            assertThat(page.path("text").asText()).contains("in every account asks on-call first");
        });
        // Held back by all accounts' limit, the hub's incident keeps no slot of the hub's own.
        assertThat(p.setup.dynamoDb().query(r -> r.tableName(p.runtime.deployment().safeguardsTable())
                .consistentRead(true).keyConditionExpression("pk = :pk AND begins_with(sk, :slot)")
                .expressionAttributeValues(java.util.Map.of(
                        ":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("breaker|" + HUB),
                        ":slot", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("slot|"))))
                .items()).isEmpty();
    }

    /** Concurrent detectors over the real table: neither limit ever hands out more than it has. */
    @Test
    void aConcurrentBurstOverManyAccountsNeverExceedsEitherLimitInTheTable() throws Exception {
        Safeguards.Breaker limits = new Safeguards.Breaker(3, Duration.ofMinutes(10), Duration.ofMinutes(30),
                io.portcullis.protocol.TimeoutAction.ESCALATE, new Safeguards.Limit(7, Duration.ofMinutes(10)));
        BlastRadiusBreaker breaker = new BlastRadiusBreaker(new DynamoDbSafeguards(p.setup::dynamoDb,
                p.runtime.deployment().safeguardsTable()), limits);
        List<String> accounts = List.of(HUB, B, "222233334444", "333344445555");
        Instant now = Instant.now();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<BlastRadiusBreaker.Admission>> answers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String account = accounts.get(i % accounts.size());
            String id = "inc-burst-" + i;
            answers.add(pool.submit(() -> {
                go.await();
                return breaker.admit(account, id, now);
            }));
        }
        go.countDown();
        List<BlastRadiusBreaker.Admission> all = new ArrayList<>();
        for (var answer : answers) {
            all.add(answer.get());
        }
        pool.shutdown();

        assertThat(all).filteredOn(a -> a instanceof BlastRadiusBreaker.Admitted).hasSize(7);
        for (String account : accounts) {
            assertThat(all).filteredOn(a -> a instanceof BlastRadiusBreaker.Admitted ad && ad.account().equals(account))
                    .hasSizeLessThanOrEqualTo(3);
        }
        // One page for all accounts' limit, whichever incident found it full first.
        assertThat(all).filteredOn(a -> a instanceof BlastRadiusBreaker.Held h && h.tripped()
                && h.limit() == BlastRadiusBreaker.Limit.ALL_ACCOUNTS).hasSize(1);
    }
}
