package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.change.Origin;
import io.portcullis.incident.Incident;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Protocol;
import io.portcullis.rule.RuleFamily;
import io.portcullis.testing.Cases;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text an attacker controls — resource ids, principals, account ids, and the account names and organizational units
 * an account's owner may set in AWS Organizations — made of what means something to HTML (tags,
 * attribute quotes, entities, comments) and to spreadsheets (leading {@code = + - @}, tab, CR, line breaks, commas,
 * quotes), through the weekly report's HTML page and CSV file.
 *
 * <p>The HTML property: every tag on the page is one of the report's own, well formed, its attribute values quoted and
 * free of quotes and angle brackets, so no data can open a tag or leave an attribute; no control character but tab,
 * LF and CR. The CSV property: the file parses back (RFC 4180) to a header and one row of {@value #COLUMNS} fields per
 * incident, each data field exactly what the incident holds, with a {@code '} before anything a spreadsheet would
 * evaluate. {@value #CASES} cases: each piece alone in all five fields first, then one to six pieces in each.
 */
class HostileTextInReportTest {

    static final int CASES = 200;
    static final int COLUMNS = 27;
    static final Set<String> OWN_TAGS = Set.of("!doctype", "html", "head", "meta", "title", "style", "body", "header",
            "h1", "h2", "h3", "p", "strong", "section", "footer", "table", "caption", "thead", "tbody", "tr", "th", "td",
            "figure", "figcaption", "svg", "g", "rect", "line", "text", "desc", "path", "circle", "polyline", "tspan",
            "span", "div", "ul", "li", "small", "abbr", "em", "b", "br", "dl", "dt", "dd", "nav", "main");
    static final Pattern TAG = Pattern.compile("<[^>]*>");
    static final Pattern WELL_FORMED = Pattern.compile(
            "</?([a-zA-Z][a-zA-Z0-9-]*|!doctype|!DOCTYPE)(\\s+[a-zA-Z][a-zA-Z0-9:_-]*(=\"[^\"<>]*\")?)*\\s*/?>");

    static final List<String> PIECES = List.of("<script>alert(1)</script>", "<EVIL>", "<img src=x onerror=alert(1)>",
            "\"", "'", "\" onmouseover=\"alert(1)", "' onfocus='x", "&", "&amp;", "&lt;", "<!--", "-->", "]]>",
            "</td></tr>", "</table><script>", "=HYPERLINK(\"http://evil\",\"x\")", "=1+1", "+1", "-1", "@SUM(A1)", "\t",
            "\r", "\n", "\r\n", ",", ";", "\u0000", "\u0007", "\u007f", "\u202E", "\u2028", "sg-0a1b", "EVIL", " ");

    static Stream<Arguments> hostileFields(TestInfo property) {
        List<Arguments> edges = PIECES.stream().map(p -> Arguments.of(p, p, p, p, p)).toList();
        return Cases.of(property, CASES, edges, r -> Arguments.of(hostile(r), hostile(r), hostile(r), hostile(r),
                hostile(r)));
    }

    static String hostile(SplittableRandom r) {
        return String.join("", Cases.listOf(r, 1, 6, () -> Cases.oneOf(r, PIECES)));
    }

    @Cases.Property
    @MethodSource("hostileFields")
    void attackerTextIsShownNeverRunAndNeverEvaluated(String resourceId, String principal, String account,
                                                      String accountName, String unit) {
        Instant[] week = WeeklyReport.bounds("2026-W47", ZoneOffset.UTC);
        Random random = new Random(resourceId.hashCode());
        List<Incident> incidents = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            incidents.add(History.incident(k, week[0].plus(Duration.ofHours(1 + 12L * k)), Priority.values()[k % 4],
                    RuleFamily.values()[k % RuleFamily.values().length], Origin.values()[k % Origin.values().length],
                    k % 2 == 0 ? account : "111122223333", k % 3 == 0 ? principal : "arn:aws:iam::1:user/a",
                    k % 2 == 1 ? resourceId : resourceId + k, random)
                    .withAccount(k % 2 == 0 ? accountName : "payments-prod", k % 4 < 2 ? unit : "Root/Workloads"));
        }
        ReportFigures figures = WeeklyReport.compute("2026-W47", ZoneOffset.UTC, incidents,
                incidents.stream().filter(i -> !i.status().isFinal()).toList(), Protocol.defaults().containWithin(),
                List.of(), week[1]);

        String html = HtmlReport.render(figures);
        Matcher tags = TAG.matcher(html);
        while (tags.find()) {
            String tag = tags.group();
            assertThat(tag).as("a tag of the report's own making").matches(WELL_FORMED);
            Matcher name = Pattern.compile("</?([!a-zA-Z][a-zA-Z0-9-]*)").matcher(tag);
            assertThat(name.find()).isTrue();
            assertThat(OWN_TAGS).as(tag).contains(name.group(1).toLowerCase());
        }
        String text = TAG.matcher(html.replaceAll("(?s)<style>.*?</style>", "")).replaceAll("");
        assertThat(text).as("no stray angle bracket outside tags").doesNotContain("<", ">");
        assertThat(html.chars().filter(c -> (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f).count())
                .as("control characters").isZero();

        StringBuilder csv = new StringBuilder();
        CsvReport.write(incidents, ZoneOffset.UTC, csv);
        List<List<String>> rows = parse(csv.toString());
        assertThat(rows).hasSize(incidents.size() + 1).allSatisfy(r -> assertThat(r).hasSize(COLUMNS));
        List<String> header = rows.get(0);
        int resourceColumn = header.indexOf("resourceId");
        int principalColumn = header.indexOf("actorPrincipal");
        int accountColumn = header.indexOf("account");
        int nameColumn = header.indexOf("accountName");
        int unitColumn = header.indexOf("organizationalUnit");
        Set<String> expected = new TreeSet<>();
        incidents.forEach(i -> expected.add(CsvReport.guard(i.resource().id())));
        Set<String> written = new TreeSet<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            written.add(row.get(resourceColumn));
            assertThat(row.get(nameColumn)).isIn(CsvReport.guard(accountName), "payments-prod");
            assertThat(row.get(unitColumn)).isIn(CsvReport.guard(unit), "Root/Workloads");
            for (int c : List.of(resourceColumn, principalColumn, accountColumn, nameColumn, unitColumn)) {
                assertThat(row.get(c)).as("a field a spreadsheet would evaluate").doesNotStartWith("=")
                        .doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t")
                        .doesNotStartWith("\r");
            }
        }
        assertThat(written).isEqualTo(expected);
    }

    /** RFC 4180, CRLF rows: what a spreadsheet reads. */
    static List<List<String>> parse(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        assertThat(field).as("the file ends with a complete row").isEmpty();
        assertThat(row).isEmpty();
        return rows;
    }
}
