package io.portcullis.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.change.Origin;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolTest {

    private final Protocol protocol = Protocol.defaults();

    @ParameterizedTest(name = "{0} {1} {2} {3} → {4} {5} (row {6})")
    @CsvSource(textBlock = """
        CRITICAL, INTERNET, PRODUCTION,     CONSOLE,                P1, AUTO,      1
        CRITICAL, INTERNET, UNKNOWN,        CONSOLE,                P1, AUTO,      1
        CRITICAL, INTERNET, PRODUCTION,     CLI_SDK,                P2, APPROVAL,  2
        CRITICAL, INTERNET, PRODUCTION,     INFRASTRUCTURE_AS_CODE, P2, APPROVAL,  2
        CRITICAL, INTERNET, NON_PRODUCTION, CONSOLE,                P2, APPROVAL,  3
        HIGH,     INTERNET, PRODUCTION,     CONSOLE,                P2, APPROVAL,  4
        HIGH,     INTERNET, NON_PRODUCTION, CLI_SDK,                P3, SCHEDULED, 5
        MEDIUM,   WIDE,     PRODUCTION,     CONSOLE,                P3, SCHEDULED, 6
        LOW,      INTERNAL, PRODUCTION,     CONSOLE,                P4, RECORD,    7
        """)
    void firstMatchingRowDecides(Severity severity, Exposure exposure, Environment environment, Origin origin,
                                 Priority priority, Response response, int row) {
        Decision d = protocol.decide(severity, exposure, environment, origin);
        assertThat(d.priority()).isEqualTo(priority);
        assertThat(d.response()).isEqualTo(response);
        assertThat(d.row()).isEqualTo(row);
    }

    @Test
    void recordsItsInputsSoThePriorityCanBeExplained() {
        Decision d = protocol.decide(Severity.CRITICAL, Exposure.INTERNET, Environment.UNKNOWN, Origin.CONSOLE);
        assertThat(d.rowName()).isEqualTo("critical, internet exposure, production, origin console");
        assertThat(d.inputs()).containsEntry("severity", "critical").containsEntry("origin", "console")
                .containsEntry("environment", "unknown (no environment tag; judged as production)");
    }

    @ParameterizedTest
    @CsvSource({"production, PRODUCTION", "Prod, PRODUCTION", "staging, NON_PRODUCTION", "dev, NON_PRODUCTION"})
    void readsTheEnvironmentTag(String value, Environment expected) {
        assertThat(Environment.fromTags(java.util.Map.of("Environment", value))).isEqualTo(expected);
        assertThat(Environment.fromTags(java.util.Map.of("env", value))).isEqualTo(expected);
        assertThat(Environment.fromTags(java.util.Map.of("Name", "web"))).isEqualTo(Environment.UNKNOWN);
    }
}
