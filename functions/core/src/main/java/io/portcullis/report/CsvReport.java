package io.portcullis.report;

import io.portcullis.incident.Incident;
import io.portcullis.rule.Finding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The weekly report's incidents as CSV (RFC 4180): a header row, then one row per incident, CRLF line ends; a field
 * holding a comma, a quote, CR or LF is quoted, with its quotes doubled. Instants are ISO-8601 UTC; a missing value
 * is an empty field. Rows are written one at a time to the {@link Appendable}, so 10,000 incidents never become one
 * string.
 *
 * <p>Spreadsheet formula injection: a text field from data (resource ids, principals, event names, account names…) that starts
 * with {@code =}, {@code +}, {@code -}, {@code @}, tab or CR gets a leading {@code '}, so Excel or Sheets shows it
 * rather than evaluating it. Numbers this class computes itself (durations, which can be negative under clock skew)
 * are left as numbers.
 *
 * <p>Columns, in order: {@value #HEADER}. {@code week} is the ISO week of {@code detectedAt} in the report's time
 * zone; {@code family} is the first finding's; {@code rules} the findings' rule ids joined with {@code ;};
 * {@code timeToContainSeconds} runs from {@code detectedAt} to {@link #containedAt}; {@code accountName} and
 * {@code organizationalUnit} are the account's as recorded at detection (empty for incidents recorded before they
 * were known), so a pivot table gives the report's breakdown per account and per unit. A new column is one line in
 * {@link #columns}.
 */
public final class CsvReport {

    static final String HEADER = "incidentId,week,status,priority,response,resolution,family,rules,account,region,"
            + "resourceType,resourceId,origin,actorPrincipal,eventName,eventTime,detectedAt,acknowledgedAt,decidedAt,"
            + "remediatedAt,verifiedAt,resolvedAt,timeToDetectSeconds,timeToContainSeconds,protocolRow,accountName,"
            + "organizationalUnit";

    private record Column(String name, boolean fromData, Function<Incident, String> value) {
    }

    private CsvReport() {
    }

    /** As {@link #write(List, ZoneId, Appendable)} with weeks counted in UTC. */
    public static void write(List<Incident> incidents, Appendable out) {
        write(incidents, ZoneOffset.UTC, out);
    }

    /**
     * @param zone the report's time zone, which decides the {@code week} column
     * @throws UncheckedIOException when {@code out} fails
     */
    public static void write(List<Incident> incidents, ZoneId zone, Appendable out) {
        List<Column> columns = columns(zone);
        try {
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(columns.get(i).name());
            }
            out.append("\r\n");
            StringBuilder row = new StringBuilder(512);
            for (Incident incident : incidents) {
                row.setLength(0);
                for (int i = 0; i < columns.size(); i++) {
                    if (i > 0) {
                        row.append(',');
                    }
                    Column c = columns.get(i);
                    String v = c.value().apply(incident);
                    appendField(row, c.fromData() ? guard(v) : v);
                }
                out.append(row).append("\r\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the incidents CSV: " + e.getMessage(), e);
        }
    }

    private static List<Column> columns(ZoneId zone) {
        return List.of(
                text("incidentId", Incident::incidentId),
                computed("week", i -> week(i.detectedAt(), zone)),
                computed("status", i -> i.status() == null ? null : i.status().name()),
                computed("priority", i -> i.priority() == null ? null : i.priority().name()),
                computed("response", i -> i.response() == null ? null : i.response().label()),
                computed("resolution", i -> i.resolution() == null ? null : i.resolution().name()),
                computed("family", i -> i.findings().isEmpty() || i.findings().get(0).family() == null ? null
                        : i.findings().get(0).family().key()),
                text("rules", CsvReport::rules),
                text("account", i -> i.resource() == null ? null : i.resource().account()),
                text("region", i -> i.resource() == null ? null : i.resource().region()),
                text("resourceType", i -> i.resource() == null ? null : i.resource().type()),
                text("resourceId", i -> i.resource() == null ? null : i.resource().id()),
                computed("origin", i -> i.origin() == null ? null : i.origin().key()),
                text("actorPrincipal", i -> i.actor() == null ? null : i.actor().principalArn()),
                text("eventName", Incident::eventName),
                computed("eventTime", i -> instant(i.eventTime())),
                computed("detectedAt", i -> instant(i.detectedAt())),
                computed("acknowledgedAt", i -> instant(i.acknowledgedAt())),
                computed("decidedAt", i -> instant(i.decidedAt())),
                computed("remediatedAt", i -> instant(i.remediatedAt())),
                computed("verifiedAt", i -> instant(i.verifiedAt())),
                computed("resolvedAt", i -> instant(i.resolvedAt())),
                computed("timeToDetectSeconds", i -> seconds(i.eventTime(), i.detectedAt())),
                computed("timeToContainSeconds", i -> seconds(i.detectedAt(), containedAt(i))),
                text("protocolRow", i -> i.decision() == null ? null
                        : i.decision().row() + ": " + i.decision().rowName()),
                // Last, so a sheet built on the columns before them still reads them where it did.
                text("accountName", Incident::accountName),
                text("organizationalUnit", Incident::accountUnit));
    }

    /**
     * When the incident was contained: remediated, or else verified gone with nothing left to change; null while
     * it is not. The report's time to contain is measured to this instant.
     */
    static Instant containedAt(Incident i) {
        return i.remediatedAt() != null ? i.remediatedAt() : i.verifiedAt();
    }

    /** A field whose text comes from outside (AWS, people): guarded against formula injection. */
    private static Column text(String name, Function<Incident, String> value) {
        return new Column(name, true, value);
    }

    /** A field this class spells itself (enum keys, instants, numbers): never a formula. */
    private static Column computed(String name, Function<Incident, String> value) {
        return new Column(name, false, value);
    }

    private static String rules(Incident i) {
        Set<String> ids = new LinkedHashSet<>();
        for (Finding f : i.findings()) {
            if (f.ruleId() != null) {
                ids.add(f.ruleId());
            }
        }
        return String.join(";", ids);
    }

    private static String week(Instant at, ZoneId zone) {
        if (at == null) {
            return null;
        }
        var date = at.atZone(zone).toLocalDate();
        return String.format(Locale.ROOT, "%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    private static String instant(Instant at) {
        return at == null ? null : at.toString();
    }

    private static String seconds(Instant from, Instant to) {
        return from == null || to == null ? null : Long.toString(Duration.between(from, to).toSeconds());
    }

    /** Prefixes {@code '} to text a spreadsheet would read as a formula (OWASP's CSV injection advice). */
    static String guard(String v) {
        if (v == null || v.isEmpty()) {
            return v;
        }
        char c = v.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + v : v;
    }

    /** RFC 4180: quoted when it holds a comma, quote, CR or LF, with quotes doubled; null is an empty field. */
    static void appendField(StringBuilder row, String v) {
        if (v == null) {
            return;
        }
        boolean quote = false;
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!quote) {
            row.append(v);
            return;
        }
        row.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                row.append('"');
            }
            row.append(c);
        }
        row.append('"');
    }
}
