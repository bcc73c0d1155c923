package io.portcullis.incident;

import java.util.Optional;

/**
 * Where incidents live. Writes are conditional so that redelivered events and concurrent workers never duplicate
 * or overwrite each other.
 *
 * <p>Example: {@code store.create(incident)} returns false when an incident with that id already exists.
 */
public interface IncidentStore {

    /** Records a new incident; false (and no change) if one with the same id exists. */
    boolean create(Incident incident);

    Optional<Incident> find(String incidentId);

    /**
     * Replaces an incident if it is still at {@code expectedVersion}; false (and no change) if someone else wrote
     * first. {@code updated.version()} must be {@code expectedVersion + 1}.
     */
    boolean replace(Incident updated, long expectedVersion);
}
