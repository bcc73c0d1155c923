package io.portcullis.report;

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
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Report figures built by hand, as the figures code would hand them over, for the rendering tests. */
final class SampleFigures {

    static final Instant FROM = Instant.parse("2026-11-16T00:00:00Z");
    static final Instant TO = Instant.parse("2026-11-23T00:00:00Z");
    static final String HOSTILE = "<script>alert(1)</script>";

    private SampleFigures() {
    }

    static Map<String, Integer> priorities(int p1, int p2, int p3, int p4) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("P1", p1);
        m.put("P2", p2);
        m.put("P3", p3);
        m.put("P4", p4);
        return m;
    }

    static Map<String, Integer> families(int sg, int s3, int iam, int audit) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("security-group", sg);
        m.put("s3", s3);
        m.put("iam", iam);
        m.put("audit-logging", audit);
        return m;
    }

    static Map<String, Integer> origins(int console, int iac, int cli, int service, int unknown) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("console", console);
        m.put("infrastructure-as-code", iac);
        m.put("cli-sdk", cli);
        m.put("aws-service", service);
        m.put("unknown", unknown);
        return m;
    }

    static WeekCounts week(String week, Map<String, Integer> byPriority, Map<String, Integer> byAccount) {
        int total = byPriority.values().stream().mapToInt(Integer::intValue).sum();
        return new WeekCounts(week, total, byPriority, families(total, 0, 0, 0), byAccount,
                origins(total, 0, 0, 0, 0));
    }

    static List<Timing> zeroTimings() {
        return List.of(new Timing("P1", 0, null, null, 0, null, null, 900, 0),
                new Timing("P2", 0, null, null, 0, null, null, 14_400, 0),
                new Timing("P3", 0, null, null, 0, null, null, 604_800, 0),
                new Timing("P4", 0, null, null, 0, null, null, 2_592_000, 0));
    }

    static List<WeekCounts> zeroWeeks() {
        List<WeekCounts> weeks = new ArrayList<>();
        for (int w = 43; w <= 47; w++) {
            weeks.add(new WeekCounts("2026-W" + w, 0, priorities(0, 0, 0, 0), families(0, 0, 0, 0), Map.of(),
                    origins(0, 0, 0, 0, 0)));
        }
        return weeks;
    }

    /** A week without a single incident, before or during. */
    static ReportFigures emptyWeek() {
        return new ReportFigures("2026-W47", "Europe/London", FROM, TO, TO.plusSeconds(9 * 3600), zeroWeeks(),
                new Outcomes(0, 0, 0, 0, 0, 0, 0), zeroTimings(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of());
    }

    /** Only record-only findings: nothing to contain, so every time to contain is null. */
    static ReportFigures p4Only() {
        List<WeekCounts> weeks = new ArrayList<>(zeroWeeks().subList(0, 4));
        weeks.add(new WeekCounts("2026-W47", 6, priorities(0, 0, 0, 6), families(0, 2, 3, 1),
                Map.of("111122223333", 6), origins(4, 0, 2, 0, 0)));
        List<Timing> timings = List.of(new Timing("P1", 0, null, null, 0, null, null, 900, 0),
                new Timing("P2", 0, null, null, 0, null, null, 14_400, 0),
                new Timing("P3", 0, null, null, 0, null, null, 604_800, 0),
                new Timing("P4", 6, 95L, 140L, 0, null, null, 2_592_000, 0));
        Measures all = new Measures(6, 0, priorities(0, 0, 0, 6), new Outcomes(0, 0, 0, 0, 6, 0, 0), 0, null, null, 0,
                0);
        return new ReportFigures("2026-W47", "UTC", FROM, TO, TO.plusSeconds(60), weeks,
                new Outcomes(0, 0, 0, 0, 6, 0, 0), timings, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(new AccountFigures("111122223333", null, null, all)),
                List.of(new UnitFigures(null, 1, all)));
    }

    /** A busy week with every section filled, and names a hostile principal would choose. */
    static ReportFigures realistic(String hostileName) {
        Map<String, Integer> accounts = new LinkedHashMap<>();
        accounts.put("111122223333", 21);
        accounts.put("444455556666", 16);
        List<WeekCounts> weeks = List.of(
                week("2026-W43", priorities(2, 5, 9, 12), Map.of("111122223333", 28)),
                week("2026-W44", priorities(1, 7, 6, 10), Map.of("111122223333", 24)),
                week("2026-W45", priorities(0, 3, 8, 15), Map.of("111122223333", 26)),
                week("2026-W46", priorities(3, 6, 5, 11), Map.of("111122223333", 25)),
                new WeekCounts("2026-W47", 37, priorities(4, 8, 10, 15), families(19, 9, 6, 3), accounts,
                        origins(14, 11, 8, 2, 2)));
        List<Timing> timings = List.of(
                new Timing("P1", 4, 42L, 75L, 4, 180L, 1_500L, 900, 1),
                new Timing("P2", 8, 51L, 90L, 7, 5_400L, 19_800L, 14_400, 2),
                new Timing("P3", 10, 60L, 120L, 6, 172_800L, 500_000L, 604_800, 0),
                new Timing("P4", 15, 48L, 80L, 0, null, null, 2_592_000, 0));
        List<Breach> breaches = List.of(
                new Breach("inc-7f3c", "P1", "sg-0a1b2c3d4e5f60718", "111122223333", 1_500L, 900, 600),
                new Breach("inc-91aa", "P2", hostileName, "444455556666", 19_800L, 14_400, 5_400),
                new Breach("inc-92bb", "P2", "arn:aws:iam::444455556666:role/deploy", "444455556666", null, 14_400,
                        40_000));
        List<OpenIncident> open = List.of(
                new OpenIncident("inc-5d21", "P3", "SCHEDULED", "bucket/" + hostileName, "111122223333",
                        FROM.minusSeconds(3 * 86_400), 10 * 86_400 + 4 * 3600),
                new OpenIncident("inc-92bb", "P2", "AWAITING_APPROVAL", "arn:aws:iam::444455556666:role/deploy",
                        "444455556666", TO.minusSeconds(54_400), 54_400));
        List<RepeatResource> repeats = List.of(
                new RepeatResource("sg-0a1b2c3d4e5f60718", "111122223333", 4, 4,
                        List.of("inc-1", "inc-2", "inc-3", "inc-4")),
                new RepeatResource(hostileName, "444455556666", 2, 0, List.of("inc-5", "inc-6")));
        List<RiskyPrincipal> principals = List.of(
                new RiskyPrincipal("arn:aws:sts::111122223333:assumed-role/Admin/" + hostileName, 5,
                        priorities(1, 2, 2, 0)),
                new RiskyPrincipal("arn:aws:iam::444455556666:user/bob", 2, priorities(0, 1, 1, 0)));
        List<ExpiringException> expiring = List.of(
                new ExpiringException("s3-public-read", "marketing-site", "web-team", "Public website; \"temporary\" "
                        + hostileName + " & more", LocalDate.of(2026, 11, 26), "exceptions.yaml:12"),
                new ExpiringException("sg-ingress-sensitive-port-public", "sg-0fedcba9876543210", "alice",
                        "vendor demo", LocalDate.of(2026, 12, 4), "slack rejection by alice"));
        // The rows add up to the totals above; the second account's owner named it, and its unit, as they liked.
        Measures payments = new Measures(21, 25, priorities(3, 4, 6, 8), new Outcomes(7, 3, 0, 1, 8, 2, 0), 10, 900L,
                200_000L, 1, 1);
        Measures other = new Measures(16, 0, priorities(1, 4, 4, 7), new Outcomes(5, 3, 1, 0, 7, 0, 0), 7, 3_600L,
                19_800L, 2, 1);
        List<AccountFigures> byAccount = List.of(
                new AccountFigures("444455556666", hostileName, "Root/" + hostileName, other),
                new AccountFigures("111122223333", "payments-prod", "Root/Workloads/Prod", payments));
        List<UnitFigures> byUnit = List.of(new UnitFigures("Root/" + hostileName, 1, other),
                new UnitFigures("Root/Workloads/Prod", 1, payments));
        return new ReportFigures("2026-W47", "Europe/London", FROM, TO, TO.plusSeconds(9 * 3600), weeks,
                new Outcomes(12, 6, 1, 1, 15, 2, 0), timings, breaches, open, repeats, principals, expiring, byAccount,
                byUnit);
    }

    /** A 10,000-incident week: aggregated counts, and the lists that grow with it. */
    static ReportFigures tenThousand() {
        List<WeekCounts> weeks = new ArrayList<>(zeroWeeks().subList(0, 4));
        weeks.add(new WeekCounts("2026-W47", 10_000, priorities(1_000, 2_000, 3_000, 4_000),
                families(6_000, 2_000, 1_500, 500), Map.of("111122223333", 10_000), origins(4_000, 3_000, 2_000, 500, 500)));
        List<Breach> breaches = new ArrayList<>();
        List<OpenIncident> open = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            breaches.add(new Breach("inc-b" + i, "P1", "sg-" + i, "111122223333", 2_000L, 900, 1_100));
            open.add(new OpenIncident("inc-o" + i, "P3", "SCHEDULED", "sg-" + i, "111122223333", FROM, 700_000));
        }
        List<Timing> timings = List.of(
                new Timing("P1", 1_000, 30L, 60L, 1_000, 600L, 2_000L, 900, 2_500),
                new Timing("P2", 2_000, 30L, 60L, 2_000, 3_600L, 7_200L, 14_400, 0),
                new Timing("P3", 3_000, 30L, 60L, 500, 900_000L, 6_000_000L, 604_800, 2_500),
                new Timing("P4", 4_000, 30L, 60L, 0, null, null, 2_592_000, 0));
        // 250 accounts of 40 incidents each, in five units.
        List<AccountFigures> accounts = new ArrayList<>();
        for (int a = 0; a < 250; a++) {
            accounts.add(new AccountFigures(String.format("%012d", 100_000_000_000L + a), "workload-" + a,
                    "Root/Unit" + a % 5, new Measures(40, 0, priorities(4, 8, 12, 16),
                    new Outcomes(12, 6, 0, 0, 16, 6, 0), 26, 600L, 900_000L, 20, 20)));
        }
        List<UnitFigures> units = new ArrayList<>();
        for (int u = 0; u < 5; u++) {
            units.add(new UnitFigures("Root/Unit" + u, 50, new Measures(2_000, 0, priorities(200, 400, 600, 800),
                    new Outcomes(600, 300, 0, 0, 800, 300, 0), 1_300, 600L, 900_000L, 1_000, 1_000)));
        }
        return new ReportFigures("2026-W47", "UTC", FROM, TO, TO, weeks, new Outcomes(3_000, 1_500, 0, 0, 4_000,
                1_500, 0), timings, breaches, open, List.of(), List.of(), List.of(), accounts, units);
    }
}
