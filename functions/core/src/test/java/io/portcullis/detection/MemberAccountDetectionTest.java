package io.portcullis.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Resolution;
import io.portcullis.json.Json;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Environment;
import io.portcullis.protocol.Response;
import io.portcullis.testing.Fixtures;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.incident.RemediationMode;
import io.portcullis.protocol.Protocol;
import io.portcullis.rule.RuleSet;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An incident in another account or region: a single-account deployment cannot act there and puts it in front of a
 * person; an organisation's hub remediates it like one in its own account (its worker assumes the member's role).
 */
class MemberAccountDetectionTest {

    static final String CONSOLE_SSH = PortcullisOwnPowerTest.CONSOLE_SSH;
    final List<String> started = new ArrayList<>();

    DetectChange detector(Accounts accounts) {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), accounts), new InMemorySecurityGroups(),
                io.portcullis.remediation.ResourceTags.NONE, new InMemoryIncidentStore(), (incident, input) -> {
                    started.add(incident.incidentId());
                    return true;
                }, Clock.fixed(Instant.parse("2026-11-25T03:42:09Z"), ZoneOffset.UTC), RemediationMode.ENFORCE,
                Set.of(PortcullisOwnPowerTest.WORKER_ROLE))
                .withJurisdiction(PortcullisOwnPowerTest.ACCOUNT, "us-east-1");
    }

    static final String MEMBER = "111122223333";

    /** A world-open SSH rule added in the member account, region eu-west-1. */
    static byte[] inMember() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes(CONSOLE_SSH));
        event.put("account", MEMBER).put("region", "eu-west-1");
        ((ObjectNode) event.path("detail")).put("recipientAccountId", MEMBER).put("awsRegion", "eu-west-1");
        return Json.mapper().writeValueAsBytes(event);
    }

    @Test
    void aSingleAccountDeploymentQueuesThePlaybookButRemediatesNothingAutomaticallyElsewhere() throws Exception {
        DetectionResult result = detector(new Accounts(Map.of(MEMBER, Environment.PRODUCTION))).handle(inMember());

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().resource().account()).isEqualTo(MEMBER);
            assertThat(o.incident().response()).isEqualTo(Response.AUTO);
            assertThat(o.incident().resolution()).isNotEqualTo(Resolution.AUTOMATIC);
            assertThat(o.incident().timeline().get(0).detail()).contains("Portcullis may not act in account " + MEMBER
                    + " / eu-west-1: on-call is asked to act.");
            assertThat(o.queued()).as("its playbook hands it to a person").isTrue();
        });
    }

    @Test
    void anOrganisationsHubRemediatesAMemberAccountsIncidentAutomaticallyLikeItsOwn() throws Exception {
        DetectionResult result = detector(new Accounts(Map.of(MEMBER, Environment.PRODUCTION))).acrossOrganisation()
                .handle(inMember());

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().resource().account()).isEqualTo(MEMBER);
            assertThat(o.incident().resource().region()).isEqualTo("eu-west-1");
            assertThat(o.incident().resolution()).isEqualTo(Resolution.AUTOMATIC);
            assertThat(o.incident().timeline().get(0).detail()).doesNotContain("may not act");
            assertThat(o.queued()).isTrue();
        });
        assertThat(started).hasSize(1);
    }
}
