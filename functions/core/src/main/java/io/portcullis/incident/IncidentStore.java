package io.portcullis.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where incidents live. Writes are conditional so that redelivered events and concurrent workers never duplicate
 * or overwrite each other, and at most one incident is open per problem ({@link Incident#problemKey()}): the one
 * that holds it until it reaches a final status.
 *
 * <p>An event is recorded once: the event that opens an incident by the incident's id ({@code inc-<event id>}), a
 * repeat attached to an open incident by a claim on its event id, written with the incident in one write
 * ({@link #attach}) and kept for {@link #REPEATS_REMEMBERED}, so a redelivery is known however many repeats the
 * incident has (its timeline names only the first {@link Incident#REPEATS_ON_TIMELINE}).
 *
 * <p>Example: {@code store.create(incident)} says {@code duplicate} when an incident with that id already exists, and
 * names the open incident when another one already holds the problem; {@code store.attach(repeated, 4, "e-2", now)}
 * says {@code ALREADY_ATTACHED} when event {@code e-2} was attached before.
 */
public interface IncidentStore {

    /**
     * What {@link #create} did.
     *
     * @param created        recorded as a new incident
     * @param openIncidentId when not created: the open incident that holds the same problem, or null when an incident
     *                       with the same id already exists (a redelivered event)
     */
    record Creation(boolean created, String openIncidentId) {
        public static final Creation NEW = new Creation(true, null);
        public static final Creation DUPLICATE = new Creation(false, null);

        public static Creation heldBy(String incidentId) {
            return new Creation(false, incidentId);
        }
    }

    /**
     * How long a repeat's event id is remembered after it was attached: longer than any redelivery can come. EventBridge
     * retries an event for 24 hours, and an event that failed waits up to 14 days in the failed-events queue for
     * {@code ./portcullis replay}.
     */
    Duration REPEATS_REMEMBERED = Duration.ofDays(30);

    /** What {@link #attach} did. */
    enum Attachment {
        /** The incident's next version and the event's claim were written, together. */
        ATTACHED,
        /** The event was attached before (a redelivery): nothing was written. */
        ALREADY_ATTACHED,
        /** Someone else wrote the incident first (or it is gone): nothing was written; read it again. */
        STALE
    }

    /**
     * Records a new incident, and, unless it is final at birth (suppressed), takes its problem: both or neither.
     */
    Creation create(Incident incident);

    Optional<Incident> find(String incidentId);

    /**
     * Replaces an incident if it is still at {@code expectedVersion}; false (and no change) if someone else wrote
     * first. {@code updated.version()} must be {@code expectedVersion + 1}. Reaching a final status gives the problem
     * up, in the same write.
     */
    boolean replace(Incident updated, long expectedVersion);

    /**
     * Attaches a repeat event to an open incident: writes {@code updated} if the incident is still at
     * {@code expectedVersion} and, in the same write, claims {@code eventId} for it (both or neither), so a crash in
     * between can neither lose the repeat nor count it twice. A claim already taken wins over a stale version: the
     * answer is then {@link Attachment#ALREADY_ATTACHED}. {@code updated.version()} must be {@code expectedVersion + 1}
     * and its status open (a repeat is never written onto a finished incident).
     *
     * @param at when it was attached: the claim is kept for {@link #REPEATS_REMEMBERED} from then
     */
    Attachment attach(Incident updated, long expectedVersion, String eventId, Instant at);

    /**
     * The incident a repeat event was attached to by {@link #attach}, for at least {@link #REPEATS_REMEMBERED}; empty for
     * an event never attached (or one that opened its own incident, which {@link #find} finds by its id).
     */
    Optional<String> attachedTo(String eventId);

    /** Incidents detected in {@code [from, to)}, through the byWeek index (no scan). */
    List<Incident> detectedBetween(Instant from, Instant to);

    /** Incidents not in a final status now, through the byStatus index (no scan). */
    List<Incident> unfinished();

    /** A resource's incidents, newest first, through the byResource index (no scan). */
    List<Incident> forResource(String resourceKey);
}
