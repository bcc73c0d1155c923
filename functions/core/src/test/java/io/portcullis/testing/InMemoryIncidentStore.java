package io.portcullis.testing;

import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The incident store port in memory, with the same conditional-write rules as the DynamoDB adapter. */
public final class InMemoryIncidentStore implements IncidentStore {

    private final Map<String, Incident> incidents = new ConcurrentHashMap<>();

    @Override
    public boolean create(Incident incident) {
        return incidents.putIfAbsent(incident.incidentId(), incident) == null;
    }

    @Override
    public Optional<Incident> find(String incidentId) {
        return Optional.ofNullable(incidents.get(incidentId));
    }

    @Override
    public synchronized boolean replace(Incident updated, long expectedVersion) {
        Incident current = incidents.get(updated.incidentId());
        if (current == null || current.version() != expectedVersion) {
            return false;
        }
        incidents.put(updated.incidentId(), updated);
        return true;
    }

    public int size() {
        return incidents.size();
    }
}
