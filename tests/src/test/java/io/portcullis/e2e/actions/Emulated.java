package io.portcullis.e2e.actions;

import io.portcullis.aws.AwsConnection;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.Emulator;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The emulator the test run started, and incidents as the detector would have opened them. */
final class Emulated {

    static final String ACCOUNT = "123456789012";

    static final AwsConnection AWS = Emulator.connection();

    private Emulated() {
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Finding finding(String ruleId, RuleFamily family, ResourceRef resource, Map<String, String> facts) {
        return Finding.of(ruleId, family, Severity.CRITICAL, Exposure.INTERNET, resource, facts, "test finding " + ruleId);
    }

    static Incident incident(ResourceRef resource, Finding... findings) {
        String event = UUID.randomUUID().toString();
        return new Incident(Incident.idFor(event), 1, IncidentStatus.OPEN, RemediationMode.ENFORCE, event, "Test",
                Instant.now(), null, null, resource, "production", List.of(findings), Priority.P1, Response.AUTO, null,
                Instant.now(), null, null, null, null, null, null, List.of(), null, List.of(), List.of(), List.of(), 1,
                null);
    }
}
