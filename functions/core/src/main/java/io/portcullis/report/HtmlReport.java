package io.portcullis.report;

import io.portcullis.change.Origin;
import io.portcullis.report.ReportFigures.Breach;
import io.portcullis.report.ReportFigures.ExpiringException;
import io.portcullis.report.ReportFigures.OpenIncident;
import io.portcullis.report.ReportFigures.Outcomes;
import io.portcullis.report.ReportFigures.RepeatResource;
import io.portcullis.report.ReportFigures.RiskyPrincipal;
import io.portcullis.report.ReportFigures.Timing;
import io.portcullis.report.ReportFigures.WeekCounts;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The weekly report as one self-contained HTML5 page: inline CSS, charts as inline SVG, no script, no external font,
 * image, style sheet or link, so it opens the same from S3, a mail attachment or a disk, and prints black on white.
 *
 * <p>The page's promises, which tests check: every text from data is escaped (see {@link Markup#escape}); every
 * chart is an {@code <svg role="img" aria-labelledby="…">} with a {@code <title>}, a {@code <desc>} that states its
 * numbers, two {@code class="axis-label"} texts (x, then y) and a {@code <figcaption>}; a missing figure reads "—";
 * an empty list reads as a sentence; a long list shows its first {@value #MAX_ROWS} rows and says how many more
 * there are. The page contains no {@code <script}, no {@code http://} or {@code https://}, no {@code @import} and no
 * {@code url(}.
 *
 * <p>Example: {@code Files.writeString(dir.resolve("report.html"), HtmlReport.render(figures))}.
 */
public final class HtmlReport {

    /** The most rows a list shows; the rest are in the CSV (incidents) or the JSON (everything). */
    public static final int MAX_ROWS = 200;
    /** The most incident ids shown for one repeat offender. */
    static final int MAX_IDS = 10;

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM uuuu HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM uuuu", Locale.ENGLISH);

    private static final String CSS = """
            :root{color-scheme:light}
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#111;\
            background:#fff;margin:0 auto;max-width:62rem;padding:1.5rem;line-height:1.45}
            h1{font-size:1.6rem;margin:0 0 .25rem}
            h2{font-size:1.2rem;border-bottom:1px solid #888;padding-bottom:.2rem;margin:2rem 0 .6rem}
            p.lead{font-size:1.1rem;margin:.4rem 0}
            .meta{color:#333;font-size:.9rem;margin:.2rem 0}
            table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.88rem}
            caption{text-align:left;font-weight:600;padding:.3rem 0}
            th,td{border:1px solid #aaa;padding:.25rem .45rem;text-align:left;vertical-align:top}
            th{background:#eee;font-weight:600}
            .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            th.num{white-space:normal}
            .id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.82rem;overflow-wrap:anywhere}
            td.breach{font-weight:700}
            .empty,.more{font-style:italic}
            figure{margin:1rem 0 1.6rem;break-inside:avoid;page-break-inside:avoid}
            figcaption{font-size:.85rem;color:#333;margin-top:.3rem}
            svg.chart{max-width:100%;height:auto;display:block}
            svg text{font-size:12px;fill:#111}
            svg .tick{font-size:11px;fill:#333}
            svg .strong{font-weight:700;fill:#111}
            svg .axis-label{font-size:12px;font-weight:700}
            svg .legend-title{font-weight:700}
            svg .note{font-style:italic;fill:#333}
            svg .axis{stroke:#111;stroke-width:1}
            svg .grid{stroke:#bbb;stroke-width:1;stroke-dasharray:2 3}
            svg .bar{stroke:#111;stroke-width:1}
            svg .p1{fill:#8c1d18}
            svg .p2{fill:#e6954a}
            svg .p3{fill:#8db8e0}
            svg .p4{fill:#fff}
            svg .median{fill:#2b5c8a}
            svg .p90{fill:#a9c4e0}
            svg .count{fill:#6d8fb3}
            svg .texture{stroke:#111;stroke-width:1;opacity:.5}
            svg .target{stroke:#000;stroke-width:2;stroke-dasharray:6 3}
            svg .target-label{font-weight:700}
            svg .bar-label{font-weight:700;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
            @media print{
            body{max-width:none;padding:0;font-size:10pt;color:#000;background:#fff}
            *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
            h2{break-after:avoid;page-break-after:avoid}
            figure,tr{break-inside:avoid;page-break-inside:avoid}
            thead{display:table-header-group}
            th{background:#fff}
            @page{margin:14mm}
            }
            """;

    private HtmlReport() {
    }

    public static String render(ReportFigures f) {
        ZoneId zone = zone(f.timeZone());
        List<WeekCounts> weeks = list(f.weeks());
        WeekCounts current = weeks.isEmpty() ? null : weeks.get(weeks.size() - 1);
        WeekCounts previous = weeks.size() < 2 ? null : weeks.get(weeks.size() - 2);
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Portcullis weekly remediation report ").append(Markup.escape(f.week()))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");

        headline(html, f, zone, current, previous);

        html.append("<section>\n<h2>Charts</h2>\n");
        html.append(ReportCharts.weeksByPriority(weeks));
        html.append(ReportCharts.containAgainstTarget(list(f.timings())));
        Map<String, Integer> byOrigin = current == null || current.byOrigin() == null ? Map.of() : current.byOrigin();
        Map<String, Integer> byFamily = current == null || current.byFamily() == null ? Map.of() : current.byFamily();
        html.append(ReportCharts.countsBars("chart-origin", "This week's incidents by origin",
                "Figure 3. This week's incidents by how the change was made: in the console, by "
                        + "infrastructure-as-code, with the CLI or an SDK, by an AWS service, or unknown.",
                "origin", byOrigin, HtmlReport::originLabel));
        html.append(ReportCharts.countsBars("chart-family", "This week's incidents by rule family",
                "Figure 4. This week's incidents by the family of the rule that found them (the first finding's).",
                "rule family", byFamily, k -> k));
        html.append("</section>\n");

        HtmlBreakdown.render(html, f, current, previous);
        Map<String, String> accounts = HtmlBreakdown.labels(list(f.accounts()));
        outcomes(html, f.outcomes());
        timings(html, list(f.timings()));
        breaches(html, list(f.breaches()), accounts);
        stillOpen(html, list(f.stillOpen()), zone, accounts);
        repeatOffenders(html, list(f.repeatResources()), list(f.riskyPrincipals()), accounts);
        expiring(html, list(f.expiringExceptions()), f.to(), zone);

        html.append("<footer><p class=\"meta\">Generated by Portcullis at ").append(Markup.escape(when(f.generatedAt(), zone)))
                .append(" (").append(Markup.escape(f.timeZone())).append("). Durations are from detection; ")
                .append("percentiles are nearest-rank. The CSV beside this page lists every incident; the JSON ")
                .append("holds every figure.</p></footer>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void headline(StringBuilder html, ReportFigures f, ZoneId zone, WeekCounts current,
                                 WeekCounts previous) {
        int total = current == null ? 0 : current.total();
        html.append("<header>\n<h1>Weekly remediation report ").append(Markup.escape(f.week())).append("</h1>\n")
                .append("<p class=\"meta\">From ").append(Markup.escape(when(f.from(), zone))).append(" to ")
                .append(Markup.escape(when(f.to(), zone))).append(" (").append(Markup.escape(f.timeZone()))
                .append("; the end is excluded). In UTC: ").append(Markup.escape(iso(f.from()))).append(" to ")
                .append(Markup.escape(iso(f.to()))).append(".</p>\n");
        html.append("<p class=\"lead\"><strong>").append(total).append(total == 1 ? " incident" : " incidents")
                .append("</strong> this week");
        if (previous != null) {
            int diff = total - previous.total();
            html.append(", ").append(diff == 0 ? "as many as" : Math.abs(diff) + (diff > 0 ? " more than" : " fewer than"))
                    .append(" the week before (").append(Markup.escape(previous.week())).append(": ")
                    .append(previous.total()).append(")");
        }
        int breaches = list(f.timings()).stream().mapToInt(Timing::breaches).sum();
        int open = list(f.stillOpen()).size();
        html.append(". ").append(breaches).append(breaches == 1 ? " breach" : " breaches")
                .append(" of the protocol's time to contain; ").append(open)
                .append(open == 1 ? " incident" : " incidents").append(" still open.</p>\n");

        HtmlTable t = new HtmlTable("This week against the week before, by priority",
                HtmlTable.col("Priority"), HtmlTable.num("This week"), HtmlTable.num("Week before"), HtmlTable.num("Change"));
        for (String p : ReportCharts.PRIORITIES) {
            int now = current == null ? 0 : ReportCharts.count(current.byPriority(), p);
            String before = previous == null ? null : Integer.toString(ReportCharts.count(previous.byPriority(), p));
            String change = previous == null ? null : signed(now - ReportCharts.count(previous.byPriority(), p));
            t.row(p, Integer.toString(now), before, change);
        }
        t.row("All", Integer.toString(total), previous == null ? null : Integer.toString(previous.total()),
                previous == null ? null : signed(total - previous.total()));
        html.append(t.html()).append("</header>\n");
    }

    private static void outcomes(StringBuilder html, Outcomes o) {
        html.append("<section>\n<h2>Outcomes</h2>\n");
        Map<String, Integer> rows = new LinkedHashMap<>();
        String[] meaning = {
            "remediated without asking (protocol response auto)",
            "remediated after an on-call approval in Slack",
            "on-call rejected the remediation (accepted risk, with an exception)",
            "nobody decided within the protocol's limit; the timeout action applied",
            "record only (P4) or suppressed by an exception",
            "not finished at the end of the week",
            "the playbook failed; a person had to act"};
        rows.put("Automatic", o == null ? null : o.automatic());
        rows.put("Approved", o == null ? null : o.approved());
        rows.put("Rejected", o == null ? null : o.rejected());
        rows.put("Timed out", o == null ? null : o.timedOut());
        rows.put("Recorded", o == null ? null : o.recorded());
        rows.put("Open", o == null ? null : o.open());
        rows.put("Failed", o == null ? null : o.failed());
        int sum = rows.values().stream().mapToInt(v -> v == null ? 0 : v).sum();
        HtmlTable t = new HtmlTable("How this week's incidents were handled", HtmlTable.col("Outcome"), HtmlTable.num("Incidents"), HtmlTable.num("Share"),
                HtmlTable.col("Meaning"));
        int i = 0;
        for (Map.Entry<String, Integer> e : rows.entrySet()) {
            Integer v = e.getValue();
            t.row(e.getKey(), v == null ? null : v.toString(),
                    v == null || sum == 0 ? null : Math.round(100.0 * v / sum) + "%", meaning[i++]);
        }
        html.append(t.html()).append("</section>\n");
    }

    private static void timings(StringBuilder html, List<Timing> timings) {
        html.append("<section>\n<h2>Time to detect and to contain</h2>\n");
        if (timings.isEmpty()) {
            html.append(empty("No timings this week."));
        } else {
            HtmlTable t = new HtmlTable("Per priority, this week (median and 90th percentile)", HtmlTable.col("Priority"),
                    HtmlTable.num("Incidents"), HtmlTable.num("Detect, median"), HtmlTable.num("Detect, p90"), HtmlTable.num("Contained"),
                    HtmlTable.num("Contain, median"), HtmlTable.num("Contain, p90"), HtmlTable.num("Target"), HtmlTable.num("Breaches"));
            for (Timing x : timings) {
                t.rowWithClass(x.breaches() > 0 ? 8 : -1, "breach", x.priority(), Integer.toString(x.incidents()),
                        Markup.duration(x.detectMedianSeconds()), Markup.duration(x.detectP90Seconds()),
                        Integer.toString(x.contained()), Markup.duration(x.containMedianSeconds()),
                        Markup.duration(x.containP90Seconds()), Markup.duration(x.targetSeconds()),
                        Integer.toString(x.breaches()));
            }
            html.append(t.html());
        }
        html.append("</section>\n");
    }

    private static void breaches(StringBuilder html, List<Breach> breaches, Map<String, String> accounts) {
        html.append("<section>\n<h2>Breaches</h2>\n");
        if (breaches.isEmpty()) {
            html.append(empty("No breaches this week."));
        } else {
            HtmlTable t = new HtmlTable("Incidents contained later than their target, or still open past it",
                    HtmlTable.id("Incident"), HtmlTable.col("Priority"), HtmlTable.id("Resource"), HtmlTable.id("Account"), HtmlTable.num("Time to contain"),
                    HtmlTable.num("Target"), HtmlTable.num("Over by"));
            for (Breach b : breaches.subList(0, Math.min(breaches.size(), MAX_ROWS))) {
                t.row(b.incidentId(), b.priority(), b.resource(), accounts.getOrDefault(b.account(), b.account()),
                        b.containSeconds() == null ? "still open" : Markup.duration(b.containSeconds()),
                        Markup.duration(b.targetSeconds()), Markup.duration(b.overSeconds()));
            }
            html.append(t.html()).append(more(breaches.size(), "the CSV"));
        }
        html.append("</section>\n");
    }

    private static void stillOpen(StringBuilder html, List<OpenIncident> open, ZoneId zone,
                                  Map<String, String> accounts) {
        html.append("<section>\n<h2>Still open</h2>\n");
        if (open.isEmpty()) {
            html.append(empty("No incident is still open."));
        } else {
            HtmlTable t = new HtmlTable("Incidents not finished at the end of the week, oldest first", HtmlTable.id("Incident"),
                    HtmlTable.col("Priority"), HtmlTable.col("Status"), HtmlTable.id("Resource"), HtmlTable.id("Account"), HtmlTable.col("Detected"), HtmlTable.num("Age"));
            for (OpenIncident o : open.subList(0, Math.min(open.size(), MAX_ROWS))) {
                t.row(o.incidentId(), o.priority(), o.status(), o.resource(), accounts.getOrDefault(o.account(), o.account()),
                        when(o.detectedAt(), zone),
                        Markup.duration(o.ageSeconds()));
            }
            html.append(t.html()).append(more(open.size(), "the CSV"));
        }
        html.append("</section>\n");
    }

    private static void repeatOffenders(StringBuilder html, List<RepeatResource> resources,
                                        List<RiskyPrincipal> principals, Map<String, String> accounts) {
        html.append("<section>\n<h2>Repeat offenders</h2>\n");
        if (resources.isEmpty()) {
            html.append(empty("No resource was remediated more than once in the five weeks."));
        } else {
            HtmlTable t = new HtmlTable("Resources remediated more than once in the five weeks (often an infrastructure-as-code"
                    + " definition fighting the remediation)", HtmlTable.id("Resource"), HtmlTable.id("Account"), HtmlTable.num("Remediations"),
                    HtmlTable.num("From IaC"), HtmlTable.id("Incidents"));
            for (RepeatResource r : resources.subList(0, Math.min(resources.size(), MAX_ROWS))) {
                List<String> ids = list(r.incidentIds());
                String shown = String.join(", ", ids.subList(0, Math.min(ids.size(), MAX_IDS)))
                        + (ids.size() > MAX_IDS ? " and " + (ids.size() - MAX_IDS) + " more" : "");
                t.row(r.resource(), accounts.getOrDefault(r.account(), r.account()), Integer.toString(r.remediations()), Integer.toString(r.fromIac()),
                        shown);
            }
            html.append(t.html()).append(more(resources.size(), "the JSON"));
        }
        if (principals.isEmpty()) {
            html.append(empty("No principal made more than one risky console change in the five weeks."));
        } else {
            HtmlTable t = new HtmlTable("Principals whose console changes made more than one incident in the five weeks",
                    HtmlTable.id("Principal"), HtmlTable.num("Console incidents"), HtmlTable.col("By priority"));
            for (RiskyPrincipal p : principals.subList(0, Math.min(principals.size(), MAX_ROWS))) {
                t.row(p.principal(), Integer.toString(p.consoleIncidents()), ReportCharts.byPriority(p.byPriority()));
            }
            html.append(t.html()).append(more(principals.size(), "the JSON"));
        }
        html.append("</section>\n");
    }

    private static void expiring(StringBuilder html, List<ExpiringException> exceptions, Instant to, ZoneId zone) {
        html.append("<section>\n<h2>Exceptions expiring in the next 14 days</h2>\n");
        if (exceptions.isEmpty()) {
            html.append(empty("No exception expires in the next 14 days."));
        } else {
            LocalDate end = to == null ? null : to.atZone(zone).toLocalDate();
            HtmlTable t = new HtmlTable("Exceptions in force that expire within 14 days after the week, soonest first",
                    HtmlTable.col("Expires"), HtmlTable.num("Days left"), HtmlTable.id("Rule"), HtmlTable.id("Resource"), HtmlTable.col("Owner"), HtmlTable.col("Reason"),
                    HtmlTable.id("Source"));
            for (ExpiringException e : exceptions.subList(0, Math.min(exceptions.size(), MAX_ROWS))) {
                t.row(e.expires() == null ? null : DAY.format(e.expires()),
                        e.expires() == null || end == null ? null
                                : Long.toString(ChronoUnit.DAYS.between(end, e.expires())),
                        e.rule(), e.resource(), e.owner(), e.reason(), e.source());
            }
            html.append(t.html()).append(more(exceptions.size(), "the JSON"));
        }
        html.append("</section>\n");
    }

    private static String originLabel(String key) {
        for (Origin o : Origin.values()) {
            if (o.key().equals(key)) {
                return o.label();
            }
        }
        return key;
    }

    private static String empty(String sentence) {
        return "<p class=\"empty\">" + Markup.escape(sentence) + "</p>\n";
    }

    private static String more(int size, String where) {
        return size > MAX_ROWS ? "<p class=\"more\">and " + (size - MAX_ROWS) + " more — see " + where + ".</p>\n" : "";
    }

    private static String signed(int v) {
        return v > 0 ? "+" + v : v < 0 ? "−" + -v : "0";
    }

    private static ZoneId zone(String timeZone) {
        try {
            return timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    private static String when(Instant at, ZoneId zone) {
        return at == null ? null : WHEN.format(at.atZone(zone));
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }

    private static <T> List<T> list(List<T> maybe) {
        return maybe == null ? List.of() : maybe;
    }
}
