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
 */
public record ReportFigures(String week, String timeZone, Instant from, Instant to, Instant generatedAt,
                            List<WeekCounts> weeks, Outcomes outcomes, List<Timing> timings, List<Breach> breaches,
                            List<OpenIncident> stillOpen, List<RepeatResource> repeatResources,
                            List<RiskyPrincipal> riskyPrincipals, List<ExpiringException> expiringExceptions) {

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
}
