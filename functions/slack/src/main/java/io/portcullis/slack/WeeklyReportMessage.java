package io.portcullis.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import io.portcullis.report.Markup;
import io.portcullis.report.ReportFigures;
import io.portcullis.report.ReportFigures.Measures;
import io.portcullis.report.ReportLink;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The weekly report's summary in Slack: the headline figures, the worst accounts and organizational units, and where
 * to open the page. Account names and unit paths come from AWS Organizations, where an account's owner may set them,
 * so they are escaped in {@code plain_text}, never mrkdwn.
 */
final class WeeklyReportMessage {

    /** How many accounts, and units, the message names; the page lists them all. */
    static final int WORST = 3;

    private WeeklyReportMessage() {
    }

    static String fallback(ReportFigures f) {
        ReportFigures.WeekCounts week = f.weeks().get(f.weeks().size() - 1);
        return "Weekly remediation report " + f.week() + ": " + week.total() + " incidents, " + breaches(f)
                + " missed their target, " + f.stillOpen().size() + " still open.";
    }

    static List<LayoutBlock> blocks(ReportFigures f, ReportLink link) {
        ReportFigures.WeekCounts week = f.weeks().get(f.weeks().size() - 1);
        ReportFigures.WeekCounts before = f.weeks().size() > 1 ? f.weeks().get(f.weeks().size() - 2) : null;
        String change = before == null ? "" : " (" + (week.total() >= before.total() ? "+" : "")
                + (week.total() - before.total()) + " on " + before.week() + ")";
        List<TextObject> fields = new ArrayList<>();
        fields.add(field("Incidents", week.total() + change));
        fields.add(field("By priority", week.byPriority().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + " · " + b).orElse("none")));
        ReportFigures.Outcomes o = f.outcomes();
        fields.add(field("Handled", o.automatic() + " automatic · " + o.approved() + " approved · " + o.rejected()
                + " rejected · " + o.timedOut() + " timed out"));
        fields.add(field("Missed their target", Integer.toString(breaches(f))));
        fields.add(field("Still open", Integer.toString(f.stillOpen().size())));
        fields.add(field("Exceptions expiring in 14 days", Integer.toString(f.expiringExceptions().size())));
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText(SlackText.escape("Weekly remediation report " + f.week(),
                SlackText.HEADER), true))));
        blocks.add(section(s -> s.fields(fields)));
        for (ReportFigures.Timing t : f.timings()) {
            if (t.incidents() > 0 && t.containMedianSeconds() != null) {
                blocks.add(context(c -> c.elements(List.of(plainText(t.priority() + ": contained in "
                        + Markup.duration(t.containMedianSeconds()) + " (median), "
                        + Markup.duration(t.containP90Seconds()) + " (p90); target "
                        + Markup.duration(t.targetSeconds()), false)))));
            }
        }
        String accounts = worst("Accounts, worst first", f.accounts(), ReportFigures.AccountFigures::label,
                ReportFigures.AccountFigures::measures);
        String units = worst("Organizational units, worst first", f.units(), ReportFigures.UnitFigures::label,
                ReportFigures.UnitFigures::measures);
        for (String part : List.of(accounts, units)) {
            if (!part.isEmpty()) {
                blocks.add(section(s -> s.text(plainText(SlackText.truncate(part, SlackText.SECTION_TEXT), false))));
            }
        }
        if (link != null) {
            blocks.addAll(reportLink(link));
        }
        return blocks;
    }

    /**
     * The first {@value #WORST} rows with something to say (incidents this week, or still open), one a line:
     * "• payments-prod (111122223333): 5 incidents (P1 1, P2 2), 2 missed their target, 1 still open"; empty when
     * none has.
     */
    private static <T> String worst(String title, List<T> rows, Function<T, String> label,
                                    Function<T, Measures> measures) {
        List<T> shown = rows == null ? List.of() : rows.stream()
                .filter(r -> measures.apply(r).incidents() > 0 || measures.apply(r).stillOpen() > 0).toList();
        if (shown.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(title).append(':');
        for (T row : shown.subList(0, Math.min(WORST, shown.size()))) {
            Measures m = measures.apply(row);
            List<String> priorities = new ArrayList<>();
            m.byPriority().forEach((p, n) -> {
                if (n > 0) {
                    priorities.add(p + " " + n);
                }
            });
            text.append("\n• ").append(SlackText.escape(label.apply(row), 200)).append(": ").append(m.incidents())
                    .append(m.incidents() == 1 ? " incident" : " incidents")
                    .append(priorities.isEmpty() ? "" : " (" + String.join(", ", priorities) + ")")
                    .append(", ").append(m.breaches()).append(" missed their target, ").append(m.stillOpen())
                    .append(" still open");
        }
        if (shown.size() > WORST) {
            text.append("\n…and ").append(shown.size() - WORST).append(" more in the report.");
        }
        return text.toString();
    }

    private static int breaches(ReportFigures f) {
        return f.timings().stream().mapToInt(ReportFigures.Timing::breaches).sum();
    }

    private static TextObject field(String label, String mrkdwnValue) {
        return markdownText(SlackText.truncate("*" + label + "*\n" + mrkdwnValue, SlackText.SECTION_FIELD));
    }

    /** When a report link stops working, as the message says it: "Thu 10 Dec 14:02 UTC". */
    private static final DateTimeFormatter LINK_UNTIL = DateTimeFormatter.ofPattern("EEE d MMM HH:mm 'UTC'",
            java.util.Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /**
     * The report's buttons, and a line that says truthfully how long the shareable link works (its signing
     * credentials' lifetime, often hours, not days) and that the console link keeps working for people with access.
     */
    private static List<LayoutBlock> reportLink(ReportLink link) {
        List<com.slack.api.model.block.element.BlockElement> buttons = new ArrayList<>();
        if (link.url() != null) {
            String label = link.expiresAt() == null ? "Open the report"
                    : "Open the report (link valid until " + LINK_UNTIL.format(link.expiresAt()) + ")";
            buttons.add(button(b -> b.actionId("open_report").url(link.url()).text(plainText(label))));
        }
        if (link.consoleUrl() != null) {
            buttons.add(button(b -> b.actionId("open_report_console").url(link.consoleUrl())
                    .text(plainText("Open in the S3 console"))));
        }
        List<LayoutBlock> out = new ArrayList<>();
        if (buttons.isEmpty()) {
            return out;
        }
        out.add(actions(a -> a.elements(buttons)));
        String note = null;
        if (link.url() != null && link.expiresAt() != null) {
            note = "The report link works until " + LINK_UNTIL.format(link.expiresAt()) + ", when the credentials"
                    + " that signed it expire" + (link.consoleUrl() == null ? "."
                    : "; the S3 console link keeps working for anyone whose AWS access can read the reports bucket.");
        } else if (link.url() == null && link.consoleUrl() != null) {
            note = "No shareable link this week: the credentials that would sign it expire too soon, or when is not"
                    + " known. Open the report in the S3 console with your AWS access.";
        }
        if (note != null) {
            String text = note;
            out.add(context(c -> c.elements(List.of(plainText(text, false)))));
        }
        return out;
    }
}
