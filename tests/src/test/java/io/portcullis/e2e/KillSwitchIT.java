package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.aws.SafeguardSettings;
import io.portcullis.aws.SsmKillSwitch;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.local.Sandbox;
import io.portcullis.network.IngressRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The kill switch in the emulator: an SSM parameter the detector and the playbook worker read at run time. Flipping
 * it changes what the next event does without a redeploy; a missing parameter fails safe (dry-run, and on-call is
 * told).
 */
class KillSwitchIT {

    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";
    static final String CLI_RDP = "cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json";

    final AwsConnection aws = Emulator.connection();
    final SsmClient ssm = aws.ssm();
    /** Every read goes to SSM (the cache is tested on its own below), so a flip shows on the very next event. */
    final LocalRuntime runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), aws, RemediationMode.ENFORCE,
            Clock.systemUTC(), Clock.systemUTC(), env -> env.put(SafeguardSettings.KILL_SWITCH_CACHE_SECONDS, "0"));
    final String parameter = runtime.deployment().killSwitchParameter();

    void flip(String value) {
        ssm.putParameter(r -> r.name(parameter).value(value).overwrite(true));
    }

    /** A fresh production group with the sample's rule really added; returns the incident the detector opened. */
    Incident changeAndDetect(String sample, Sandbox[] groupOut) {
        Sandbox group = Sandbox.create(runtime.ec2(), "web-prod-" + UUID.randomUUID().toString().substring(0, 8),
                "production");
        groupOut[0] = group;
        JsonNode answer = runtime.invokeDetector(EventReplay.applyIngress(runtime.ec2(), EventReplay.retarget(
                EventReplay.load(LocalRuntime.repositoryRoot().resolve("events").resolve(sample)), group.groupId())));
        return runtime.incident(answer.path("incidentId").asText()).orElseThrow();
    }

    int rulesOn(Sandbox group) {
        List<IngressRule> rules = new Ec2SecurityGroups(r -> runtime.ec2()).describe(
                ResourceRef.securityGroup(group.groupId(), "123456789012", "us-east-1")).orElseThrow().ingress();
        return rules.size();
    }

    @Test
    void flippingTheSwitchMakesTheNextEventDryRunAndFlippingItBackEnforcesAgain() {
        Sandbox[] g = new Sandbox[1];
        List<Incident> incidents = new ArrayList<>();
        List<Integer> rulesLeft = new ArrayList<>();
        for (String position : List.of("enforce", "dry-run", "enforce")) {
            flip(position);
            Incident incident = changeAndDetect(CONSOLE_SSH, g);
            runtime.runPlaybook(incident.incidentId());
            incidents.add(runtime.incident(incident.incidentId()).orElseThrow());
            rulesLeft.add(rulesOn(g[0]));
        }

        assertThat(incidents).extracting(Incident::mode).containsExactly(RemediationMode.ENFORCE,
                RemediationMode.DRY_RUN, RemediationMode.ENFORCE);
        assertThat(incidents).extracting(Incident::status).containsExactly(IncidentStatus.RESOLVED,
                IncidentStatus.DRY_RUN, IncidentStatus.RESOLVED);
        // Each sandbox starts with its harmless rule; the offending one is gone only where the switch said enforce.
        assertThat(rulesLeft).containsExactly(1, 2, 1);
        assertThat(incidents.get(1).timeline().get(0).detail()).contains("dry-run mode (kill switch " + parameter
                + " is set to dry-run), nothing will be changed");
    }

    @Test
    void aMissingSwitchFailsSafeToDryRunAndRaisesTheAlarm() {
        ssm.deleteParameter(r -> r.name(parameter));
        Sandbox[] g = new Sandbox[1];

        Incident incident = changeAndDetect(CONSOLE_SSH, g);
        runtime.runPlaybook(incident.incidentId());

        assertThat(incident.mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(incident.timeline().get(0).detail()).contains("kill switch " + parameter
                + " does not exist, so dry-run to be safe");
        assertThat(rulesOn(g[0])).isEqualTo(2);
        assertThat(runtime.incident(incident.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.DRY_RUN);
        // The detector pages through the alert queue; the worker, which reads the switch too, tells Slack.
        assertThat(runtime.sqs().receiveMessage(r -> r.queueUrl(runtime.deployment().alertQueueUrl())
                .maxNumberOfMessages(10)).messages()).singleElement().satisfies(m -> {
                    JsonNode body = Json.mapper().readTree(m.body());
                    assertThat(body.path("alert").asText()).isEqualTo("kill-switch-unreadable");
                    assertThat(body.path("text").asText()).contains("does not exist");
                });
        assertThat(runtime.slack().messages()).filteredOn(m -> m.text().contains("Portcullis alert")).singleElement()
                .satisfies(m -> assertThat(m.text()).contains("changes nothing while kill switch " + parameter
                        + " does not exist"));
    }

    @Test
    void anApprovalGivenAfterTheSwitchWasFlippedChangesNothing() {
        Sandbox[] g = new Sandbox[1];
        Incident incident = changeAndDetect(CLI_RDP, g);
        LocalRuntime.Execution waiting = runtime.runPlaybook(incident.incidentId());
        assertThat(waiting.states()).endsWith("AwaitApproval");
        int rulesBefore = rulesOn(g[0]);

        flip("dry-run");
        LocalSlack.Request ask = runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "approval:").isMissingNode()).findFirst().orElseThrow();
        APIGatewayV2HTTPResponse click = runtime.click(SlackClicks.click(LocalRuntime.APPROVERS.get(0),
                SlackClicks.button(ask, "approval:", "approve"), null), Instant.now());
        runtime.runPlaybook(incident.incidentId());

        assertThat(click.getStatusCode()).isEqualTo(200);
        Incident after = runtime.incident(incident.incidentId()).orElseThrow();
        assertThat(after.mode()).isEqualTo(RemediationMode.DRY_RUN);
        assertThat(after.status()).isEqualTo(IncidentStatus.DRY_RUN);
        assertThat(after.timeline()).anySatisfy(t -> assertThat(t.step()).isEqualTo("kill-switch"));
        assertThat(after.timeline()).anySatisfy(t -> assertThat(t.detail()).startsWith("Dry-run: would revoke"));
        assertThat(rulesOn(g[0])).isEqualTo(rulesBefore);
        assertThat(runtime.execution(incident.incidentId()).states()).contains("RevokeOffendingIngress");
    }

    /** One read is trusted for 30 s: a flip takes effect within that, with no redeploy. */
    @Test
    void aFlipTakesEffectOnceTheLastReadIsThirtySecondsOld() {
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
        SsmKillSwitch killSwitch = new SsmKillSwitch(aws::ssm, parameter, clock,
                SafeguardSettings.DEFAULT_KILL_SWITCH_MAX_AGE, alarms::add);

        RemediationMode first = killSwitch.position().mode();
        flip("dry-run");
        now[0] = now[0].plus(Duration.ofSeconds(29));
        RemediationMode cached = killSwitch.position().mode();
        now[0] = now[0].plus(Duration.ofSeconds(1));
        RemediationMode flipped = killSwitch.position().mode();
        flip("maybe");
        now[0] = now[0].plus(Duration.ofSeconds(30));
        RemediationMode garbled = killSwitch.position().mode();

        assertThat(List.of(first, cached, flipped, garbled)).containsExactly(RemediationMode.ENFORCE,
                RemediationMode.ENFORCE, RemediationMode.DRY_RUN, RemediationMode.DRY_RUN);
        assertThat(alarms).singleElement().satisfies(a -> assertThat(a).contains("holds 'maybe'"));
    }
}
