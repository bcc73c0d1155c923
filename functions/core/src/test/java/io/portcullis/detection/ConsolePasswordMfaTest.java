package io.portcullis.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Protocol;
import io.portcullis.remediation.MfaDevices;
import io.portcullis.remediation.ResourceTags;
import io.portcullis.rule.RuleSet;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A console password is judged by whether its user has an MFA device, which the detector reads live (the event does
 * not say): without one it is high (P2 in production), with one low (recorded), unknown as before (low, saying so).
 */
class ConsolePasswordMfaTest {

    final List<String> asked = new ArrayList<>();

    DetectChange detector(OptionalInt devices) {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), new InMemorySecurityGroups(),
                ResourceTags.NONE, new InMemoryIncidentStore(), (incident, input) -> true,
                Clock.fixed(Instant.parse("2026-11-25T10:32:00Z"), ZoneOffset.UTC), RemediationMode.ENFORCE, Set.of())
                .withMfaDevices((MfaDevices) (account, user) -> {
                    asked.add(account + "/" + user);
                    return devices;
                });
    }

    @ParameterizedTest(name = "{0}, {1} MFA devices → {2}")
    @CsvSource(delimiter = '|', textBlock = """
        cloudtrail/iam-create-login-profile-console.json | 0  | iam-console-password-without-mfa | P2
        cloudtrail/iam-create-login-profile-console.json | 1  | iam-console-password-created     | P4
        cloudtrail/iam-create-login-profile-console.json | -1 | iam-console-password-created     | P4
        cloudtrail/iam-update-login-profile-console.json | 0  | iam-console-password-without-mfa | P2
        cloudtrail/iam-update-login-profile-console.json | 2  | iam-console-password-created     | P4
        """)
    void judgesThePasswordByTheUsersLiveMfaDevices(String sample, int devices, String rule, Priority priority) {
        DetectChange detect = detector(devices < 0 ? OptionalInt.empty() : OptionalInt.of(devices));

        DetectionResult result = detect.handle(Fixtures.bytes(sample));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().findings()).singleElement().satisfies(f -> assertThat(f.ruleId()).isEqualTo(rule));
            assertThat(o.incident().priority()).isEqualTo(priority);
        });
        assertThat(asked).containsExactly("123456789012/contractor-1");
    }

    @org.junit.jupiter.api.Test
    void whatAnEventSaysAboutMfaDevicesIsNeverBelieved() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(Fixtures.bytes("cloudtrail/iam-create-login-profile-console.json"));
        ((ObjectNode) event.path("detail").path("requestParameters")).put("portcullis:mfaDevices", 3);

        DetectionResult result = detector(OptionalInt.of(0)).handle(Json.mapper().writeValueAsBytes(event));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> assertThat(o.incident().findings())
                .singleElement().satisfies(f -> assertThat(f.ruleId()).isEqualTo("iam-console-password-without-mfa")));
    }
}
