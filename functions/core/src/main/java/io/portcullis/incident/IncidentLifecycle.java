package io.portcullis.incident;

import static io.portcullis.incident.IncidentStatus.ABORTED;
import static io.portcullis.incident.IncidentStatus.AWAITING_APPROVAL;
import static io.portcullis.incident.IncidentStatus.DRY_RUN;
import static io.portcullis.incident.IncidentStatus.ESCALATED;
import static io.portcullis.incident.IncidentStatus.FAILED;
import static io.portcullis.incident.IncidentStatus.OPEN;
import static io.portcullis.incident.IncidentStatus.REJECTED;
import static io.portcullis.incident.IncidentStatus.REMEDIATING;
import static io.portcullis.incident.IncidentStatus.RESOLVED;
import static io.portcullis.incident.IncidentStatus.SCHEDULED;
import static io.portcullis.incident.IncidentStatus.SUPPRESSED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The incident lifecycle, in one place: which status may follow which, and which timestamp each step sets.
 *
 * <pre>
 *                 ┌──────────────▶ SUPPRESSED (every finding under an exception; recorded only)
 *   detected ─▶ OPEN ─▶ AWAITING_APPROVAL ─▶ (approved, or timed out: remediate) OPEN ─▶ …
 *                 │            │   └─▶ REJECTED (accepted risk, with an exception)   ├▶ ESCALATED (timed out: escalate)
 *                 │            │                                                     └▶ ABORTED (timed out: abort)
 *                 ├─▶ SCHEDULED (waits for the low-tide window) ─▶ REMEDIATING ─▶ RESOLVED
 *                 ├─▶ REMEDIATING ─▶ RESOLVED | FAILED | ESCALATED (a step only a person can put right)
 *                 └─▶ DRY_RUN (everything decided, nothing changed)
 * </pre>
 *
 * Timestamps: {@code eventTime} (the API call, from CloudTrail), {@code detectedAt} (recorded), {@code acknowledgedAt}
 * (on-call told: the notify step), {@code decidedAt} with {@link Resolution} (at detection for automatic; else the
 * Slack decision or the gate's time-out), {@code remediatedAt} (the change undone), {@code verifiedAt} (re-read and
 * gone), {@code resolvedAt} (closed). A move to the same status only adds to the timeline and is always allowed.
 * FAILED, REJECTED, ABORTED, SUPPRESSED and DRY_RUN are final; RESOLVED is final but for an Undo, which
 * is recorded on the timeline without a new status.
 */
public final class IncidentLifecycle {

    private static final Map<IncidentStatus, Set<IncidentStatus>> NEXT = new EnumMap<>(IncidentStatus.class);

    static {
        Set<IncidentStatus> working = EnumSet.of(REMEDIATING, RESOLVED, DRY_RUN, FAILED);
        NEXT.put(OPEN, union(working, EnumSet.of(AWAITING_APPROVAL, SCHEDULED, ESCALATED, ABORTED, REJECTED,
                SUPPRESSED)));
        NEXT.put(AWAITING_APPROVAL, union(working, EnumSet.of(OPEN, SCHEDULED, REJECTED, ESCALATED, ABORTED)));
        // A remediate step may find only a person can put it right after the window opened, or after another step
        // already changed something (or said it was about to): it goes in front of that person from there too.
        NEXT.put(SCHEDULED, union(working, EnumSet.of(OPEN, ESCALATED)));
        // A remediate step that finds only a person can put it right escalates the incident it began changing.
        NEXT.put(REMEDIATING, union(working, EnumSet.of(ESCALATED)));
        NEXT.put(ESCALATED, union(working, EnumSet.of(OPEN)));
        for (IncidentStatus last : EnumSet.of(RESOLVED, DRY_RUN, FAILED, REJECTED, ABORTED, SUPPRESSED)) {
            NEXT.put(last, EnumSet.noneOf(IncidentStatus.class));
        }
    }

    private IncidentLifecycle() {
    }

    private static Set<IncidentStatus> union(Set<IncidentStatus> a, Set<IncidentStatus> b) {
        EnumSet<IncidentStatus> out = EnumSet.copyOf(a);
        out.addAll(b);
        return out;
    }

    public static boolean allowed(IncidentStatus from, IncidentStatus to) {
        return from == to || NEXT.getOrDefault(from, Set.of()).contains(to);
    }

    /** The statuses that may follow {@code from} (besides itself). */
    public static Set<IncidentStatus> next(IncidentStatus from) {
        return Set.copyOf(NEXT.getOrDefault(from, Set.of()));
    }

    static void check(String incidentId, IncidentStatus from, IncidentStatus to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("incident " + incidentId + " cannot go from " + from + " to " + to
                    + "; from " + from + " it may go to " + (NEXT.get(from).isEmpty() ? "nothing (final)" : NEXT.get(from)));
        }
    }
}
