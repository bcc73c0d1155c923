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
import io.portcullis.protocol.Protocol;
import io.portcullis.protocol.Response;
import io.portcullis.report.ReportFigures.AccountFigures;
import io.portcullis.report.ReportFigures.Measures;
import io.portcullis.report.ReportFigures.Outcomes;
import io.portcullis.report.ReportFigures.UnitFigures;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** The report per account and per organizational unit: the totals' measures for each, adding up to the totals. */
class BreakdownTest {

    static final String WEEK = "2026-W47";
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final Map<Priority, Duration> TARGETS = Protocol.defaults().containWithin();
    static final Instant FROM = LocalDate.of(2026, 11, 16).atStartOfDay(LONDON).toInstant();
    static final Instant TO = LocalDate.of(2026, 11, 23).atStartOfDay(LONDON).toInstant();
    static final Instant HORIZON = LocalDate.of(2026, 10, 19).atStartOfDay(LONDON).toInstant();

    /** The generated history's three accounts: two in one unit, one in another; older incidents know neither. */
    static List<Incident> namedHistory() {
        Map<String, String[]> directory = Map.of(
                "111111111111", new String[] {"payments-prod", "Root/Workloads"},
                "222222222222", new String[] {"ledger-prod", "Root/Workloads"},
                "333333333333", new String[] {"sandbox", "Root/Sandbox"});
        Instant namesKnownFrom = FROM.plus(Duration.ofDays(2));
        List<Incident> out = new ArrayList<>();
        for (Incident i : History.generate(47, 400, HORIZON, TO)) {
            String[] entry = directory.get(i.resource().account());
            out.add(i.detectedAt().isBefore(namesKnownFrom) ? i : i.withAccount(entry[0], entry[1]));
        }
        return out;
    }

    static ReportFigures compute(List<Incident> history) {
        List<Incident> unfinished = history.stream().filter(i -> !i.status().isFinal()).toList();
        return WeeklyReport.compute(WEEK, LONDON, history, unfinished, TARGETS, List.of(), TO);
    }

    @Test
    void theRowsOfEachBreakdownAddUpToTheTotals() {
        ReportFigures f = compute(namedHistory());

        assertThat(f.accounts()).hasSize(3);
        assertThat(f.units()).extracting(UnitFigures::unit)
                .containsExactlyInAnyOrder("Root/Workloads", "Root/Sandbox");
        assertAddsUp(f, f.accounts().stream().map(AccountFigures::measures).toList());
        assertAddsUp(f, f.units().stream().map(UnitFigures::measures).toList());
        assertThat(f.units()).filteredOn(u -> u.unit().equals("Root/Workloads")).singleElement()
                .satisfies(u -> assertThat(u.accounts()).isEqualTo(2));
    }

    static void assertAddsUp(ReportFigures f, List<Measures> rows) {
        ReportFigures.WeekCounts week = f.weeks().get(4);
        assertThat(sum(rows, Measures::incidents)).isEqualTo(week.total()).isPositive();
        assertThat(sum(rows, Measures::weekBefore)).isEqualTo(f.weeks().get(3).total()).isPositive();
        for (String p : List.of("P1", "P2", "P3", "P4")) {
            assertThat(sum(rows, m -> m.byPriority().get(p))).as(p).isEqualTo(week.byPriority().get(p));
        }
        Outcomes o = f.outcomes();
        List<Function<Outcomes, Integer>> outcomes = List.of(Outcomes::automatic, Outcomes::approved,
                Outcomes::rejected, Outcomes::timedOut, Outcomes::recorded, Outcomes::open, Outcomes::failed);
        for (Function<Outcomes, Integer> outcome : outcomes) {
            assertThat(sum(rows, m -> outcome.apply(m.outcomes()))).isEqualTo(outcome.apply(o));
        }
        assertThat(sum(rows, Measures::contained))
                .isEqualTo(f.timings().stream().mapToInt(ReportFigures.Timing::contained).sum());
        assertThat(sum(rows, Measures::breaches)).isEqualTo(f.breaches().size()).isPositive();
        assertThat(sum(rows, Measures::stillOpen)).isEqualTo(f.stillOpen().size()).isPositive();
    }

    static int sum(List<Measures> rows, ToIntFunction<Measures> measure) {
        return rows.stream().mapToInt(measure).sum();
    }

    @Test
    void eachAccountsRowHoldsItsOwnIncidentsWithTheNewestNameAndUnitRecordedForIt() {
        List<Incident> history = namedHistory();
        ReportFigures f = compute(history);

        for (AccountFigures a : f.accounts()) {
            List<Incident> mine = history.stream().filter(i -> i.resource().account().equals(a.account())
                    && !i.detectedAt().isBefore(FROM) && i.detectedAt().isBefore(TO)).toList();
            assertThat(a.measures().incidents()).as(a.account()).isEqualTo(mine.size());
            assertThat(a.measures().byPriority().get("P1")).as(a.account())
                    .isEqualTo((int) mine.stream().filter(i -> i.priority() == Priority.P1).count());
            assertThat(a.measures().outcomes().rejected()).as(a.account() + " accepted risks")
                    .isEqualTo((int) mine.stream().filter(i -> i.resolution() == Resolution.REJECTED).count());
            assertThat(a.measures().breaches()).as(a.account()).isEqualTo((int) f.breaches().stream()
                    .filter(b -> b.account().equals(a.account())).count());
            assertThat(a.measures().stillOpen()).as(a.account()).isEqualTo((int) f.stillOpen().stream()
                    .filter(o -> o.account().equals(a.account())).count());
        }
        // Incidents recorded before names were known are counted with the account all the same.
        assertThat(f.accounts()).extracting(AccountFigures::label).containsExactlyInAnyOrder(
                "payments-prod (111111111111)", "ledger-prod (222222222222)", "sandbox (333333333333)");
    }

    @Test
    void worstFirstMostBreachesThenStillOpenThenP1s() {
        ReportFigures f = compute(namedHistory());

        for (List<Measures> rows : List.of(f.accounts().stream().map(AccountFigures::measures).toList(),
                f.units().stream().map(UnitFigures::measures).toList())) {
            for (int k = 1; k < rows.size(); k++) {
                assertThat(Measures.WORST_FIRST.compare(rows.get(k - 1), rows.get(k))).isLessThanOrEqualTo(0);
            }
        }
        Instant monday = FROM.plus(Duration.ofHours(9));
        List<Incident> two = List.of(
                incident("inc-quiet-1", "444444444444", Priority.P1, monday, 60L).withAccount("quiet", "Root/A"),
                incident("inc-quiet-2", "444444444444", Priority.P1, monday, 90L).withAccount("quiet", "Root/A"),
                incident("inc-late", "555555555555", Priority.P2, monday, null).withAccount("late", "Root/B"));
        ReportFigures small = compute(two);
        assertThat(small.accounts()).extracting(AccountFigures::account).as("a breach outranks two P1s on time")
                .containsExactly("555555555555", "444444444444");
        assertThat(small.units()).extracting(UnitFigures::unit).containsExactly("Root/B", "Root/A");
        assertThat(small.accounts().get(1).measures()).satisfies(m -> {
            assertThat(m.contained()).isEqualTo(2);
            assertThat(m.containMedianSeconds()).isEqualTo(60L);
            assertThat(m.containP90Seconds()).isEqualTo(90L);
            assertThat(m.breaches()).isZero();
        });
    }

    @Test
    void anAccountNoIncidentNamesIsItsIdInNoOrganizationalUnit() {
        Instant monday = FROM.plus(Duration.ofHours(9));
        ReportFigures f = compute(List.of(incident("inc-old", "666666666666", Priority.P2, monday, 30L),
                incident("inc-new", "777777777777", Priority.P2, monday, 30L).withAccount("web", "Root/Web")));

        assertThat(f.accounts()).filteredOn(a -> a.account().equals("666666666666")).singleElement()
                .satisfies(a -> {
                    assertThat(a.name()).isNull();
                    assertThat(a.unit()).isNull();
                    assertThat(a.label()).isEqualTo("666666666666");
                });
        assertThat(f.units()).extracting(UnitFigures::label)
                .containsExactlyInAnyOrder("Root/Web", ReportFigures.NO_UNIT);
        assertThat(WeeklyReport.compute(WEEK, LONDON, List.of(), List.of(), TARGETS, List.of(), TO))
                .satisfies(empty -> {
                    assertThat(empty.accounts()).isEmpty();
                    assertThat(empty.units()).isEmpty();
                });
    }

    /** An automatic incident contained {@code containedAfter} seconds after detection, or still open (null). */
    static Incident incident(String id, String account, Priority priority, Instant detected, Long containedAfter) {
        ResourceRef resource = ResourceRef.securityGroup("sg-" + id, account, "eu-west-1");
        Finding finding = Finding.of("sg-ingress-sensitive-port-public", RuleFamily.SECURITY_GROUP, Severity.CRITICAL,
                Exposure.INTERNET, resource, Map.of(), "SSH open to the internet");
        Instant contained = containedAfter == null ? null : detected.plusSeconds(containedAfter);
        return new Incident(id, 2, contained == null ? IncidentStatus.OPEN : IncidentStatus.RESOLVED,
                RemediationMode.ENFORCE, "evt-" + id, "AuthorizeSecurityGroupIngress", detected.minusSeconds(5),
                new Actor("arn:aws:sts::" + account + ":assumed-role/Admin/alice", "AssumedRole", null, true,
                        "198.51.100.7", "console"), Origin.CONSOLE, resource, "production", List.of(finding),
                priority, Response.AUTO, new Decision(priority, Response.AUTO, 1, "row", Map.of()), detected,
                contained, contained, contained, null, detected, contained == null ? null : Resolution.AUTOMATIC,
                null, contained == null ? null : "resolved", null, null, null, 1, null);
    }
}
