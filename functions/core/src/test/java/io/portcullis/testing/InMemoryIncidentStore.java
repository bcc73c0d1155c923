package io.portcullis.testing;

import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The incident store port in memory, with the same conditional-write rules as the DynamoDB adapter. Repeat claims never
 * expire here: the tests run far inside {@link IncidentStore#REPEATS_REMEMBERED}, and DynamoDB may keep an expired item
 * for days before its time-to-live deletes it, so no caller may count on the claim being gone.
 */
public final class InMemoryIncidentStore implements IncidentStore {

    private final Map<String, Incident> incidents = new HashMap<>();
    /** problem key → the open incident holding it */
    private final Map<String, String> held = new HashMap<>();
    /** a repeat's event id → the incident it was attached to */
    private final Map<String, String> repeats = new HashMap<>();

    @Override
    public synchronized Creation create(Incident incident) {
        if (incidents.containsKey(incident.incidentId())) {
            return Creation.DUPLICATE;
        }
        if (!incident.status().isFinal()) {
            String holder = held.get(incident.problemKey());
            if (holder != null) {
                return Creation.heldBy(holder);
            }
            held.put(incident.problemKey(), incident.incidentId());
        }
        incidents.put(incident.incidentId(), incident);
        return Creation.NEW;
    }

    @Override
    public synchronized Optional<Incident> find(String incidentId) {
        return Optional.ofNullable(incidents.get(incidentId));
    }

    @Override
    public synchronized boolean replace(Incident updated, long expectedVersion) {
        if (updated.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("version " + updated.version() + " does not follow " + expectedVersion);
        }
        Incident current = incidents.get(updated.incidentId());
        if (current == null || current.version() != expectedVersion) {
            return false;
        }
        incidents.put(updated.incidentId(), updated);
        if (updated.status().isFinal()) {
            held.remove(updated.problemKey(), updated.incidentId());
        }
        return true;
    }

    @Override
    public synchronized Attachment attach(Incident updated, long expectedVersion, String eventId, Instant at) {
        if (updated.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("version " + updated.version() + " does not follow " + expectedVersion);
        }
        if (updated.status().isFinal()) {
            throw new IllegalArgumentException("a repeat is never attached to a finished incident");
        }
        if (repeats.containsKey(eventId)) {
            return Attachment.ALREADY_ATTACHED;
        }
        Incident current = incidents.get(updated.incidentId());
        if (current == null || current.version() != expectedVersion) {
            return Attachment.STALE;
        }
        incidents.put(updated.incidentId(), updated);
        repeats.put(eventId, updated.incidentId());
        return Attachment.ATTACHED;
    }

    @Override
    public synchronized Optional<String> attachedTo(String eventId) {
        return Optional.ofNullable(repeats.get(eventId));
    }

    @Override
    public synchronized List<Incident> detectedBetween(Instant from, Instant to) {
        return incidents.values().stream().filter(i -> !i.detectedAt().isBefore(from) && i.detectedAt().isBefore(to))
                .sorted(Comparator.comparing(Incident::detectedAt)).toList();
    }

    @Override
    public synchronized List<Incident> unfinished() {
        return incidents.values().stream().filter(i -> !i.status().isFinal())
                .sorted(Comparator.comparing(Incident::detectedAt)).toList();
    }

    @Override
    public synchronized List<Incident> forResource(String resourceKey) {
        return incidents.values().stream().filter(i -> i.resourceKey().equals(resourceKey))
                .sorted(Comparator.comparing(Incident::detectedAt).reversed()).toList();
    }

    public synchronized int size() {
        return incidents.size();
    }
}
