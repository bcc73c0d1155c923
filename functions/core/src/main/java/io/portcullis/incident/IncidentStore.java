package io.portcullis.incident;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where incidents live. Writes are conditional so that redelivered events and concurrent workers never duplicate
 * or overwrite each other, and at most one incident is open per problem ({@link Incident#problemKey()}): the one
 * that holds it until it reaches a final status.
 *
 * <p>Example: {@code store.create(incident)} says {@code duplicate} when an incident with that id already exists, and
 * names the open incident when another one already holds the problem.
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

    /** Incidents detected in {@code [from, to)}, through the byWeek index (no scan). */
    List<Incident> detectedBetween(Instant from, Instant to);

    /** Incidents not in a final status now, through the byStatus index (no scan). */
    List<Incident> unfinished();

    /** A resource's incidents, newest first, through the byResource index (no scan). */
    List<Incident> forResource(String resourceKey);
}
