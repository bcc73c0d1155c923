package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.change.ResourceRef;
import io.portcullis.detector.DetectorFunction;
import io.portcullis.detector.DetectorHandler;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.Sandbox;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Environment;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, tag lowering: whoever may tag a resource ({@code ec2:CreateTags}) tags a world-open group {@code env=dev}
 * to turn "P1, contain at once" into an approval that waits. In an account marked production the tag is overruled:
 * the group is still production, P1, and contained, and the incident says the tag was not believed.
 */
class TagLoweringAttackIT {

    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";
    static final String ACCOUNT = "123456789012";

    final LocalRuntime runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), Emulator.connection(),
            RemediationMode.ENFORCE);

    /** The local detector, with accounts.yaml saying what {@code environments} says. */
    JsonNode detect(Accounts accounts, Sandbox group) throws Exception {
        DetectorHandler detector = new DetectorHandler(DetectorFunction.build(runtime.environment(),
                Emulator.connection(), Clock.systemUTC()).withAccounts(accounts));
        byte[] event = Json.mapper().writeValueAsBytes(EventReplay.applyIngress(runtime.ec2(), EventReplay.retarget(
                EventReplay.load(LocalRuntime.repositoryRoot().resolve("events").resolve(CONSOLE_SSH)), group.groupId())));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        detector.handleRequest(new ByteArrayInputStream(event), out, null);
        return Json.mapper().readTree(out.toByteArray());
    }

    Sandbox devTaggedGroup() {
        return Sandbox.create(runtime.ec2(), "web-" + UUID.randomUUID().toString().substring(0, 8), "dev");
    }

    int rulesOn(Sandbox group) {
        return new Ec2SecurityGroups(r -> runtime.ec2()).describe(ResourceRef.securityGroup(group.groupId(), ACCOUNT,
                "us-east-1")).orElseThrow().ingress().size();
    }

    @Test
    void aDevTagOnAWorldOpenGroupInAProductionAccountIsStillP1AndContained() throws Exception {
        Sandbox group = devTaggedGroup();

        JsonNode answer = detect(new Accounts(Map.of(ACCOUNT, Environment.PRODUCTION)), group);
        Incident incident = runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        runtime.runPlaybook(incident.incidentId());

        assertThat(incident.environment()).isEqualTo("production");
        assertThat(incident.priority()).isEqualTo(Priority.P1);
        assertThat(incident.response()).isEqualTo(Response.AUTO);
        assertThat(incident.timeline().get(0).detail()).contains("The resource's environment tag says non-production,"
                + " but account " + ACCOUNT + " is marked production: a tag may make the environment stricter, never"
                + " weaker.");
        assertThat(runtime.incident(incident.incidentId()).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(rulesOn(group)).as("the world-open rule is revoked").isEqualTo(1);
    }

    @Test
    void inAnAccountNotMarkedProductionTheTagStillDecides() throws Exception {
        Sandbox group = devTaggedGroup();

        JsonNode answer = detect(Accounts.none(), group);
        Incident incident = runtime.incident(answer.path("incidentId").asText()).orElseThrow();

        assertThat(incident.environment()).isEqualTo("non-production");
        assertThat(incident.response()).isNotEqualTo(Response.AUTO);
    }
}
