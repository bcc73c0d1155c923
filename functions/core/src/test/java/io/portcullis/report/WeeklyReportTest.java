package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Origin;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IsoWeek;
import io.portcullis.incident.Resolution;
import io.portcullis.json.Json;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Protocol;
import io.portcullis.protocol.Response;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The report's figures against the same figures computed here, independently and plainly, on a generated history of
 * a few hundred incidents over the five weeks (and some after the week, which must not count).
 */
class WeeklyReportTest {

    static final String WEEK = "2026-W47";
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final Map<Priority, Duration> TARGETS = Protocol.defaults().containWithin();
    final Instant from = LocalDate.of(2026, 11, 16).atStartOfDay(LONDON).toInstant();
    final Instant to = LocalDate.of(2026, 11, 23).atStartOfDay(LONDON).toInstant();
    final Instant horizon = LocalDate.of(2026, 10, 19).atStartOfDay(LONDON).toInstant();

    final List<Incident> history = new ArrayList<>(History.generate(47, 400, horizon, to));
    {
        history.addAll(History.generate(48, 30, to, to.plus(Duration.ofDays(3))));
    }
    final List<Incident> unfinished = history.stream().filter(i -> !i.status().isFinal()).toList();
    final JsonNode json = Json.mapper().valueToTree(WeeklyReport.compute(WEEK, LONDON, history, unfinished, TARGETS,
            List.of(), to));

    List<Incident> thisWeek() {
        return history.stream().filter(i -> !i.detectedAt().isBefore(from) && i.detectedAt().isBefore(to)).toList();
    }

    static Long rank(List<Long> values, int p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int rank = BigDecimal.valueOf(p).multiply(BigDecimal.valueOf(sorted.size()))
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING).intValue();
        return sorted.get(rank - 1);
    }

    static Long asLong(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asLong();
    }

    @Test
    void theWeeksBoundsAreMondaysInTheReportsTimeZone() {
        assertThat(json.path("from").asText()).isEqualTo("2026-11-16T00:00:00Z");
        assertThat(json.path("to").asText()).isEqualTo("2026-11-23T00:00:00Z");
        assertThat(json.path("weeks")).extracting(w -> w.path("week").asText())
                .containsExactly("2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47");
        Instant[] summer = WeeklyReport.bounds("2026-W27", LONDON);
        assertThat(summer[0]).isEqualTo(Instant.parse("2026-06-28T23:00:00Z"));
    }

    @Test
    void everyCountOfEveryWeekMatches() {
        for (JsonNode week : json.path("weeks")) {
            Instant[] b = WeeklyReport.bounds(week.path("week").asText(), LONDON);
            List<Incident> in = history.stream().filter(i -> !i.detectedAt().isBefore(b[0]) && i.detectedAt().isBefore(b[1]))
                    .toList();
            assertThat(week.path("total").asInt()).isEqualTo(in.size());
            for (Priority p : Priority.values()) {
                assertThat(week.path("byPriority").path(p.name()).asInt()).as(p.name())
                        .isEqualTo((int) in.stream().filter(i -> i.priority() == p).count());
            }
            for (Origin o : Origin.values()) {
                assertThat(week.path("byOrigin").path(o.key()).asInt()).as(o.key())
                        .isEqualTo((int) in.stream().filter(i -> i.origin() == o).count());
            }
            Map<String, Integer> accounts = new HashMap<>();
            in.forEach(i -> accounts.merge(i.resource().account(), 1, Integer::sum));
            accounts.forEach((a, n) -> assertThat(week.path("byAccount").path(a).asInt()).as(a).isEqualTo(n));
            in.stream().map(Incident::family).distinct().forEach(f -> assertThat(week.path("byFamily").path(f.key()).asInt())
                    .isEqualTo((int) in.stream().filter(i -> i.family() == f).count()));
        }
        assertThat(json.path("weeks").get(4).path("total").asInt()).isGreaterThan(50);
    }

    @Test
    void outcomesMatch() {
        List<Incident> week = thisWeek();
        JsonNode o = json.path("outcomes");
        assertThat(o.path("automatic").asInt()).isEqualTo(count(week, i -> i.resolution() == Resolution.AUTOMATIC));
        assertThat(o.path("approved").asInt()).isEqualTo(count(week, i -> i.resolution() == Resolution.APPROVED));
        assertThat(o.path("rejected").asInt()).isEqualTo(count(week, i -> i.resolution() == Resolution.REJECTED));
        assertThat(o.path("timedOut").asInt()).isEqualTo(count(week, i -> i.resolution() == Resolution.TIMED_OUT));
        assertThat(o.path("recorded").asInt()).isEqualTo(count(week, i -> i.resolution() == Resolution.RECORDED));
        assertThat(o.path("failed").asInt()).isEqualTo(count(week, i -> i.status() == IncidentStatus.FAILED));
        assertThat(o.path("open").asInt()).isEqualTo(count(week, this::openAtTheEnd));
    }

    @Test
    void medianAndNinetiethPercentileOfDetectAndContainPerPriorityMatch() {
        List<Incident> week = thisWeek();
        for (JsonNode t : json.path("timings")) {
            Priority p = Priority.valueOf(t.path("priority").asText());
            List<Incident> of = week.stream().filter(i -> i.priority() == p).toList();
            List<Long> detect = of.stream().map(i -> Duration.between(i.eventTime(), i.detectedAt()).toSeconds()).toList();
            List<Long> contain = new ArrayList<>();
            int breaches = 0;
            long target = TARGETS.get(p).toSeconds();
            for (Incident i : of) {
                Instant contained = i.remediatedAt() != null ? i.remediatedAt() : i.verifiedAt();
                Long took = contained != null && contained.isBefore(to)
                        ? Duration.between(i.detectedAt(), contained).toSeconds() : null;
                if (took != null) {
                    contain.add(took);
                }
                boolean exempt = i.response() == Response.RECORD || i.resolution() == Resolution.REJECTED;
                long measured = took != null ? took : Duration.between(i.detectedAt(), to).toSeconds();
                if (!exempt && measured > target) {
                    breaches++;
                }
            }
            assertThat(t.path("incidents").asInt()).as(p.name()).isEqualTo(of.size());
            assertThat(asLong(t.path("detectMedianSeconds"))).as(p + " detect p50").isEqualTo(rank(detect, 50));
            assertThat(asLong(t.path("detectP90Seconds"))).as(p + " detect p90").isEqualTo(rank(detect, 90));
            assertThat(t.path("contained").asInt()).as(p + " contained").isEqualTo(contain.size());
            assertThat(asLong(t.path("containMedianSeconds"))).as(p + " contain p50").isEqualTo(rank(contain, 50));
            assertThat(asLong(t.path("containP90Seconds"))).as(p + " contain p90").isEqualTo(rank(contain, 90));
            assertThat(t.path("targetSeconds").asLong()).isEqualTo(target);
            assertThat(t.path("breaches").asInt()).as(p + " breaches").isEqualTo(breaches);
        }
        int listed = json.path("breaches").size();
        int counted = 0;
        for (JsonNode t : json.path("timings")) {
            counted += t.path("breaches").asInt();
        }
        assertThat(listed).isEqualTo(counted).isPositive();
        for (JsonNode b : json.path("breaches")) {
            assertThat(b.path("overSeconds").asLong()).isPositive();
        }
    }

    @Test
    void stillOpenRepeatOffendersAndExpiringExceptionsMatch() {
        List<String> open = history.stream().filter(i -> i.detectedAt().isBefore(to) && openAtTheEnd(i))
                .map(Incident::incidentId).sorted().toList();
        assertThat(json.path("stillOpen")).extracting(n -> n.path("incidentId").asText())
                .containsExactlyInAnyOrderElementsOf(open);
        for (JsonNode n : json.path("stillOpen")) {
            Incident i = history.stream().filter(x -> x.incidentId().equals(n.path("incidentId").asText())).findFirst()
                    .orElseThrow();
            assertThat(n.path("ageSeconds").asLong()).isEqualTo(Duration.between(i.detectedAt(), to).toSeconds());
        }
        List<Incident> window = history.stream().filter(i -> i.detectedAt().isBefore(to)).toList();
        Map<String, Integer> remediated = new HashMap<>();
        // The same id in two accounts is two resources.
        window.stream().filter(i -> i.remediatedAt() != null)
                .forEach(i -> remediated.merge(i.resource().account() + "/" + i.resource().id(), 1, Integer::sum));
        Map<String, Integer> repeats = new HashMap<>();
        remediated.forEach((r, n) -> {
            if (n > 1) {
                repeats.put(r, n);
            }
        });
        Map<String, Integer> reported = new HashMap<>();
        json.path("repeatResources").forEach(r -> reported.put(r.path("account").asText() + "/" + r.path("resource").asText(),
                r.path("remediations").asInt()));
        assertThat(reported).isEqualTo(repeats).isNotEmpty();

        Map<String, Integer> console = new HashMap<>();
        window.stream().filter(i -> i.origin() == Origin.CONSOLE).forEach(i -> console.merge(i.actor().principalArn(), 1,
                Integer::sum));
        Map<String, Integer> risky = new HashMap<>();
        json.path("riskyPrincipals").forEach(r -> risky.put(r.path("principal").asText(), r.path("consoleIncidents").asInt()));
        console.values().removeIf(n -> n < 2);
        assertThat(risky).isEqualTo(console);

        LocalDate last = LocalDate.of(2026, 11, 23);
        List<String> expiring = window.stream().map(Incident::acceptedRisk).filter(Objects::nonNull)
                .filter(x -> !x.expires().isBefore(last) && !x.expires().isAfter(last.plusDays(14)))
                .map(x -> x.source()).sorted().toList();
        assertThat(json.path("expiringExceptions")).extracting(n -> n.path("source").asText())
                .containsExactlyInAnyOrderElementsOf(expiring);
    }

    @Test
    void anEmptyWeekAndAP4OnlyWeekAreReportedToo() {
        ReportFigures empty = WeeklyReport.compute("2026-W01", LONDON, List.of(), List.of(), TARGETS, List.of(), to);
        assertThat(empty.weeks()).hasSize(5).allSatisfy(w -> assertThat(w.total()).isZero());
        assertThat(empty.timings()).allSatisfy(t -> {
            assertThat(t.detectMedianSeconds()).isNull();
            assertThat(t.breaches()).isZero();
        });
        assertThat(HtmlReport.render(empty)).contains("2026-W01");

        List<Incident> p4 = History.generate(3, 60, from, to).stream().filter(i -> i.priority() == Priority.P4).toList();
        ReportFigures onlyP4 = WeeklyReport.compute(WEEK, LONDON, p4, List.of(), TARGETS, List.of(), to);
        assertThat(onlyP4.weeks().get(4).byPriority()).containsEntry("P4", p4.size()).containsEntry("P1", 0);
        assertThat(onlyP4.breaches()).as("record-only incidents are never breaches").isEmpty();
        assertThat(onlyP4.outcomes().recorded()).isEqualTo(p4.size());
        assertThat(HtmlReport.render(onlyP4)).contains("P4");
    }

    @Test
    void aWeekThatIsNotAnIsoWeekIsRefusedWithTheFormToUse() {
        assertThatThrownBy(() -> WeeklyReport.compute("2026-47", LONDON, List.of(), List.of(), TARGETS, List.of(), to))
                .hasMessageContaining("'2026-47' is not an ISO week like 2026-W47");
        assertThatThrownBy(() -> IsoWeek.monday("2026-W54")).hasMessageContaining("2026 has weeks 1 to 53");
        assertThat(IsoWeek.monday("2026-W53")).isEqualTo(LocalDate.of(2026, 12, 28));
        assertThat(IsoWeek.of(Instant.parse("2027-01-01T12:00:00Z"))).isEqualTo("2026-W53");
    }

    /** Not finished when the week ended: still open now, or closed (resolvedAt, else its last step) after the end. */
    boolean openAtTheEnd(Incident i) {
        if (i.status() == IncidentStatus.OPEN) {
            return true;
        }
        Instant closed = i.resolvedAt() != null ? i.resolvedAt() : i.timeline().get(i.timeline().size() - 1).at();
        return !closed.isBefore(to);
    }

    static int count(List<Incident> incidents, java.util.function.Predicate<Incident> p) {
        return (int) incidents.stream().filter(p).count();
    }
}
