package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.change.Actor;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.Resolution;
import io.portcullis.protocol.Decision;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.time.Instant;
import java.time.ZoneId;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CsvReportTest {

    static final Instant EVENT = Instant.parse("2026-11-22T23:30:00Z");

    static Incident incident(String id, String resourceId, String principal, String eventName) {
        ResourceRef resource = ResourceRef.securityGroup(resourceId, "111122223333", "eu-west-1");
        List<Finding> findings = List.of(
                Finding.of("sg-ingress-sensitive-port-public", RuleFamily.SECURITY_GROUP, Severity.CRITICAL,
                        Exposure.INTERNET, resource, Map.of(), "SSH open to the internet"),
                Finding.of("sg-ingress-all-ports-public", RuleFamily.SECURITY_GROUP, Severity.CRITICAL,
                        Exposure.INTERNET, resource, Map.of(), "every port open to the internet"));
        return new Incident(id, 3, IncidentStatus.RESOLVED, RemediationMode.ENFORCE, "evt", eventName, EVENT,
                new Actor(principal, "AssumedRole", null, true, "198.51.100.7", "console"), Origin.CONSOLE, resource,
                "production", findings, Priority.P1, Response.AUTO,
                new Decision(Priority.P1, Response.AUTO, 2, "critical, internet, production", Map.of()),
                EVENT.plusSeconds(42), EVENT.plusSeconds(150), EVENT.plusSeconds(160), EVENT.plusSeconds(170),
                EVENT.plusSeconds(60), EVENT.plusSeconds(42), Resolution.AUTOMATIC, null, "resolved", null, null,
                null, 1, null);
    }

    static String csv(List<Incident> incidents, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        CsvReport.write(incidents, zone, out);
        return out.toString();
    }

    @Test
    void writesAHeaderAndOneCrlfRowPerIncident() {
        String csv = csv(List.of(incident("inc-1", "sg-0a1b", "arn:aws:sts::111122223333:assumed-role/Admin/alice",
                "AuthorizeSecurityGroupIngress")), ZoneId.of("Europe/London"));

        assertThat(csv).isEqualTo(CsvReport.HEADER + "\r\n"
                + "inc-1,2026-W47,RESOLVED,P1,auto,AUTOMATIC,security-group,"
                + "sg-ingress-sensitive-port-public;sg-ingress-all-ports-public,111122223333,eu-west-1,"
                + "AWS::EC2::SecurityGroup,sg-0a1b,console,arn:aws:sts::111122223333:assumed-role/Admin/alice,"
                + "AuthorizeSecurityGroupIngress,2026-11-22T23:30:00Z,2026-11-22T23:30:42Z,2026-11-22T23:31:00Z,"
                + "2026-11-22T23:30:42Z,2026-11-22T23:32:30Z,"
                + "2026-11-22T23:32:40Z,2026-11-22T23:32:50Z,42,108,\"2: critical, internet, production\",,\r\n");
    }

    @Test
    void countsTheWeekInTheReportsTimeZone() {
        Incident late = incident("inc-1", "sg-1", "p", "e").withRemediation(List.of(), null, null, null);
        assertThat(csv(List.of(late), ZoneId.of("UTC"))).contains(",2026-W47,");
        StringBuilder out = new StringBuilder();
        CsvReport.write(List.of(incident("inc-1", "sg-1", "p", "e")), out);
        assertThat(out.toString()).contains(",2026-W47,");
        // 23:30:42 UTC on Sunday is 08:30 on Monday in Tokyo: the next ISO week.
        assertThat(csv(List.of(late), ZoneId.of("Asia/Tokyo"))).contains(",2026-W48,");
    }

    @Test
    void quotesCommasQuotesAndLineBreaksAndDoublesQuotes() {
        String csv = csv(List.of(incident("inc-1", "sg \"quoted\", with comma", "line\r\nbreak", "plain")),
                ZoneId.of("UTC"));

        assertThat(csv).contains(",\"sg \"\"quoted\"\", with comma\",").contains(",\"line\r\nbreak\",plain,");
    }

    @Test
    void keepsFormulasFromRunningInASpreadsheet() {
        String csv = csv(List.of(incident("inc-1", "=HYPERLINK(\"x\")", "+cmd", "-2+3"),
                incident("inc-2", "@SUM(A1)", "\tTab", "\rCr")), ZoneId.of("UTC"));

        assertThat(csv).contains(",\"'=HYPERLINK(\"\"x\"\")\",").contains(",'+cmd,'-2+3,")
                .contains(",'@SUM(A1),").contains(",'\tTab,").contains(",\"'\rCr\",");
        assertThat(CsvReport.guard("sg-1")).isEqualTo("sg-1");
        assertThat(CsvReport.guard("")).isEmpty();
    }

    @Test
    void namesTheAccountAndItsUnitAsRecordedAtDetectionGuardedLikeAnyTextFromOutside() {
        String csv = csv(List.of(incident("inc-1", "sg-1", "p", "e").withAccount("payments-prod", "Root/Workloads"),
                incident("inc-2", "sg-2", "p", "e").withAccount("=HYPERLINK(\"http://x\")", "@Root/Sandbox, old")),
                ZoneId.of("UTC"));

        assertThat(CsvReport.HEADER).endsWith(",protocolRow,accountName,organizationalUnit");
        String[] rows = csv.split("\r\n");
        assertThat(rows[1]).endsWith(",payments-prod,Root/Workloads");
        assertThat(rows[2]).endsWith(",\"'=HYPERLINK(\"\"http://x\"\")\",\"'@Root/Sandbox, old\"");
    }

    @Test
    void leavesTheNumbersItComputesAsNumbersAndMissingValuesEmpty() {
        Incident skewed = new Incident("inc-1", 1, IncidentStatus.OPEN, RemediationMode.ENFORCE, "evt", "e", EVENT,
                null, null, null, null, List.of(), Priority.P4, Response.RECORD, null, EVENT.minusSeconds(5), null,
                null, null, null, null, null, null, null, null, null, null, 1, null);

        assertThat(csv(List.of(skewed), ZoneId.of("UTC")).split("\r\n")[1])
                .isEqualTo("inc-1,2026-W47,OPEN,P4,record,,,,,,,,,,e,2026-11-22T23:30:00Z,2026-11-22T23:29:55Z,"
                        + ",,,,,-5,,,,");
    }

    @Test
    void streamsTenThousandIncidentsRowByRow() {
        Incident template = incident("inc-x", "sg-0a1b", "arn:aws:sts::111122223333:assumed-role/Admin/alice",
                "AuthorizeSecurityGroupIngress");
        // A list that makes its incidents as they are read, so the test holds no 10,000 of them either.
        List<Incident> incidents = new AbstractList<>() {
            @Override
            public Incident get(int i) {
                return incident("inc-" + i, template.resource().id(), template.actor().principalArn(),
                        template.eventName());
            }

            @Override
            public int size() {
                return 10_000;
            }
        };
        int[] lines = {0};
        int[] longestAppend = {0};
        long[] chars = {0};
        Appendable sink = new Appendable() {
            @Override
            public Appendable append(CharSequence s) {
                longestAppend[0] = Math.max(longestAppend[0], s.length());
                chars[0] += s.length();
                lines[0] += (int) s.chars().filter(c -> c == '\n').count();
                return this;
            }

            @Override
            public Appendable append(CharSequence s, int start, int end) {
                return append(s.subSequence(start, end));
            }

            @Override
            public Appendable append(char c) {
                return append(String.valueOf(c));
            }
        };

        CsvReport.write(incidents, ZoneId.of("UTC"), sink);

        assertThat(lines[0]).isEqualTo(10_001);
        assertThat(longestAppend[0]).isLessThan(1_000);
        assertThat(chars[0]).isGreaterThan(10_000L * 300);
    }
}
