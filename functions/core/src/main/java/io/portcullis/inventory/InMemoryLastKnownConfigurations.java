package io.portcullis.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The inventory in memory, keyed by the resource's ARN as the store is: for tests, and for local runs that seed what a
 * sweep would have seen. Thread-safe.
 */
public final class InMemoryLastKnownConfigurations implements LastKnownConfigurations {

    /** ARN → versions, newest first. */
    private final Map<String, List<KnownConfiguration>> versions = new LinkedHashMap<>();

    @Override
    public synchronized Optional<KnownConfiguration> before(ResourceRef resource, Instant instant) {
        return versions.getOrDefault(key(resource), List.of()).stream()
                .filter(v -> v.since().isBefore(instant)).findFirst();
    }

    @Override
    public synchronized List<KnownConfiguration> versions(ResourceRef resource) {
        return List.copyOf(versions.getOrDefault(key(resource), List.of()));
    }

    @Override
    public synchronized List<KnownConfiguration> latestOfType(String type, String account, String region) {
        return versions.values().stream().map(v -> v.get(0))
                .filter(v -> type.equals(v.resource().type()) && account.equals(v.resource().account())
                        && region.equals(v.resource().region()))
                .sorted(Comparator.comparing(KnownConfiguration::since).reversed())
                .toList();
    }

    @Override
    public synchronized boolean record(ResourceRef resource, JsonNode configuration, Instant seenAt) {
        List<KnownConfiguration> kept = versions.computeIfAbsent(key(resource), k -> new ArrayList<>());
        if (!kept.isEmpty() && kept.get(0).configuration().equals(configuration)) {
            return false;
        }
        kept.add(0, new KnownConfiguration(resource, configuration.deepCopy(), seenAt));
        kept.sort(Comparator.comparing(KnownConfiguration::since).reversed());
        while (kept.size() > VERSIONS_KEPT) {
            kept.remove(kept.size() - 1);
        }
        return true;
    }

    private static String key(ResourceRef resource) {
        return Objects.requireNonNull(resource.arn(), "a resource the inventory keeps has an ARN");
    }
}
