package io.portcullis.incident;

import io.portcullis.change.Actor;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
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
 * @param claimedAt     when a remediation worker last claimed it
 * @param revokedRules  the security-group rules removed (or, in dry-run, that would have been)
 * @param outcome       the last result, in a sentence
 * @param timeline      every step, decision and actor
 * @param suppressed    findings an exception suppressed, with the exception (still counted in reports)
 * @param autoRules     the security-group rules of the findings whose own protocol decision is automatic: what
 *                      remediation may revoke without asking (a P1 on port 22 does not take a P2's port 443 with it)
 */
public record Incident(String incidentId, long version, IncidentStatus status, RemediationMode mode,
                       String sourceEventId, String eventName, Instant eventTime, Actor actor, Origin origin,
                       ResourceRef resource, String environment, List<Finding> findings, Priority priority,
                       Response response, Decision decision, Instant detectedAt, Instant remediatedAt,
                       Instant verifiedAt, Instant resolvedAt, Instant claimedAt, List<IngressRule> revokedRules,
                       String outcome, List<TimelineEntry> timeline, List<SuppressedFinding> suppressed,
                       List<IngressRule> autoRules) {

    public Incident {
        findings = List.copyOf(findings);
        revokedRules = revokedRules == null ? List.of() : List.copyOf(revokedRules);
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
        suppressed = suppressed == null ? List.of() : List.copyOf(suppressed);
        autoRules = autoRules == null ? List.of() : List.copyOf(autoRules);
    }

    public static String idFor(String eventId) {
        return "inc-" + eventId;
    }

    /** What remediation may remove, and nothing else: the rules of the findings the protocol sends to auto. */
    public List<IngressRule> offendingRules() {
        return autoRules;
    }

    /** The next version, with a new status and a timeline entry. */
    public Incident next(IncidentStatus newStatus, TimelineEntry entry) {
        List<TimelineEntry> t = new ArrayList<>(timeline);
        t.add(entry);
        return new Incident(incidentId, version + 1, newStatus, mode, sourceEventId, eventName, eventTime, actor,
                origin, resource, environment, findings, priority, response, decision, detectedAt, remediatedAt,
                verifiedAt, resolvedAt, claimedAt, revokedRules, entry.detail(), t, suppressed, autoRules);
    }

    public Incident withVersion(long newVersion) {
        return new Incident(incidentId, newVersion, status, mode, sourceEventId, eventName, eventTime, actor, origin,
                resource, environment, findings, priority, response, decision, detectedAt, remediatedAt, verifiedAt,
                resolvedAt, claimedAt, revokedRules, outcome, timeline, suppressed, autoRules);
    }

    public Incident withClaimedAt(Instant at) {
        return new Incident(incidentId, version, status, mode, sourceEventId, eventName, eventTime, actor, origin,
                resource, environment, findings, priority, response, decision, detectedAt, remediatedAt, verifiedAt,
                resolvedAt, at, revokedRules, outcome, timeline, suppressed, autoRules);
    }

    public Incident withRemediation(List<IngressRule> revoked, Instant remediated, Instant verified, Instant resolved) {
        return new Incident(incidentId, version, status, mode, sourceEventId, eventName, eventTime, actor, origin,
                resource, environment, findings, priority, response, decision, detectedAt, remediated, verified,
                resolved, claimedAt, revoked, outcome, timeline, suppressed, autoRules);
    }
}
