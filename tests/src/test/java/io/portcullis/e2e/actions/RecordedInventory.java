package io.portcullis.e2e.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** What a sweep would have recorded, kept in memory by resource ARN (the inventory's key), as the port describes it. */
final class RecordedInventory implements LastKnownConfigurations {

    private final Map<String, List<KnownConfiguration>> versions = new ConcurrentHashMap<>();

    @Override
    public Optional<KnownConfiguration> before(ResourceRef resource, Instant instant) {
        return versions(resource).stream().filter(k -> k.since().isBefore(instant)).findFirst();
    }

    @Override
    public List<KnownConfiguration> versions(ResourceRef resource) {
        List<KnownConfiguration> out = new ArrayList<>(versions.getOrDefault(resource.arn(), List.of()));
        out.sort(Comparator.comparing(KnownConfiguration::since).reversed());
        return out;
    }

    @Override
    public boolean record(ResourceRef resource, JsonNode configuration, Instant seenAt) {
        List<KnownConfiguration> kept = versions(resource);
        if (!kept.isEmpty() && kept.get(0).configuration().equals(configuration)) {
            return false;
        }
        versions.computeIfAbsent(resource.arn(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(new KnownConfiguration(resource, configuration, seenAt));
        return true;
    }
}
