package io.portcullis.report;

import io.portcullis.incident.Incident;
import io.portcullis.protocol.Priority;
import io.portcullis.report.ReportFigures.AccountFigures;
import io.portcullis.report.ReportFigures.Measures;
import io.portcullis.report.ReportFigures.UnitFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The week's measures per account and per organizational unit, beside the totals and computed by the same rules
 * ({@link WeeklyReport}), so the rows of each breakdown add up to the totals.
 *
 * <p>An incident belongs to its resource's account. An account's name and unit are the newest recorded on any of its
 * incidents in the five weeks or still open: the detector records them at detection, so incidents recorded before it
 * knew them carry none, and one newer incident names the account for all of them. An account with no unit recorded
 * is counted under {@link ReportFigures#NO_UNIT}; an account that moved is counted whole in its newest unit.
 */
record Breakdown(List<AccountFigures> accounts, List<UnitFigures> units) {

    /** The key of incidents whose resource names no account, as in {@link ReportFigures.WeekCounts#byAccount}. */
    static final String UNKNOWN_ACCOUNT = "unknown";

    /**
     * @param thisWeek   the week's incidents
     * @param weekBefore the week before's
     * @param stillOpen  the incidents the report lists as still open
     * @param known      every incident read, for the accounts' names and units
     */
    static Breakdown of(List<Incident> thisWeek, List<Incident> weekBefore, List<Incident> stillOpen,
                        Collection<Incident> known, Map<Priority, Duration> targets, Instant to) {
        Set<String> ids = new LinkedHashSet<>();
        thisWeek.forEach(i -> ids.add(account(i)));
        weekBefore.forEach(i -> ids.add(account(i)));
        stillOpen.forEach(i -> ids.add(account(i)));
        Map<String, String> names = newest(known, Incident::accountName);
        Map<String, String> units = newest(known, Incident::accountUnit);

        Function<Incident, String> byAccount = Breakdown::account;
        Map<String, List<Incident>> week = group(thisWeek, byAccount);
        Map<String, List<Incident>> before = group(weekBefore, byAccount);
        Map<String, List<Incident>> open = group(stillOpen, byAccount);
        List<AccountFigures> accounts = new ArrayList<>();
        for (String id : ids) {
            accounts.add(new AccountFigures(id, names.get(id), units.get(id), measures(id, week, before,
                    open, targets, to)));
        }
        accounts.sort(Comparator.comparing(AccountFigures::measures, Measures.WORST_FIRST)
                .thenComparing(AccountFigures::account));

        Function<Incident, String> byUnit = i -> units.get(account(i));
        Map<String, List<Incident>> unitWeek = group(thisWeek, byUnit);
        Map<String, List<Incident>> unitBefore = group(weekBefore, byUnit);
        Map<String, List<Incident>> unitOpen = group(stillOpen, byUnit);
        Map<String, Integer> members = new LinkedHashMap<>();
        accounts.forEach(a -> members.merge(a.unit(), 1, Integer::sum));
        List<UnitFigures> unitFigures = new ArrayList<>();
        members.forEach((unit, n) -> unitFigures.add(new UnitFigures(unit, n, measures(unit, unitWeek,
                unitBefore, unitOpen, targets, to))));
        unitFigures.sort(Comparator.comparing(UnitFigures::measures, Measures.WORST_FIRST)
                .thenComparing(UnitFigures::label));
        return new Breakdown(List.copyOf(accounts), List.copyOf(unitFigures));
    }

    static String account(Incident i) {
        return i.resource() == null || i.resource().account() == null ? UNKNOWN_ACCOUNT : i.resource().account();
    }

    /** The measures of one part (null is a part too: the accounts with no unit recorded). */
    private static Measures measures(String part, Map<String, List<Incident>> thisWeek,
                                     Map<String, List<Incident>> weekBefore, Map<String, List<Incident>> stillOpen,
                                     Map<Priority, Duration> targets, Instant to) {
        List<Incident> week = thisWeek.getOrDefault(part, List.of());
        List<Long> contain = week.stream().map(i -> WeeklyReport.containSeconds(i, to)).filter(Objects::nonNull)
                .sorted().toList();
        int breaches = WeeklyReport.count(week, i -> WeeklyReport.overTarget(i,
                targets.getOrDefault(i.priority(), Duration.ZERO).toSeconds(), to) != null);
        return new Measures(week.size(), weekBefore.getOrDefault(part, List.of()).size(),
                WeeklyReport.tally(week, i -> i.priority().name(), WeeklyReport.PRIORITIES),
                WeeklyReport.outcomes(week, to), contain.size(), WeeklyReport.percentile(contain, 50),
                WeeklyReport.percentile(contain, 90), breaches, stillOpen.getOrDefault(part, List.of()).size());
    }

    /** The incidents by part; a HashMap, whose keys may be null. */
    private static Map<String, List<Incident>> group(List<Incident> incidents, Function<Incident, String> part) {
        Map<String, List<Incident>> out = new HashMap<>();
        incidents.forEach(i -> out.computeIfAbsent(part.apply(i), k -> new ArrayList<>()).add(i));
        return out;
    }

    /** Per account, the value last recorded (by detection time) on one of its incidents; absent when none was. */
    private static Map<String, String> newest(Collection<Incident> incidents, Function<Incident, String> value) {
        Map<String, Incident> newest = new HashMap<>();
        for (Incident i : incidents) {
            String v = value.apply(i);
            if (v == null || v.isBlank()) {
                continue;
            }
            newest.merge(account(i), i, (a, b) -> b.detectedAt().isAfter(a.detectedAt()) ? b : a);
        }
        Map<String, String> out = new HashMap<>();
        newest.forEach((account, i) -> out.put(account, value.apply(i)));
        return out;
    }
}
