package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.Sandbox;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, borrowed power: the worker's role used outside the worker function (another function given the role, or
 * an AssumeRole under a session name of the caller's choosing) opens a world-open SSH rule. The detector does not take
 * it for Portcullis' own: it is judged and recorded like anyone's change, and the incident and the log say
 * the role was used outside its function. The worker's own session is still left alone.
 */
class BorrowedRoleAttackIT {

    static final String BY_PORTCULLIS = "cloudtrail/ec2-authorize-ssh-world-by-portcullis.json";

    final LocalRuntime runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), Emulator.connection(),
            RemediationMode.ENFORCE);
    private JsonLogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = new JsonLogCapture();
    }

    @AfterEach
    void stopCapturing() throws Exception {
        logs.close();
    }

    /** The world-open SSH rule really added to a fresh production group, recorded as made in {@code session}. */
    JsonNode openSshAs(Sandbox group, String session) {
        ObjectNode event = EventReplay.retarget(EventReplay.load(LocalRuntime.repositoryRoot().resolve("events")
                .resolve(BY_PORTCULLIS)), group.groupId());
        ObjectNode identity = (ObjectNode) event.path("detail").path("userIdentity");
        identity.put("arn", "arn:aws:sts::123456789012:assumed-role/portcullis-remediator/" + session);
        identity.put("principalId", "AROAEXAMPLEPORTC0001:" + session);
        return runtime.invokeDetector(EventReplay.applyIngress(runtime.ec2(), event));
    }

    int rulesOn(Sandbox group) {
        return new Ec2SecurityGroups(r -> runtime.ec2()).describe(ResourceRef.securityGroup(group.groupId(),
                "123456789012", "us-east-1")).orElseThrow().ingress().size();
    }

    Sandbox productionGroup() {
        return Sandbox.create(runtime.ec2(), "web-prod-" + UUID.randomUUID().toString().substring(0, 8), "production");
    }

    /**
     * Judged as the protocol judges any SDK change to a production group (the sample's user agent is the SDK's): P2,
     * and its playbook puts it in front of on-call instead of passing it over in silence.
     */
    @Test
    void theWorkerRoleUnderAnotherSessionNameIsJudgedRecordedAndPutBeforeOnCall() {
        Sandbox group = productionGroup();

        JsonNode answer = openSshAs(group, "mallory-function");
        Incident incident = runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        LocalRuntime.Execution playbook = runtime.runPlaybook(incident.incidentId());

        assertThat(answer.path("outcome").asText()).isEqualTo("incident-opened");
        assertThat(answer.path("playbookStarted").asBoolean()).isTrue();
        assertThat(incident.findings()).extracting(f -> f.ruleId()).containsExactly("sg-ingress-sensitive-port-public");
        assertThat(incident.priority()).isEqualTo(Priority.P2);
        assertThat(incident.response()).isEqualTo(Response.APPROVAL);
        assertThat(incident.actor().principalArn())
                .isEqualTo("arn:aws:sts::123456789012:assumed-role/portcullis-remediator/mallory-function");
        assertThat(incident.timeline().get(0).detail()).contains("Portcullis' own role "
                + LocalRuntime.REMEDIATOR_ROLE_ARN + " was used outside its function (session 'mallory-function', not '"
                + LocalRuntime.WORKER_FUNCTION_NAME + "')");
        assertThat(playbook.states()).endsWith("AwaitApproval");
        assertThat(runtime.incident(incident.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.AWAITING_APPROVAL);
        assertThat(logs.warnings()).anySatisfy(w -> assertThat(w).contains("Judging event")
                .contains("was used outside its function (session 'mallory-function'"));
    }

    @Test
    void theSameChangeFromTheWorkerFunctionsOwnSessionIsLeftAlone() {
        Sandbox group = productionGroup();

        JsonNode answer = openSshAs(group, LocalRuntime.WORKER_FUNCTION_NAME);

        assertThat(answer.path("outcome").asText()).isEqualTo("ignored");
        assertThat(answer.path("reason").asText()).contains("in its function's session "
                + LocalRuntime.WORKER_FUNCTION_NAME);
        assertThat(runtime.incidentIds()).noneMatch(id -> runtime.incident(id).map(i -> i.resource().id())
                .filter(group.groupId()::equals).isPresent());
        assertThat(rulesOn(group)).isEqualTo(2);
    }
}
