package io.portcullis.report;

import io.portcullis.report.ReportFigures.AccountFigures;
import io.portcullis.report.ReportFigures.Measures;
import io.portcullis.report.ReportFigures.Timing;
import io.portcullis.report.ReportFigures.UnitFigures;
import io.portcullis.report.ReportFigures.WeekCounts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The report page's sections per account and per organizational unit: the totals' measures for each, worst first,
 * under a row of the totals they add up to. Names and unit paths come from AWS Organizations, where an account's
 * owner may set them: like every text from data they are escaped ({@link HtmlTable}).
 */
final class HtmlBreakdown {

    private static final String PRIORITIES = "P1 · P2 · P3 · P4";
    private static final String ORDER = "worst first: most breaches, then most still open, most P1, most P2, most"
            + " incidents";

    private HtmlBreakdown() {
    }

    /** Each account's id with what people call it ("payments-prod (111122223333)"), for the lists of incidents. */
    static Map<String, String> labels(List<AccountFigures> accounts) {
        Map<String, String> labels = new HashMap<>();
        accounts.forEach(a -> labels.put(a.account(), a.label()));
        return labels;
    }

    static void render(StringBuilder html, ReportFigures f, WeekCounts current, WeekCounts previous) {
        List<AccountFigures> accounts = f.accounts() == null ? List.of() : f.accounts();
        List<UnitFigures> units = f.units() == null ? List.of() : f.units();
        String[] totals = totals(f, current, previous);

        html.append("<section>\n<h2>By account</h2>\n");
        if (accounts.isEmpty()) {
            html.append(empty("No incidents in any account this week or the week before, and none still open."));
        } else {
            HtmlTable t = new HtmlTable("This week per account, " + ORDER, HtmlTable.col("Account"),
                    HtmlTable.col("Organizational unit"), HtmlTable.num("Incidents"), HtmlTable.num("Week before"),
                    HtmlTable.num(PRIORITIES), HtmlTable.num("Contained"), HtmlTable.num("Contain, median"),
                    HtmlTable.num("Breaches"), HtmlTable.num("Accepted risks"), HtmlTable.num("Still open"));
            for (AccountFigures a : accounts.subList(0, Math.min(accounts.size(), HtmlReport.MAX_ROWS))) {
                Measures m = a.measures();
                t.rowWithClass(m.breaches() > 0 ? 7 : -1, "breach", cells(a.label(),
                        a.unit() == null || a.unit().isBlank() ? ReportFigures.NO_UNIT : a.unit(), m));
            }
            t.totalRow(cells("All accounts", null, totals));
            html.append(t.html()).append(more(accounts.size()));
        }
        html.append("</section>\n");

        html.append("<section>\n<h2>By organizational unit</h2>\n");
        if (units.isEmpty()) {
            html.append(empty("No incidents in any organizational unit this week or the week before, and none still"
                    + " open."));
        } else {
            HtmlTable t = new HtmlTable("This week per organizational unit (each account counted in the unit last"
                    + " recorded for it), " + ORDER, HtmlTable.col("Organizational unit"), HtmlTable.num("Accounts"),
                    HtmlTable.num("Incidents"), HtmlTable.num("Week before"), HtmlTable.num(PRIORITIES),
                    HtmlTable.num("Contained"), HtmlTable.num("Contain, median"), HtmlTable.num("Breaches"),
                    HtmlTable.num("Accepted risks"), HtmlTable.num("Still open"));
            for (UnitFigures u : units.subList(0, Math.min(units.size(), HtmlReport.MAX_ROWS))) {
                t.rowWithClass(u.measures().breaches() > 0 ? 7 : -1, "breach", cells(u.label(),
                        Integer.toString(u.accounts()), u.measures()));
            }
            t.totalRow(cells("All units", Integer.toString(accounts.size()), totals));
            html.append(t.html()).append(more(units.size()));
        }
        html.append("</section>\n");
    }

    private static String[] cells(String first, String second, Measures m) {
        return cells(first, second, new String[] {Integer.toString(m.incidents()),
                Integer.toString(m.weekBefore()), priorities(m.byPriority()),
                Integer.toString(m.contained()), Markup.duration(m.containMedianSeconds()),
                Integer.toString(m.breaches()), m.outcomes() == null ? null : Integer.toString(m.outcomes().rejected()),
                Integer.toString(m.stillOpen())});
    }

    private static String[] cells(String first, String second, String[] measures) {
        String[] row = new String[2 + measures.length];
        row[0] = first;
        row[1] = second;
        System.arraycopy(measures, 0, row, 2, measures.length);
        return row;
    }

    /** "1 · 3 · 3 · 5" under the heading {@value #PRIORITIES}: four numbers where a table has room for one. */
    private static String priorities(Map<String, Integer> byPriority) {
        StringJoiner j = new StringJoiner(" · ");
        ReportCharts.PRIORITIES.forEach(p -> j.add(Integer.toString(ReportCharts.count(byPriority, p))));
        return j.toString();
    }

    /** The totals the rows add up to, as the measures' cells; the median is not a sum and reads "—". */
    private static String[] totals(ReportFigures f, WeekCounts current, WeekCounts previous) {
        List<Timing> timings = f.timings() == null ? List.of() : f.timings();
        return new String[] {Integer.toString(current == null ? 0 : current.total()),
                Integer.toString(previous == null ? 0 : previous.total()),
                priorities(current == null ? Map.of() : current.byPriority()),
                Integer.toString(timings.stream().mapToInt(Timing::contained).sum()), null,
                Integer.toString(timings.stream().mapToInt(Timing::breaches).sum()),
                f.outcomes() == null ? null : Integer.toString(f.outcomes().rejected()),
                Integer.toString(f.stillOpen() == null ? 0 : f.stillOpen().size())};
    }

    private static String empty(String sentence) {
        return "<p class=\"empty\">" + Markup.escape(sentence) + "</p>\n";
    }

    private static String more(int size) {
        return size > HtmlReport.MAX_ROWS ? "<p class=\"more\">and " + (size - HtmlReport.MAX_ROWS)
                + " more — see the JSON.</p>\n" : "";
    }
}
