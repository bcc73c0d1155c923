package io.portcullis.incident;

import io.portcullis.change.Actor;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.exception.PolicyException;
import io.portcullis.exception.SuppressedFinding;
import io.portcullis.network.IngressRule;
import io.portcullis.protocol.Decision;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.rule.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An incident: one problem on one resource, what the protocol decided, and everything that happened since.
 * Immutable; each step makes a new version, written with an optimistic-lock check on {@code version}.
 *
 * @param incidentId    {@code inc-} followed by the CloudTrail event id that opened it
 * @param version       incremented on every write
 * @param status        where it is in its life
 * @param mode          {@code enforce} or {@code dry-run}, as configured when it was detected
 * @param sourceEventId the CloudTrail event id
 * @param eventName     the API call that caused it
 * @param eventTime     when the call was made
 * @param actor         who made it
 * @param origin        how it was made
 * @param resource      the resource at fault
 * @param environment   the resource's environment, as read from its tags at detection
 * @param findings      what the rules found
 * @param priority      P1–P4
 * @param response      auto, approval, scheduled or record
 * @param decision      the protocol row that chose them, and its inputs
 * @param detectedAt    when Portcullis recorded it
 * @param remediatedAt  when the offending change was undone (absent in dry-run and when nothing was left to undo)
 * @param verifiedAt    when re-reading the live state confirmed it was gone
 * @param resolvedAt    when the incident was closed
 * @param acknowledgedAt when on-call was told (the playbook's notify step)
 * @param decidedAt      when the response was decided: at detection for automatic remediation, else when on-call
 *                       approved or rejected in Slack or the approval gate timed out
 * @param resolution     how it was handled: {@link Resolution}; null until decided
 * @param revokedRules  the security-group rules removed (or, in dry-run, that would have been)
 * @param outcome       the last result, in a sentence
 * @param timeline      every step, decision and actor
 * @param suppressed    findings an exception suppressed, with the exception (still counted in reports)
 * @param autoRules     the security-group rules of the findings whose own protocol decision is automatic: what
 *                      remediation may revoke without asking (a P1 on port 22 does not take a P2's port 443 with it)
 * @param occurrences   how many events reported this problem on this resource while the incident was open (1 + the
 *                      repeats attached to it)
 * @param acceptedRisk  the exception a rejection in Slack recorded (owner, reason, expiry); else null
 * @param fixes         every change the playbook made to the resource, in order, with what Undo needs
 * @param accountName   the resource account's name for people (from AWS Organizations or the accounts file, at
 *                      detection); null when none is known (the id is its name)
 * @param accountUnit   the account's organizational unit path ({@code Root/Workloads}) at detection; null when none
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true,
        value = {"week", "resourceKey", "problemKey", "family"}, allowGetters = true)
public record Incident(String incidentId, long version, IncidentStatus status, RemediationMode mode,
                       String sourceEventId, String eventName, Instant eventTime, Actor actor, Origin origin,
                       ResourceRef resource, String environment, List<Finding> findings, Priority priority,
                       Response response, Decision decision, Instant detectedAt, Instant remediatedAt,
                       Instant verifiedAt, Instant resolvedAt, Instant acknowledgedAt, Instant decidedAt,
                       Resolution resolution, List<IngressRule> revokedRules, String outcome,
                       List<TimelineEntry> timeline, List<SuppressedFinding> suppressed, List<IngressRule> autoRules,
                       int occurrences, PolicyException acceptedRisk, List<AppliedFix> fixes, String accountName,
                       String accountUnit) {

    public Incident {
        fixes = fixes == null ? List.of() : List.copyOf(fixes);
        findings = List.copyOf(findings);
        revokedRules = revokedRules == null ? List.of() : List.copyOf(revokedRules);
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
        suppressed = suppressed == null ? List.of() : List.copyOf(suppressed);
        autoRules = autoRules == null ? List.of() : List.copyOf(autoRules);
        occurrences = Math.max(1, occurrences);
    }

    /** An incident with no account name or unit known. */
    public Incident(String incidentId, long version, IncidentStatus status, RemediationMode mode,
                    String sourceEventId, String eventName, Instant eventTime, Actor actor, Origin origin,
                    ResourceRef resource, String environment, List<Finding> findings, Priority priority,
                    Response response, Decision decision, Instant detectedAt, Instant remediatedAt,
                    Instant verifiedAt, Instant resolvedAt, Instant acknowledgedAt, Instant decidedAt,
                    Resolution resolution, List<IngressRule> revokedRules, String outcome,
                    List<TimelineEntry> timeline, List<SuppressedFinding> suppressed, List<IngressRule> autoRules,
                    int occurrences, PolicyException acceptedRisk, List<AppliedFix> fixes) {
        this(incidentId, version, status, mode, sourceEventId, eventName, eventTime, actor, origin, resource,
                environment, findings, priority, response, decision, detectedAt, remediatedAt, verifiedAt, resolvedAt,
                acknowledgedAt, decidedAt, resolution, revokedRules, outcome, timeline, suppressed, autoRules,
                occurrences, acceptedRisk, fixes, null, null);
    }

    /** With the resource account's name and organizational unit, as known at detection. */
    public Incident withAccount(String name, String unit) {
        return new Incident(incidentId, version, status, mode, sourceEventId, eventName, eventTime, actor, origin,
                resource, environment, findings, priority, response, decision, detectedAt, remediatedAt, verifiedAt,
                resolvedAt, acknowledgedAt, decidedAt, resolution, revokedRules, outcome, timeline, suppressed,
                autoRules, occurrences, acceptedRisk, fixes, name, unit);
    }

    /** The account's name for people: its recorded name, else its id. */
    public String accountLabel() {
        return accountName == null || accountName.isBlank() ? resource.account() : accountName;
    }

    /** An incident with no fix made yet (what the detector records). */
    public Incident(String incidentId, long version, IncidentStatus status, RemediationMode mode,
                    String sourceEventId, String eventName, Instant eventTime, Actor actor, Origin origin,
                    ResourceRef resource, String environment, List<Finding> findings, Priority priority,
                    Response response, Decision decision, Instant detectedAt, Instant remediatedAt,
                    Instant verifiedAt, Instant resolvedAt, Instant acknowledgedAt, Instant decidedAt,
                    Resolution resolution, List<IngressRule> revokedRules, String outcome,
                    List<TimelineEntry> timeline, List<SuppressedFinding> suppressed, List<IngressRule> autoRules,
                    int occurrences, PolicyException acceptedRisk) {
        this(incidentId, version, status, mode, sourceEventId, eventName, eventTime, actor, origin, resource,
                environment, findings, priority, response, decision, detectedAt, remediatedAt, verifiedAt, resolvedAt,
                acknowledgedAt, decidedAt, resolution, revokedRules, outcome, timeline, suppressed, autoRules,
                occurrences, acceptedRisk, List.of());
    }

    public static String idFor(String eventId) {
        return "inc-" + eventId;
    }

    /** What remediation may remove, and nothing else: the rules of the findings the protocol sends to auto. */
    public List<IngressRule> offendingRules() {
        return autoRules;
    }

    /** The ISO week (UTC) it was detected in, e.g. {@code 2026-W47}: the incidents table's byWeek index key. */
    @com.fasterxml.jackson.annotation.JsonProperty
    public String week() {
        return IsoWeek.of(detectedAt);
    }

    /** The resource, as the byResource index keys it: its ARN (or type and id when it has none). */
    @com.fasterxml.jackson.annotation.JsonProperty
    public String resourceKey() {
        return resourceKeyOf(resource);
    }

    public static String resourceKeyOf(ResourceRef resource) {
        return resource.arn() != null ? resource.arn() : resource.type() + "/" + resource.id();
    }

    /**
     * One open problem on one resource: the resource and the rules that found it. A repeated event with the same key
     * attaches to the open incident instead of opening another.
     */
    @com.fasterxml.jackson.annotation.JsonProperty
    public String problemKey() {
        return problemKeyOf(resource, findings);
    }

    public static String problemKeyOf(ResourceRef resource, List<Finding> findings) {
        return resourceKeyOf(resource) + "|" + findings.stream().map(Finding::ruleId).distinct().sorted()
                .reduce((a, b) -> a + "," + b).orElse("");
    }

    /** The family of its first finding, or null. */
    @com.fasterxml.jackson.annotation.JsonProperty
    public io.portcullis.rule.RuleFamily family() {
        return findings.isEmpty() ? (suppressed.isEmpty() ? null : suppressed.get(0).finding().family())
                : findings.get(0).family();
    }

    /**
     * The next version, moved to {@code newStatus} (checked against {@link IncidentLifecycle}), with a timeline entry.
     *
     * @throws IllegalStateException when the lifecycle does not allow the move
     */
    public Incident next(IncidentStatus newStatus, TimelineEntry entry) {
        IncidentLifecycle.check(incidentId, status, newStatus);
        List<TimelineEntry> t = new ArrayList<>(timeline);
        t.add(entry);
        return copy(version + 1, newStatus, entry.detail(), t, remediatedAt, verifiedAt, resolvedAt, acknowledgedAt,
                decidedAt, resolution, revokedRules, occurrences, acceptedRisk);
    }

    /** A timeline entry that records something said or seen, not a change of outcome (e.g. on-call was told). */
    public Incident noted(TimelineEntry entry) {
        List<TimelineEntry> t = new ArrayList<>(timeline);
        t.add(entry);
        return copy(version + 1, status, outcome, t, remediatedAt, verifiedAt, resolvedAt, acknowledgedAt,
                decidedAt, resolution, revokedRules, occurrences, acceptedRisk);
    }

    public Incident withVersion(long newVersion) {
        return copy(newVersion, status, outcome, timeline, remediatedAt, verifiedAt, resolvedAt, acknowledgedAt,
                decidedAt, resolution, revokedRules, occurrences, acceptedRisk);
    }

    public Incident withRemediation(List<IngressRule> revoked, Instant remediated, Instant verified, Instant resolved) {
        return copy(version, status, outcome, timeline, remediated, verified, resolved, acknowledgedAt, decidedAt,
                resolution, revoked, occurrences, acceptedRisk);
    }

    /** When on-call was told (kept from the first time). */
    public Incident acknowledged(Instant at) {
        return copy(version, status, outcome, timeline, remediatedAt, verifiedAt, resolvedAt,
                acknowledgedAt != null ? acknowledgedAt : at, decidedAt, resolution, revokedRules, occurrences,
                acceptedRisk);
    }

    /** How and when the response was decided (kept from the first decision). */
    public Incident decided(Resolution how, Instant at) {
        return decidedAt != null ? this : copy(version, status, outcome, timeline, remediatedAt, verifiedAt,
                resolvedAt, acknowledgedAt, at, how, revokedRules, occurrences, acceptedRisk);
    }

    /** The same incident in another mode: the kill switch turns one that has changed nothing yet into dry-run. */
    public Incident withMode(RemediationMode newMode) {
        return new Incident(incidentId, version, status, newMode, sourceEventId, eventName, eventTime, actor, origin,
                resource, environment, findings, priority, response, decision, detectedAt, remediatedAt, verifiedAt,
                resolvedAt, acknowledgedAt, decidedAt, resolution, revokedRules, outcome, timeline, suppressed,
                autoRules, occurrences, acceptedRisk, fixes, accountName, accountUnit);
    }

    /** The exception a rejection recorded. */
    public Incident withAcceptedRisk(PolicyException exception) {
        return copy(version, status, outcome, timeline, remediatedAt, verifiedAt, resolvedAt, acknowledgedAt,
                decidedAt, resolution, revokedRules, occurrences, exception);
    }

    /** How many repeats the timeline names one by one; after that they are only counted (items stay small). */
    public static final int REPEATS_ON_TIMELINE = 20;

    /**
     * Another event reported the same open problem: counted, and, for the first {@link #REPEATS_ON_TIMELINE}, noted on
     * the timeline. A redelivery storm or an IaC loop must not grow the incident past DynamoDB's 400 KB item limit.
     */
    public Incident repeated(TimelineEntry entry) {
        List<TimelineEntry> t = new ArrayList<>(timeline);
        if (t.stream().filter(e -> e.step().equals(entry.step())).count() < REPEATS_ON_TIMELINE) {
            t.add(entry);
        }
        return copy(version + 1, status, outcome, t, remediatedAt, verifiedAt, resolvedAt, acknowledgedAt, decidedAt,
                resolution, revokedRules, occurrences + 1, acceptedRisk);
    }

    private Incident copy(long v, IncidentStatus s, String out, List<TimelineEntry> t, Instant remediated,
                          Instant verified, Instant resolved, Instant acknowledged, Instant decided, Resolution how,
                          List<IngressRule> revoked, int count, PolicyException risk) {
        return new Incident(incidentId, v, s, mode, sourceEventId, eventName, eventTime, actor, origin, resource,
                environment, findings, priority, response, decision, detectedAt, remediated, verified, resolved,
                acknowledged, decided, how, revoked, out, t, suppressed, autoRules, count, risk, fixes, accountName,
                accountUnit);
    }

    /** With one more fix made by a remediate step. */
    public Incident withFix(AppliedFix fix) {
        List<AppliedFix> all = new ArrayList<>(fixes);
        all.add(fix);
        return new Incident(incidentId, version, status, mode, sourceEventId, eventName, eventTime, actor, origin,
                resource, environment, findings, priority, response, decision, detectedAt, remediatedAt, verifiedAt,
                resolvedAt, acknowledgedAt, decidedAt, resolution, revokedRules, outcome, timeline, suppressed,
                autoRules, occurrences, acceptedRisk, all, accountName, accountUnit);
    }

    /** The fixes Undo can put back. */
    public List<AppliedFix> undoableFixes() {
        return fixes.stream().filter(AppliedFix::undoable).toList();
    }
}
