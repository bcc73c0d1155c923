package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.detector.DetectorFunction;
import io.portcullis.detector.DetectorHandler;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.MotoOrganization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: in an organisation deployment the detector judges events from the organisation's accounts (read from AWS
 * Organizations), names the account and its unit on the incident, refuses (and logs) events from any other account,
 * and its "outside the organisation" in trust policies is the real organisation.
 */
class OrganisationMembershipIT {

    static final String HUB = "123456789012";
    static final String OUTSIDER = "444455556666";
    static final String CREATE_ROLE = "cloudtrail/iam-create-role-trust-external-account-terraform.json";
    static final MotoOrganization ORG = MotoOrganization.inEmulator();

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final LocalRuntime runtime = LocalRuntime.deploy(LocalRuntime.repositoryRoot(), Emulator.connection(),
            RemediationMode.DRY_RUN);
    final DetectorHandler detector;

    OrganisationMembershipIT() {
        Map<String, String> env = new HashMap<>(runtime.environment());
        env.put(FunctionSettings.ORGANIZATION_ID, ORG.id());
        detector = new DetectorHandler(DetectorFunction.build(env, Emulator.connection(), Clock.systemUTC()));
    }

    /** A member account in a unit of its own; its id. */
    String member(String name) {
        String unit = ORG.unit(ORG.root(), "Workloads-" + run);
        String account = ORG.account(name, Map.of("environment", "production"));
        ORG.move(account, ORG.root(), unit);
        return account;
    }

    /** The sample CreateRole made in {@code account}, its role trusting {@code trusted}, with a fresh event id. */
    byte[] createRole(String account, String trusted, String eventId) throws Exception {
        String text = Files.readString(LocalRuntime.repositoryRoot().resolve("events").resolve(CREATE_ROLE))
                .replace(OUTSIDER, "TRUSTED").replace(HUB, account).replace("TRUSTED", trusted)
                .replace("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a67", eventId);
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    JsonNode detect(byte[] event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        detector.handleRequest(new ByteArrayInputStream(event), out, null);
        return Json.mapper().readTree(out.toByteArray());
    }

    @Test
    void anEventFromAMemberIsJudgedAndItsIncidentNamesTheAccountAndItsUnit() throws Exception {
        String payments = member("payments-" + run);
        String eventId = UUID.randomUUID().toString();

        JsonNode answer = detect(createRole(payments, OUTSIDER, eventId));

        assertThat(answer.path("outcome").asText()).isEqualTo("incident-opened");
        Incident incident = runtime.incident(answer.path("incidentId").asText()).orElseThrow();
        assertThat(incident.resource().account()).isEqualTo(payments);
        assertThat(incident.accountName()).isEqualTo("payments-" + run);
        assertThat(incident.accountUnit()).isEqualTo("Root/Workloads-" + run);
        assertThat(incident.accountLabel()).isEqualTo("payments-" + run);
        assertThat(incident.environment()).as("the account's environment tag").isEqualTo("production");
        assertThat(incident.findings()).extracting(f -> f.ruleId()).containsExactly("iam-trust-external-account");
        assertThat(incident.findings().get(0).explanation()).contains("account " + OUTSIDER
                + ", outside your organisation");
    }

    @Test
    void aRoleTrustingAnotherMemberOfTheOrganisationIsNotFlagged() throws Exception {
        String payments = member("payments-" + run);
        String partner = ORG.account("partner-" + run, Map.of());

        JsonNode answer = detect(createRole(payments, partner, UUID.randomUUID().toString()));

        assertThat(answer.path("outcome").asText()).as(answer.toString()).isEqualTo("compliant");
    }

    @Test
    void anEventFromAnAccountOutsideTheOrganisationIsRefusedLoggedAndChangesNothing() throws Exception {
        member("payments-" + run);
        String eventId = UUID.randomUUID().toString();
        JsonNode answer;
        try (JsonLogCapture logs = new JsonLogCapture()) {
            answer = detect(createRole(OUTSIDER, "210987654321", eventId));

            assertThat(logs.warnings()).as("one WARN line: the event, the account and why")
                    .anySatisfy(line -> assertThat(line).contains("Refused " + eventId)
                            .contains("account " + OUTSIDER + " is not a member of this deployment")
                            .contains("organisation " + ORG.id())
                            .contains("Kept for replay"));
        }
        assertThat(answer.path("outcome").asText()).isEqualTo("refused");
        assertThat(answer.path("reason").asText()).contains(OUTSIDER);
        assertThat(runtime.incident(Incident.idFor(eventId))).as("no incident").isEmpty();
        assertThat(runtime.incidents().forResource(Incident.resourceKeyOf(io.portcullis.change.ResourceRef.iam("role", 
                "vendor-access", OUTSIDER)))).as("nothing recorded about the resource").isEmpty();
    }
}
