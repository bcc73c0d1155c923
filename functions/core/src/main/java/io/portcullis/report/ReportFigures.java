package io.portcullis.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Every figure of one weekly remediation report, as the JSON file carries it and the HTML page and Slack summary show
 * it. Durations are whole seconds; percentiles are nearest-rank (the p-th percentile of n sorted values is the
 * value at rank ⌈p/100 · n⌉); a figure with no data is null.
 *
 * @param week               ISO week, e.g. {@code 2026-W47}
 * @param timeZone           the time zone the week's bounds are in, e.g. {@code Europe/London}
 * @param from               the week's first instant (Monday 00:00 in {@code timeZone}), inclusive
 * @param to                 the next Monday 00:00, exclusive
 * @param generatedAt        when the report was made
 * @param weeks              this week and the four before it, oldest first; the last entry is {@code week}
 * @param outcomes           how this week's incidents were handled
 * @param timings            per priority P1–P4, this week's time to detect and to contain against the protocol's target
 * @param breaches           this week's incidents contained later than their target, or still open past it
 * @param stillOpen          incidents not finished at {@code to} (of this week or before), oldest first
 * @param repeatResources    resources remediated more than once in the five weeks (an IaC definition fighting the
 *                           remediation, usually), most first
 * @param riskyPrincipals    principals whose console changes made more than one incident in the five weeks, most first
 * @param expiringExceptions exceptions in force that expire within 14 days after {@code to}, soonest first
 * @param accounts           the same measures per account: every account with an incident this week or the week
 *                           before, or one still open; worst first ({@link Measures#WORST_FIRST})
 * @param units              the same per organizational unit (an account counted in the unit last recorded for it),
 *                           worst first
 */
public record ReportFigures(String week, String timeZone, Instant from, Instant to, Instant generatedAt,
                            List<WeekCounts> weeks, Outcomes outcomes, List<Timing> timings, List<Breach> breaches,
                            List<OpenIncident> stillOpen, List<RepeatResource> repeatResources,
                            List<RiskyPrincipal> riskyPrincipals, List<ExpiringException> expiringExceptions,
                            List<AccountFigures> accounts, List<UnitFigures> units) {

    /** How a report names the organizational unit of accounts none was recorded for. */
    public static final String NO_UNIT = "(no organizational unit)";

    /**
     * One week's incidents, counted four ways. Every map has every key of its dimension, zeros included, in a fixed
     * order: priorities P1–P4; families security-group, s3, iam, audit-logging; origins console,
     * infrastructure-as-code, cli-sdk, aws-service, unknown; accounts as found, sorted.
     */
    public record WeekCounts(String week, int total, Map<String, Integer> byPriority, Map<String, Integer> byFamily,
                             Map<String, Integer> byAccount, Map<String, Integer> byOrigin) {
    }

    /**
     * @param automatic remediated without asking (protocol response auto)
     * @param approved  remediated after an on-call approval in Slack
     * @param rejected  on-call rejected the remediation (accepted risk, with an exception)
     * @param timedOut  nobody decided within the protocol's limit (the timeout action then applied)
     * @param recorded  record-only (P4) or suppressed by an exception
     * @param open      not finished at the end of the week
     * @param failed    the playbook failed; a person had to act
     */
    public record Outcomes(int automatic, int approved, int rejected, int timedOut, int recorded, int open, int failed) {
    }

    /**
     * @param priority             P1–P4
     * @param incidents            this week's incidents of that priority
     * @param detectMedianSeconds  detectedAt − eventTime
     * @param detectP90Seconds     idem, 90th percentile
     * @param contained            how many were contained (remediated, or verified gone with nothing left to change)
     * @param containMedianSeconds time to contain: containedAt − detectedAt
     * @param containP90Seconds    idem, 90th percentile
     * @param targetSeconds        the protocol's {@code containWithin} for the priority
     * @param breaches             how many missed the target (contained late, or still open past it)
     */
    public record Timing(String priority, int incidents, Long detectMedianSeconds, Long detectP90Seconds, int contained,
                         Long containMedianSeconds, Long containP90Seconds, long targetSeconds, int breaches) {
    }

    /** @param containSeconds time to contain, or null when still open; {@code overSeconds} past the target */
    public record Breach(String incidentId, String priority, String resource, String account, Long containSeconds,
                         long targetSeconds, long overSeconds) {
    }

    public record OpenIncident(String incidentId, String priority, String status, String resource, String account,
                               Instant detectedAt, long ageSeconds) {
    }

    /** @param fromIac how many of its incidents came from infrastructure-as-code */
    public record RepeatResource(String resource, String account, int remediations, int fromIac,
                                 List<String> incidentIds) {
    }

    public record RiskyPrincipal(String principal, int consoleIncidents, Map<String, Integer> byPriority) {
    }

    /** @param source where it was declared ({@code exceptions.yaml:12}, a tag, or a Slack rejection) */
    public record ExpiringException(String rule, String resource, String owner, String reason, LocalDate expires,
                                    String source) {
    }

    /**
     * The totals' measures for one part of the incidents: one account, or one organizational unit. The parts of a
     * breakdown add up to the totals: {@code incidents} and {@code weekBefore} to the weeks' totals, {@code byPriority}
     * to this week's, {@code outcomes} to {@link ReportFigures#outcomes}, {@code breaches} to the timings' breaches,
     * {@code stillOpen} to the size of {@link ReportFigures#stillOpen}. The percentiles are of the part's own
     * incidents, all priorities together.
     *
     * @param incidents            this week's incidents there
     * @param weekBefore           the week before's
     * @param byPriority           this week's by priority, P1–P4
     * @param outcomes             how this week's were handled ({@code rejected}: accepted as a risk)
     * @param contained            how many of this week's were contained
     * @param containMedianSeconds time to contain, median
     * @param containP90Seconds    idem, 90th percentile
     * @param breaches             this week's incidents that missed their priority's target
     * @param stillOpen            incidents there not finished at {@code to}, of this week or before
     */
    public record Measures(int incidents, int weekBefore, Map<String, Integer> byPriority, Outcomes outcomes,
                           int contained, Long containMedianSeconds, Long containP90Seconds, int breaches,
                           int stillOpen) {

        /** Most breaches first, then most still open, most P1, most P2, most incidents. */
        public static final java.util.Comparator<Measures> WORST_FIRST = java.util.Comparator
                .comparingInt(Measures::breaches).thenComparingInt(Measures::stillOpen)
                .thenComparingInt(m -> m.byPriority().getOrDefault("P1", 0))
                .thenComparingInt(m -> m.byPriority().getOrDefault("P2", 0))
                .thenComparingInt(Measures::incidents).reversed();
    }

    /**
     * @param account  the account's id ({@code unknown} for incidents without one)
     * @param name     its name as last recorded on one of its incidents; null when none was (incidents recorded before
     *                 the detector knew account names carry none)
     * @param unit     its organizational unit's path ({@code Root/Workloads}) as last recorded; null when none was
     */
    public record AccountFigures(String account, String name, String unit, Measures measures) {

        /** For people: "payments-prod (111122223333)", or the id alone when no name is known. */
        public String label() {
            return name == null || name.isBlank() || name.equals(account) ? account : name + " (" + account + ")";
        }
    }

    /**
     * @param unit     the organizational unit's path; null for the accounts none was recorded for
     * @param accounts how many accounts of {@link ReportFigures#accounts} are counted in it
     */
    public record UnitFigures(String unit, int accounts, Measures measures) {

        /** For people: the path, or {@link ReportFigures#NO_UNIT}. */
        public String label() {
            return unit == null || unit.isBlank() ? NO_UNIT : unit;
        }
    }
}
