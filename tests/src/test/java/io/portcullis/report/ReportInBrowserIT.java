package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.report.ReportFigures.AccountFigures;
import io.portcullis.report.ReportFigures.Breach;
import io.portcullis.report.ReportFigures.ExpiringException;
import io.portcullis.report.ReportFigures.Measures;
import io.portcullis.report.ReportFigures.OpenIncident;
import io.portcullis.report.ReportFigures.Outcomes;
import io.portcullis.report.ReportFigures.RepeatResource;
import io.portcullis.report.ReportFigures.RiskyPrincipal;
import io.portcullis.report.ReportFigures.Timing;
import io.portcullis.report.ReportFigures.UnitFigures;
import io.portcullis.report.ReportFigures.WeekCounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The weekly report's HTML page as a reader's browser sees it: opened from disk in headless Chromium (Debian's
 * package, which {@code ./portcullis test} installs with playwright-core from {@code tests/browser}), with no console
 * or page error, nothing loaded besides the page, and every chart titled, described and labelled on both axes. The
 * pages and their full-page screenshots stay in {@code tests/target/report-artifacts/} as the test's artifacts.
 * Needs no AWS emulator.
 */
class ReportInBrowserIT {

    static final Path ROOT = LocalRuntime.repositoryRoot();
    static final Path ARTIFACTS = ROOT.resolve("tests/target/report-artifacts");
    static final Instant FROM = Instant.parse("2026-11-16T00:00:00Z");
    static final Instant TO = Instant.parse("2026-11-23T00:00:00Z");

    @Test
    void aBusyWeeksPageOpensCleanlyWithAccessibleCharts() throws Exception {
        JsonNode result = openInChromium("report-busy-week", HtmlReport.render(busyWeek()));

        assertCleanPage(result);
        assertThat(result.path("charts").asInt()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void anEmptyWeeksPageOpensCleanlyWithAccessibleCharts() throws Exception {
        JsonNode result = openInChromium("report-empty-week", HtmlReport.render(emptyWeek()));

        assertCleanPage(result);
        assertThat(result.path("charts").asInt()).isGreaterThanOrEqualTo(3);
    }

    static void assertCleanPage(JsonNode result) throws IOException {
        assertThat(result.path("consoleErrors")).as("console errors").isEmpty();
        assertThat(result.path("pageErrors")).as("page errors").isEmpty();
        assertThat(result.path("chartProblems")).as("chart problems").isEmpty();
        assertThat(result.path("externalRequests")).as("requests besides the page").isEmpty();
        Path png = Path.of(result.path("screenshot").asText());
        assertThat(png).exists();
        assertThat(Files.size(png)).as("screenshot size").isGreaterThan(20_000);
    }

    /** Writes the page, runs tests/browser/check-page.mjs on it and returns the JSON it prints. */
    static JsonNode openInChromium(String name, String html) throws Exception {
        Path browserDir = ROOT.resolve("tests/browser");
        assertThat(browserDir.resolve("node_modules/playwright-core")).as(
                "playwright-core is not installed: ./portcullis test installs it (or run npm ci in tests/browser)")
                .isDirectory();
        Files.createDirectories(ARTIFACTS);
        Path page = ARTIFACTS.resolve(name + ".html");
        Path png = ARTIFACTS.resolve(name + ".png");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        Files.deleteIfExists(png);
        Path log = ARTIFACTS.resolve(name + ".check.log");
        Process process = new ProcessBuilder("node", browserDir.resolve("check-page.mjs").toString(),
                page.toString(), png.toString())
                .redirectError(log.toFile())
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("check-page.mjs finished").isTrue();
        String stdout = new String(out, StandardCharsets.UTF_8).trim();
        assertThat(process.exitValue()).as("check-page.mjs exit; stdout: %s; stderr: %s", stdout,
                Files.readString(log)).isZero();
        return Json.mapper().readTree(stdout);
    }

    static Map<String, Integer> keyed(List<String> keys, int... counts) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            m.put(keys.get(i), counts[i]);
        }
        return m;
    }

    static final List<String> PRIORITIES = List.of("P1", "P2", "P3", "P4");
    static final List<String> FAMILIES = List.of("security-group", "s3", "iam", "audit-logging");
    static final List<String> ORIGINS = List.of("console", "infrastructure-as-code", "cli-sdk", "aws-service", "unknown");

    static WeekCounts week(String week, int p1, int p2, int p3, int p4) {
        int total = p1 + p2 + p3 + p4;
        return new WeekCounts(week, total, keyed(PRIORITIES, p1, p2, p3, p4),
                keyed(FAMILIES, total - total / 2, total / 4, total / 8, total / 2 - total / 4 - total / 8),
                keyed(List.of("111122223333", "444455556666"), total - total / 3, total / 3),
                keyed(ORIGINS, total / 2, total / 4, total - total / 2 - total / 4, 0, 0));
    }

    static ReportFigures busyWeek() {
        String hostile = "<script>alert(1)</script>";
        List<WeekCounts> weeks = List.of(week("2026-W43", 2, 5, 9, 12), week("2026-W44", 1, 7, 6, 10),
                week("2026-W45", 0, 3, 8, 15), week("2026-W46", 3, 6, 5, 11), week("2026-W47", 4, 8, 10, 15));
        List<Timing> timings = List.of(new Timing("P1", 4, 42L, 75L, 4, 180L, 1_500L, 900, 1),
                new Timing("P2", 8, 51L, 90L, 7, 5_400L, 19_800L, 14_400, 2),
                new Timing("P3", 10, 60L, 120L, 6, 172_800L, 500_000L, 604_800, 0),
                new Timing("P4", 15, 48L, 80L, 0, null, null, 2_592_000, 0));
        List<Breach> breaches = List.of(
                new Breach("inc-7f3c", "P1", "sg-0a1b2c3d4e5f60718", "111122223333", 1_500L, 900, 600),
                new Breach("inc-91aa", "P2", hostile, "444455556666", 19_800L, 14_400, 5_400),
                new Breach("inc-92bb", "P2", "arn:aws:iam::444455556666:role/deploy", "444455556666", null, 14_400,
                        40_000));
        List<OpenIncident> open = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            open.add(new OpenIncident("inc-open-" + i, "P3", "SCHEDULED", "sg-" + i, "111122223333",
                    FROM.minusSeconds(86_400L * (i % 20)), 86_400L * (i % 20 + 7) + 3_600L * (i % 24)));
        }
        // Per account and unit, adding up to the totals; the second account's owner chose a hostile name.
        Measures payments = new Measures(25, 17, keyed(PRIORITIES, 3, 5, 7, 10), new Outcomes(8, 4, 1, 1, 9, 2, 0),
                11, 600L, 19_800L, 1, 230);
        Measures other = new Measures(12, 8, keyed(PRIORITIES, 1, 3, 3, 5), new Outcomes(4, 2, 0, 0, 6, 0, 0), 6,
                5_400L, 40_000L, 2, 0);
        List<AccountFigures> accounts = List.of(new AccountFigures("111122223333", "payments-prod",
                "Root/Workloads/Prod", payments), new AccountFigures("444455556666", hostile, null, other));
        List<UnitFigures> units = List.of(new UnitFigures("Root/Workloads/Prod", 1, payments),
                new UnitFigures(null, 1, other));
        return new ReportFigures("2026-W47", "Europe/London", FROM, TO, TO.plusSeconds(9 * 3600), weeks,
                new Outcomes(12, 6, 1, 1, 15, 2, 0), timings, breaches, open,
                List.of(new RepeatResource("sg-0a1b2c3d4e5f60718", "111122223333", 4, 4,
                        List.of("inc-1", "inc-2", "inc-3", "inc-4"))),
                List.of(new RiskyPrincipal("arn:aws:sts::111122223333:assumed-role/Admin/" + hostile, 5,
                        keyed(PRIORITIES, 1, 2, 2, 0))),
                List.of(new ExpiringException("s3-public-read", "marketing-site", "web-team",
                        "Public website ' \" & " + hostile, LocalDate.of(2026, 11, 26), "exceptions.yaml:12")),
                accounts, units);
    }

    static ReportFigures emptyWeek() {
        List<WeekCounts> weeks = new ArrayList<>();
        for (int w = 43; w <= 47; w++) {
            weeks.add(week("2026-W" + w, 0, 0, 0, 0));
        }
        List<Timing> timings = List.of(new Timing("P1", 0, null, null, 0, null, null, 900, 0),
                new Timing("P2", 0, null, null, 0, null, null, 14_400, 0),
                new Timing("P3", 0, null, null, 0, null, null, 604_800, 0),
                new Timing("P4", 0, null, null, 0, null, null, 2_592_000, 0));
        return new ReportFigures("2026-W47", "UTC", FROM, TO, TO, weeks, new Outcomes(0, 0, 0, 0, 0, 0, 0), timings,
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
