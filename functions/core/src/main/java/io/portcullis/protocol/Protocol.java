package io.portcullis.protocol;

import io.portcullis.change.Origin;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Severity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decision table: the first row that matches a finding's severity, exposure, environment and origin decides
 * its priority and response. A resource with no environment tag is judged as production: an unlabelled resource
 * is no reason to leave the internet in.
 */
public record Protocol(List<ProtocolRow> rows) {

    public Protocol {
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a protocol needs at least one row");
        }
    }

    /** The default protocol of the first release (audit-logging rows arrive with those rules). */
    public static Protocol defaults() {
        Set<Environment> prod = Set.of(Environment.PRODUCTION);
        Set<Environment> nonProd = Set.of(Environment.NON_PRODUCTION);
        return new Protocol(List.of(
                new ProtocolRow("critical, internet exposure, production, origin console",
                        Set.of(Severity.CRITICAL), Set.of(Exposure.INTERNET), prod, Set.of(Origin.CONSOLE),
                        Priority.P1, Response.AUTO, null),
                new ProtocolRow("critical, internet exposure, production, any other origin",
                        Set.of(Severity.CRITICAL), Set.of(Exposure.INTERNET), prod, Set.of(),
                        Priority.P2, Response.APPROVAL, Duration.ofMinutes(15)),
                new ProtocolRow("critical, non-production",
                        Set.of(Severity.CRITICAL), Set.of(), nonProd, Set.of(),
                        Priority.P2, Response.APPROVAL, Duration.ofMinutes(60)),
                new ProtocolRow("high, production",
                        Set.of(Severity.HIGH), Set.of(), prod, Set.of(),
                        Priority.P2, Response.APPROVAL, Duration.ofMinutes(60)),
                new ProtocolRow("high, non-production",
                        Set.of(Severity.HIGH), Set.of(), nonProd, Set.of(),
                        Priority.P3, Response.SCHEDULED, null),
                new ProtocolRow("medium", Set.of(Severity.MEDIUM), Set.of(), Set.of(), Set.of(),
                        Priority.P3, Response.SCHEDULED, null),
                new ProtocolRow("low", Set.of(), Set.of(), Set.of(), Set.of(),
                        Priority.P4, Response.RECORD, null)));
    }

    public Decision decide(Severity severity, Exposure exposure, Environment environment, Origin origin) {
        Environment judged = environment == Environment.UNKNOWN ? Environment.PRODUCTION : environment;
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("severity", severity.label());
        inputs.put("exposure", exposure.name().toLowerCase(java.util.Locale.ROOT));
        inputs.put("environment", environment == Environment.UNKNOWN
                ? "unknown (no environment tag; judged as production)" : environment.label());
        inputs.put("origin", origin.label());
        for (int i = 0; i < rows.size(); i++) {
            ProtocolRow row = rows.get(i);
            if (row.matches(severity, exposure, judged, origin)) {
                return new Decision(row.priority(), row.response(), i + 1, row.name(), inputs);
            }
        }
        return new Decision(Priority.P4, Response.RECORD, 0, "no row matched; recorded only", inputs);
    }
}
