package io.portcullis.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portcullis.change.Origin;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped protocol (functions/policy/protocol.yaml), row by row. */
class ProtocolTest {

    private final Protocol protocol = Protocol.defaults();

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} → {5} {6} (row {7})")
    @CsvSource(textBlock = """
        AUDIT_LOGGING,  CRITICAL, INTERNAL, NON_PRODUCTION, INFRASTRUCTURE_AS_CODE, P1, AUTO,      1
        SECURITY_GROUP, CRITICAL, INTERNET, PRODUCTION,     CONSOLE,                P1, AUTO,      2
        SECURITY_GROUP, CRITICAL, INTERNET, UNKNOWN,        CONSOLE,                P1, AUTO,      2
        SECURITY_GROUP, CRITICAL, INTERNET, PRODUCTION,     CLI_SDK,                P2, APPROVAL,  3
        S3,             CRITICAL, INTERNET, PRODUCTION,     INFRASTRUCTURE_AS_CODE, P2, APPROVAL,  3
        IAM,            CRITICAL, INTERNAL, PRODUCTION,     CONSOLE,                P2, APPROVAL,  4
        IAM,            CRITICAL, INTERNAL, UNKNOWN,        CONSOLE,                P2, APPROVAL,  4
        SECURITY_GROUP, CRITICAL, INTERNET, NON_PRODUCTION, CONSOLE,                P2, APPROVAL,  5
        IAM,            HIGH,     INTERNAL, PRODUCTION,     CONSOLE,                P2, APPROVAL,  6
        SECURITY_GROUP, HIGH,     INTERNET, NON_PRODUCTION, CLI_SDK,                P3, SCHEDULED, 7
        S3,             MEDIUM,   INTERNAL, PRODUCTION,     CONSOLE,                P3, SCHEDULED, 8
        SECURITY_GROUP, LOW,      INTERNAL, PRODUCTION,     CONSOLE,                P4, RECORD,    9
        """)
    void firstMatchingRowDecides(RuleFamily family, Severity severity, Exposure exposure, Environment environment,
                                 Origin origin, Priority priority, Response response, int row) {
        Decision d = protocol.decide(family, severity, exposure, environment, origin);
        assertThat(d.priority()).isEqualTo(priority);
        assertThat(d.response()).isEqualTo(response);
        assertThat(d.row()).isEqualTo(row);
    }

    @Test
    void approvalRowsCarryTheirTimeLimitAndTimeoutAction() {
        assertThat(protocol.rows().get(2).approvalWithin()).isEqualTo(Duration.ofMinutes(15));
        assertThat(protocol.rows().get(2).onTimeout()).isEqualTo(TimeoutAction.REMEDIATE);
        assertThat(protocol.rows().get(4).approvalWithin()).isEqualTo(Duration.ofMinutes(60));
        assertThat(protocol.rows().get(4).onTimeout()).isEqualTo(TimeoutAction.ESCALATE);
    }

    @Test
    void scheduledRowsAskOnCallUnlessTheyApproveInAdvance() throws Exception {
        assertThat(protocol.rows().get(6)).satisfies(row -> {
            assertThat(row.response()).isEqualTo(Response.SCHEDULED);
            assertThat(row.approvedInAdvance()).isFalse();
            assertThat(row.notice()).isEqualTo(Duration.ofHours(1));
            assertThat(row.onTimeout()).isEqualTo(TimeoutAction.ESCALATE);
            assertThat(row.approvalWithin()).isNull();
        });
        var tree = new ObjectMapper(new YAMLFactory()).readTree("""
                version: 1
                rows:
                  - name: bare
                    priority: P3
                    response: scheduled
                  - name: standard change
                    priority: P3
                    response: scheduled
                    approval: {inAdvance: true}
                  - name: fix anyway
                    priority: P3
                    response: scheduled
                    approval: {notice: PT4H, onTimeout: remediate}
                """);
        var rows = Protocol.fromTree(tree).rows();
        assertThat(rows).extracting(ProtocolRow::approvedInAdvance).containsExactly(false, true, false);
        assertThat(rows).extracting(ProtocolRow::notice).containsExactly(Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofHours(4));
        assertThat(rows).extracting(ProtocolRow::onTimeout).containsExactly(TimeoutAction.ESCALATE,
                TimeoutAction.ESCALATE, TimeoutAction.REMEDIATE);
    }

    @Test
    void aFindingNoRowCoversGoesToOnCallNotToTheReport() throws Exception {
        var tree = new ObjectMapper(new YAMLFactory()).readTree("""
                version: 1
                rows:
                  - name: only medium
                    when: {severity: [medium]}
                    priority: P3
                    response: scheduled
                """);
        Decision d = Protocol.fromTree(tree).decide(RuleFamily.IAM, Severity.CRITICAL, Exposure.INTERNAL,
                Environment.PRODUCTION, Origin.CONSOLE);
        assertThat(d.priority()).isEqualTo(Priority.P2);
        assertThat(d.response()).isEqualTo(Response.APPROVAL);
        assertThat(d.row()).isZero();
    }

    @Test
    void eachPriorityHasATimeToContain() {
        assertThat(protocol.containWithin()).containsEntry(Priority.P1, Duration.ofMinutes(15))
                .containsEntry(Priority.P3, Duration.ofDays(7)).containsKeys(Priority.values());
    }

    @Test
    void recordsItsInputsSoThePriorityCanBeExplained() {
        Decision d = protocol.decide(RuleFamily.SECURITY_GROUP, Severity.CRITICAL, Exposure.INTERNET,
                Environment.UNKNOWN, Origin.CONSOLE);
        assertThat(d.rowName()).isEqualTo("critical, internet exposure, production, origin console");
        assertThat(d.inputs()).containsEntry("severity", "critical").containsEntry("origin", "console")
                .containsEntry("family", "security-group")
                .containsEntry("environment", "unknown (no environment tag or account entry; judged as production)");
    }

    @Test
    void refusesARowWithAnUnknownValueNamingRowAndField() throws Exception {
        var tree = new ObjectMapper(new YAMLFactory()).readTree("""
                version: 1
                rows:
                  - name: ok
                    priority: P1
                    response: auto
                  - name: typo
                    when: {severity: [critcal]}
                    priority: P2
                    response: approval
                """);
        assertThatThrownBy(() -> Protocol.fromTree(tree)).hasMessageContaining("rows[1].when.severity")
                .hasMessageContaining("critcal");
    }

    @ParameterizedTest
    @CsvSource({"production, PRODUCTION", "Prod, PRODUCTION", "prod-eu, PRODUCTION", "staging, NON_PRODUCTION",
            "dev, NON_PRODUCTION", "Sandbox, NON_PRODUCTION", "production-payments, PRODUCTION", "x, UNKNOWN",
            "prdo, UNKNOWN"})
    void readsTheEnvironmentTag(String value, Environment expected) {
        assertThat(Environment.fromTags(Map.of("Environment", value))).isEqualTo(expected);
        assertThat(Environment.fromTags(Map.of("env", value))).isEqualTo(expected);
        assertThat(Environment.fromTags(Map.of("Name", "web"))).isEqualTo(Environment.UNKNOWN);
    }

    /**
     * A tag raises, never lowers: in an account marked production every resource is production; elsewhere the tag
     * decides, then the account, else unknown (judged as production).
     */
    @ParameterizedTest(name = "account {0}, tag {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
        production     | PRODUCTION     | PRODUCTION
        production     | NON_PRODUCTION | PRODUCTION
        production     | UNKNOWN        | PRODUCTION
        non-production | PRODUCTION     | PRODUCTION
        non-production | NON_PRODUCTION | NON_PRODUCTION
        non-production | UNKNOWN        | NON_PRODUCTION
        unmarked       | PRODUCTION     | PRODUCTION
        unmarked       | NON_PRODUCTION | NON_PRODUCTION
        unmarked       | UNKNOWN        | UNKNOWN
        """)
    void aTagMayRaiseTheAccountsEnvironmentButNeverLowerAProductionAccount(String account, Environment tag,
                                                                          Environment expected) {
        Accounts accounts = new Accounts(Map.of("111122223333", Environment.PRODUCTION,
                "444455556666", Environment.NON_PRODUCTION));
        String id = switch (account) {
            case "production" -> "111122223333";
            case "non-production" -> "444455556666";
            default -> "999999999999";
        };
        assertThat(accounts.environmentOf(id, tag)).isEqualTo(expected);
    }
}
