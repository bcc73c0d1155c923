package io.portcullis.report;

import io.portcullis.change.Origin;
import io.portcullis.exception.PolicyException;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IsoWeek;
import io.portcullis.incident.Resolution;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.rule.RuleFamily;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Computes the figures of one week's remediation report from the incidents, the protocol's targets and the
 * exceptions. Pure: the same inputs give the same figures.
 *
 * <p>Definitions (also in the README):
 * <ul>
 *   <li>a week is Monday 00:00 to the next Monday 00:00 in the report's time zone; an incident belongs to the week
 *       it was detected in;</li>
 *   <li>time to detect = detectedAt − eventTime; time to contain = containedAt − detectedAt, where containedAt is
 *       remediatedAt, or verifiedAt when there was nothing left to change;</li>
 *   <li>an incident is finished at resolvedAt, or, for those closed without it (rejected, aborted, failed), at its
 *       last timeline entry; it is open at an instant it was detected before and not finished by;</li>
 *   <li>an incident is to be contained unless it is record-only, suppressed, accepted as a risk (rejected) or a
 *       dry run; those are never breaches. One to be contained breaches its priority's target when it was
 *       contained later than the target, or was not contained by the end of the week and is older than it;</li>
 *   <li>percentiles are nearest-rank.</li>
 * </ul>
 */
public final class WeeklyReport {

    /** How far ahead the report looks for expiring exceptions. */
    public static final int EXPIRY_HORIZON_DAYS = 14;
    /** The weeks compared: this one and the four before. */
    public static final int WEEKS = 5;

    static final List<String> PRIORITIES = List.of("P1", "P2", "P3", "P4");
    static final List<String> FAMILIES = java.util.Arrays.stream(RuleFamily.values()).map(RuleFamily::key).toList();
    static final List<String> ORIGINS = java.util.Arrays.stream(Origin.values()).map(Origin::key).toList();

    private WeeklyReport() {
    }

    /** The first instant of the week in the zone, and the first of the next. */
    public static Instant[] bounds(String week, ZoneId zone) {
        LocalDate monday = IsoWeek.monday(week);
        return new Instant[] {monday.atStartOfDay(zone).toInstant(), monday.plusWeeks(1).atStartOfDay(zone).toInstant()};
    }

    /**
     * @param incidents   the incidents detected in the five weeks (more are ignored)
     * @param unfinished  incidents not finished now, whenever detected (for "still open")
     * @param targets     the protocol's time to contain per priority
     * @param exceptions  the declared exceptions (the incidents' accepted risks are added)
     */
    public static ReportFigures compute(String week, ZoneId zone, Collection<Incident> incidents,
                                        Collection<Incident> unfinished, Map<Priority, Duration> targets,
                                        Collection<PolicyException> exceptions, Instant generatedAt) {
        Instant[] b = bounds(week, zone);
        Instant from = b[0];
        Instant to = b[1];
        Instant horizonStart = bounds(IsoWeek.minus(week, WEEKS - 1), zone)[0];
        List<Incident> window = incidents.stream()
                .filter(i -> !i.detectedAt().isBefore(horizonStart) && i.detectedAt().isBefore(to)).toList();
        List<Incident> thisWeek = window.stream().filter(i -> !i.detectedAt().isBefore(from)).toList();

        List<ReportFigures.WeekCounts> weeks = new ArrayList<>();
        for (int n = WEEKS - 1; n >= 0; n--) {
            String w = IsoWeek.minus(week, n);
            Instant[] wb = bounds(w, zone);
            weeks.add(counts(w, window.stream().filter(i -> !i.detectedAt().isBefore(wb[0])
                    && i.detectedAt().isBefore(wb[1])).toList()));
        }

        ReportFigures.Outcomes outcomes = outcomes(thisWeek, to);

        List<ReportFigures.Timing> timings = new ArrayList<>();
        List<ReportFigures.Breach> breaches = new ArrayList<>();
        for (String p : PRIORITIES) {
            List<Incident> ofPriority = thisWeek.stream().filter(i -> i.priority().name().equals(p)).toList();
            long target = targets.getOrDefault(Priority.valueOf(p), Duration.ZERO).toSeconds();
            List<Long> detect = ofPriority.stream().map(WeeklyReport::detectSeconds).sorted().toList();
            List<Long> contain = ofPriority.stream().map(i -> containSeconds(i, to)).filter(java.util.Objects::nonNull)
                    .sorted().toList();
            int breached = 0;
            for (Incident i : ofPriority) {
                Long over = overTarget(i, target, to);
                if (over != null) {
                    breached++;
                    breaches.add(new ReportFigures.Breach(i.incidentId(), p, i.resource().id(), i.resource().account(),
                            containSeconds(i, to), target, over));
                }
            }
            timings.add(new ReportFigures.Timing(p, ofPriority.size(), percentile(detect, 50), percentile(detect, 90),
                    contain.size(), percentile(contain, 50), percentile(contain, 90), target, breached));
        }
        breaches.sort(Comparator.comparingLong(ReportFigures.Breach::overSeconds).reversed()
                .thenComparing(ReportFigures.Breach::incidentId));

        Map<String, Incident> open = new LinkedHashMap<>();
        unfinished.stream().filter(i -> i.detectedAt().isBefore(to)).forEach(i -> open.put(i.incidentId(), i));
        window.stream().filter(i -> openAt(i, to)).forEach(i -> open.putIfAbsent(i.incidentId(), i));
        List<Incident> openIncidents = open.values().stream()
                .filter(i -> i.status() != IncidentStatus.SUPPRESSED)
                .sorted(Comparator.comparing(Incident::detectedAt).thenComparing(Incident::incidentId)).toList();
        List<ReportFigures.OpenIncident> stillOpen = openIncidents.stream()
                .map(i -> new ReportFigures.OpenIncident(i.incidentId(), i.priority().name(), i.status().name(),
                        i.resource().id(), i.resource().account(), i.detectedAt(),
                        Duration.between(i.detectedAt(), to).toSeconds()))
                .toList();

        List<ReportFigures.RepeatResource> repeats = window.stream().filter(i -> i.remediatedAt() != null)
                .collect(Collectors.groupingBy(Incident::resourceKey, TreeMap::new, Collectors.toList()))
                .values().stream().filter(l -> l.size() > 1)
                .map(l -> new ReportFigures.RepeatResource(l.get(0).resource().id(), l.get(0).resource().account(),
                        l.size(), count(l, i -> i.origin() == Origin.INFRASTRUCTURE_AS_CODE),
                        l.stream().sorted(Comparator.comparing(Incident::detectedAt)).map(Incident::incidentId).toList()))
                .sorted(Comparator.comparingInt(ReportFigures.RepeatResource::remediations).reversed()
                        .thenComparing(ReportFigures.RepeatResource::resource))
                .toList();

        List<ReportFigures.RiskyPrincipal> risky = window.stream()
                .filter(i -> i.origin() == Origin.CONSOLE && i.status() != IncidentStatus.SUPPRESSED && i.actor() != null)
                .collect(Collectors.groupingBy(WeeklyReport::principal, TreeMap::new, Collectors.toList()))
                .entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> new ReportFigures.RiskyPrincipal(e.getKey(), e.getValue().size(),
                        tally(e.getValue(), i -> i.priority().name(), PRIORITIES)))
                .sorted(Comparator.comparingInt(ReportFigures.RiskyPrincipal::consoleIncidents).reversed()
                        .thenComparing(ReportFigures.RiskyPrincipal::principal))
                .toList();

        LocalDate lastDay = to.atZone(zone).toLocalDate();
        List<PolicyException> all = new ArrayList<>(exceptions);
        window.stream().map(Incident::acceptedRisk).filter(java.util.Objects::nonNull).forEach(all::add);
        unfinished.stream().map(Incident::acceptedRisk).filter(java.util.Objects::nonNull).forEach(all::add);
        List<ReportFigures.ExpiringException> expiring = all.stream().distinct()
                .filter(x -> x.expires() != null && !x.expires().isBefore(lastDay)
                        && !x.expires().isAfter(lastDay.plusDays(EXPIRY_HORIZON_DAYS)))
                .sorted(Comparator.comparing(PolicyException::expires).thenComparing(PolicyException::rule))
                .map(x -> new ReportFigures.ExpiringException(x.rule(), x.resource(), x.owner(), x.reason(),
                        x.expires(), x.source()))
                .toList();

        Instant weekBeforeStart = bounds(IsoWeek.minus(week, 1), zone)[0];
        List<Incident> weekBefore = window.stream()
                .filter(i -> !i.detectedAt().isBefore(weekBeforeStart) && i.detectedAt().isBefore(from)).toList();
        List<Incident> known = new ArrayList<>(window);
        known.addAll(unfinished);
        Breakdown breakdown = Breakdown.of(thisWeek, weekBefore, openIncidents, known, targets, to);

        return new ReportFigures(week, zone.getId(), from, to, generatedAt, weeks, outcomes, timings, breaches,
                stillOpen, repeats, risky, expiring, breakdown.accounts(), breakdown.units());
    }

    static ReportFigures.Outcomes outcomes(Collection<Incident> incidents, Instant to) {
        return new ReportFigures.Outcomes(
                count(incidents, i -> i.resolution() == Resolution.AUTOMATIC),
                count(incidents, i -> i.resolution() == Resolution.APPROVED),
                count(incidents, i -> i.resolution() == Resolution.REJECTED),
                count(incidents, i -> i.resolution() == Resolution.TIMED_OUT),
                count(incidents, i -> i.resolution() == Resolution.RECORDED),
                count(incidents, i -> openAt(i, to)),
                count(incidents, i -> i.status() == IncidentStatus.FAILED));
    }

    /**
     * Seconds past its priority's target, for an incident to be contained that was contained late or was not by
     * {@code to} and is older than the target; else null (on time, or never a breach).
     */
    static Long overTarget(Incident i, long targetSeconds, Instant to) {
        if (!toBeContained(i)) {
            return null;
        }
        Long took = containSeconds(i, to);
        long measured = took != null ? took : Duration.between(i.detectedAt(), to).toSeconds();
        return measured > targetSeconds ? measured - targetSeconds : null;
    }

    static ReportFigures.WeekCounts counts(String week, List<Incident> incidents) {
        Map<String, Integer> accounts = new TreeMap<>();
        incidents.forEach(i -> accounts.merge(Breakdown.account(i), 1, Integer::sum));
        return new ReportFigures.WeekCounts(week, incidents.size(),
                tally(incidents, i -> i.priority().name(), PRIORITIES),
                tally(incidents, i -> i.family() == null ? null : i.family().key(), FAMILIES),
                accounts,
                tally(incidents, i -> i.origin() == null ? Origin.UNKNOWN.key() : i.origin().key(), ORIGINS));
    }

    static Map<String, Integer> tally(Collection<Incident> incidents, Function<Incident, String> key,
                                              List<String> keys) {
        Map<String, Integer> out = new LinkedHashMap<>();
        keys.forEach(k -> out.put(k, 0));
        incidents.forEach(i -> {
            String k = key.apply(i);
            if (k != null && out.containsKey(k)) {
                out.merge(k, 1, Integer::sum);
            }
        });
        return out;
    }

    static int count(Collection<Incident> incidents, Predicate<Incident> p) {
        return (int) incidents.stream().filter(p).count();
    }

    private static String principal(Incident i) {
        return i.actor().principalArn() != null ? i.actor().principalArn() : i.actor().displayName();
    }

    static long detectSeconds(Incident i) {
        return i.eventTime() == null ? 0 : Math.max(0, Duration.between(i.eventTime(), i.detectedAt()).toSeconds());
    }

    /** Seconds from detection to containment, when contained before {@code by}; else null. */
    static Long containSeconds(Incident i, Instant by) {
        Instant contained = i.remediatedAt() != null ? i.remediatedAt() : i.verifiedAt();
        if (contained == null || !contained.isBefore(by)) {
            return null;
        }
        return Math.max(0, Duration.between(i.detectedAt(), contained).toSeconds());
    }

    static boolean toBeContained(Incident i) {
        return i.response() != Response.RECORD && i.resolution() != Resolution.RECORDED
                && i.resolution() != Resolution.REJECTED && i.status() != IncidentStatus.SUPPRESSED
                && i.status() != IncidentStatus.DRY_RUN && i.status() != IncidentStatus.REJECTED;
    }

    /** When it was finished: resolvedAt, or the last timeline entry of one closed without it; null while open. */
    static Instant finishedAt(Incident i) {
        if (i.resolvedAt() != null) {
            return i.resolvedAt();
        }
        if (!i.status().isFinal()) {
            return null;
        }
        return i.timeline().isEmpty() ? i.detectedAt() : i.timeline().get(i.timeline().size() - 1).at();
    }

    static boolean openAt(Incident i, Instant at) {
        if (i.status() == IncidentStatus.SUPPRESSED || !i.detectedAt().isBefore(at)) {
            return false;
        }
        Instant finished = finishedAt(i);
        return finished == null || !finished.isBefore(at);
    }

    /** Nearest rank: the value at rank ⌈p/100 · n⌉ of the sorted values; null when there are none. */
    static Long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (p * sorted.size() + 99) / 100;
        return sorted.get(Math.max(0, rank - 1));
    }

}
