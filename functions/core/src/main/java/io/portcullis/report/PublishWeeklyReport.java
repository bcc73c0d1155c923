package io.portcullis.report;

import io.portcullis.exception.PolicyException;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStore;
import io.portcullis.incident.IsoWeek;
import io.portcullis.json.Json;
import io.portcullis.notify.Notifier;
import io.portcullis.protocol.Priority;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The weekly report, from incidents to files and a Slack summary: reads the five weeks' incidents through the
 * incidents table's indexes, computes the figures ({@link WeeklyReport}), writes {@code report.html},
 * {@code incidents.csv} and {@code figures.json} under {@code reports/<week>/}, and posts the headline figures to
 * Slack with a link to the HTML page (valid for up to seven days, never past the expiry of the credentials that sign
 * it, and the message says until when) and the page in the S3 console. The report function and
 * {@code ./portcullis report} both run this.
 */
public final class PublishWeeklyReport {

    /** The longest a link is wanted for: SigV4's own limit on a presigned URL. */
    public static final Duration LINK_VALIDITY = Duration.ofDays(7);
    public static final String HTML = "report.html";
    public static final String CSV = "incidents.csv";
    public static final String JSON = "figures.json";

    /**
     * @param figures  what was reported
     * @param html     where the page is
     * @param csv      where the incidents are
     * @param json     where the figures are
     * @param link     where to open the page, or null
     */
    public record Published(ReportFigures figures, String html, String csv, String json, ReportLink link) {
    }

    private final IncidentStore incidents;
    private final ReportStore store;
    private final Notifier slack;
    private final Map<Priority, Duration> targets;
    private final List<PolicyException> exceptions;
    private final ZoneId zone;
    private final Clock clock;

    /** @param slack where the summary goes; null to post none */
    public PublishWeeklyReport(IncidentStore incidents, ReportStore store, Notifier slack,
                               Map<Priority, Duration> targets, List<PolicyException> exceptions, ZoneId zone,
                               Clock clock) {
        this.incidents = incidents;
        this.store = store;
        this.slack = slack;
        this.targets = Map.copyOf(targets);
        this.exceptions = List.copyOf(exceptions);
        this.zone = zone;
        this.clock = clock;
    }

    /** The week a report run now covers: the last complete one in the report's time zone. */
    public String lastWeek() {
        return IsoWeek.previous(clock.instant(), zone);
    }

    public Published publish(String week) {
        Instant[] bounds = WeeklyReport.bounds(week, zone);
        Instant horizon = WeeklyReport.bounds(IsoWeek.minus(week, WeeklyReport.WEEKS - 1), zone)[0];
        List<Incident> fiveWeeks = incidents.detectedBetween(horizon, bounds[1]);
        List<Incident> unfinished = incidents.unfinished();
        ReportFigures figures = WeeklyReport.compute(week, zone, fiveWeeks, unfinished, targets, exceptions,
                clock.instant());
        List<Incident> thisWeek = fiveWeeks.stream().filter(i -> !i.detectedAt().isBefore(bounds[0])).toList();

        String json;
        try {
            json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        try (Writer out = new OutputStreamWriter(csv, StandardCharsets.UTF_8)) {
            CsvReport.write(thisWeek, zone, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String htmlAt = store.put(week, HTML, "text/html; charset=utf-8",
                HtmlReport.render(figures).getBytes(StandardCharsets.UTF_8));
        String csvAt = store.put(week, CSV, "text/csv; charset=utf-8", csv.toByteArray());
        String jsonAt = store.put(week, JSON, "application/json", json.getBytes(StandardCharsets.UTF_8));
        ReportLink link = store.link(week, HTML, LINK_VALIDITY);
        if (slack != null) {
            slack.weeklyReport(figures, link);
        }
        return new Published(figures, htmlAt, csvAt, jsonAt, link);
    }
}
