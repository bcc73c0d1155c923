package io.portcullis.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The inventory in memory, with the DynamoDB store's rules (LastKnownConfigurationsContract runs against both):
 * versions by ARN, each dated to the millisecond rounded up, a reading no newer than the newest version ignored, at
 * most {@link #VERSIONS_KEPT} kept. Synchronized, so concurrent records are atomic as the store's conditions make them.
 */
public final class InMemoryLastKnownConfigurations implements LastKnownConfigurations {

    private final Map<String, ResourceRef> resources = new HashMap<>();
    private final Map<String, TreeMap<Long, JsonNode>> versions = new HashMap<>();
    /** Versions written, for tests that count writes. */
    public int writes;
    /** Calls of {@link #record}, written or not. */
    public int recordCalls;
    /** Records of these ARNs fail (a store refusing an item). */
    public final Set<String> failingArns = new HashSet<>();
    /** Every {@link #newest} query fails while set. */
    public boolean newestFails;

    @Override
    public synchronized Optional<KnownConfiguration> before(ResourceRef resource, Instant instant) {
        TreeMap<Long, JsonNode> kept = versions.get(resource.arn());
        if (kept == null) {
            return Optional.empty();
        }
        var entry = kept.lowerEntry(ceilMillis(instant));
        return Optional.ofNullable(entry).map(e -> known(resource, e.getKey(), e.getValue()));
    }

    @Override
    public synchronized List<KnownConfiguration> versions(ResourceRef resource) {
        TreeMap<Long, JsonNode> kept = versions.getOrDefault(resource.arn(), new TreeMap<>());
        List<KnownConfiguration> out = new ArrayList<>();
        kept.descendingMap().forEach((since, configuration) -> out.add(known(resource, since, configuration)));
        return out;
    }

    @Override
    public synchronized boolean record(ResourceRef resource, JsonNode configuration, Instant seenAt) {
        recordCalls++;
        if (failingArns.contains(resource.arn())) {
            throw new IllegalStateException("the store refused " + resource.arn());
        }
        long since = ceilMillis(seenAt);
        TreeMap<Long, JsonNode> kept = versions.computeIfAbsent(resource.arn(), k -> new TreeMap<>());
        if (!kept.isEmpty() && (kept.lastEntry().getValue().equals(configuration) || since <= kept.lastKey())) {
            return false;
        }
        kept.put(since, configuration.deepCopy());
        while (kept.size() > VERSIONS_KEPT) {
            kept.pollFirstEntry();
        }
        resources.put(resource.arn(), resource);
        writes++;
        return true;
    }

    @Override
    public synchronized List<KnownConfiguration> newest(String type, String account, String region) {
        if (newestFails) {
            throw new IllegalStateException("the store is unreachable");
        }
        List<KnownConfiguration> out = new ArrayList<>();
        resources.values().stream().filter(r -> r.type().equals(type) && r.account().equals(account)
                && r.region().equals(region)).forEach(r -> {
                    var last = versions.get(r.arn()).lastEntry();
                    out.add(known(r, last.getKey(), last.getValue()));
                });
        return out;
    }

    private static KnownConfiguration known(ResourceRef resource, long since, JsonNode configuration) {
        return new KnownConfiguration(resource, configuration.deepCopy(), Instant.ofEpochMilli(since));
    }

    /** Versions are dated to the millisecond, rounded up: never before the read that saw them. */
    static long ceilMillis(Instant instant) {
        long millis = instant.toEpochMilli();
        return instant.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }
}
