package io.portcullis.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inventory sweep: reads each kind of resource its sources can see and records every configuration that differs
 * from the newest version kept ({@link LastKnownConfigurations#record}), so the playbooks can put back what was there
 * before a change. The watchdog function runs it on its schedule, after the silent-feed check.
 *
 * <p>Each kind is read and recorded on its own: a kind that cannot be read (a permission missing, a service down) is
 * named in the result and logged, and the others are swept all the same; a configuration that cannot be recorded is
 * counted and the rest are recorded. A run stops when its time is up, between two kinds or two records; what it did
 * not get to is recorded by a later run (a version is then dated later, never lost for good).
 *
 * <p>Unchanged configurations cost no write: the newest versions of each type are read in one query per type, account
 * and region, and only a configuration that differs goes to {@code record}, which checks again under its own
 * condition (another sweep may have written since).
 */
public final class TakeInventory {

    private static final Logger LOG = LoggerFactory.getLogger(TakeInventory.class);
    /** Failed records logged one by one per run; the rest are only counted. */
    private static final int FAILURES_LOGGED = 10;

    private final Map<String, InventorySource> sources;
    private final LastKnownConfigurations store;

    /**
     * @param sources each kind's source by the name it has in logs and results ("flow logs", "buckets", …), read in
     *                this order
     * @param store   where versions are kept
     */
    public TakeInventory(Map<String, InventorySource> sources, LastKnownConfigurations store) {
        this.sources = new LinkedHashMap<>(sources);
        this.store = store;
    }

    /**
     * What one run did.
     *
     * @param part    the share of the expensive kinds it read ({@link SweepPart#toString}: "all", "3 of 12")
     * @param read    configurations read
     * @param changed new versions recorded
     * @param unread  the kinds it could not read, each as "kind: why"
     * @param failed  configurations read but not recorded because the store refused or failed
     * @param left    configurations read but not compared or recorded because the run's time was up
     */
    public record Result(String part, int read, int changed, List<String> unread, int failed, int left) {
    }

    /**
     * @param part   the share of the expensive kinds to read ({@link SweepPart#ALL} for a full inventory)
     * @param timeUp true once the run must stop (the function's own time budget)
     */
    public Result run(SweepPart part, BooleanSupplier timeUp) {
        int read = 0;
        int changed = 0;
        int failed = 0;
        int left = 0;
        List<String> unread = new ArrayList<>();
        for (Map.Entry<String, InventorySource> kind : sources.entrySet()) {
            if (timeUp.getAsBoolean()) {
                unread.add(kind.getKey() + ": no time left in this run");
                continue;
            }
            List<KnownConfiguration> seen;
            try {
                seen = kind.getValue().read(part);
            } catch (RuntimeException e) {
                LOG.warn("Inventory: could not read {}; the other kinds are swept: {}", kind.getKey(), e.toString());
                unread.add(kind.getKey() + ": " + why(e));
                continue;
            }
            read += seen.size();
            Map<String, JsonNode> newest = newest(seen);
            for (int i = 0; i < seen.size(); i++) {
                if (timeUp.getAsBoolean()) {
                    left += seen.size() - i;
                    break;
                }
                KnownConfiguration c = seen.get(i);
                if (c.configuration().equals(newest.get(c.resource().arn()))) {
                    continue;
                }
                try {
                    if (store.record(c.resource(), c.configuration(), c.since())) {
                        changed++;
                    }
                } catch (RuntimeException e) {
                    failed++;
                    if (failed <= FAILURES_LOGGED) {
                        LOG.warn("Inventory: could not record {} {}: {}", c.resource().type(), c.resource().arn(),
                                e.toString());
                    }
                }
            }
        }
        if (failed > FAILURES_LOGGED) {
            LOG.warn("Inventory: {} more configurations could not be recorded", failed - FAILURES_LOGGED);
        }
        if (left > 0) {
            LOG.warn("Inventory: the run's time was up with {} configurations not yet recorded; the next run records"
                    + " them", left);
        }
        return new Result(part.toString(), read, changed, List.copyOf(unread), failed, left);
    }

    /**
     * The newest kept configuration of each resource read, by ARN: one query per type, account and region. When the
     * query fails every configuration goes to {@code record}, which reads for itself.
     */
    private Map<String, JsonNode> newest(List<KnownConfiguration> seen) {
        Map<List<String>, ResourceRef> scopes = new LinkedHashMap<>();
        seen.forEach(c -> scopes.putIfAbsent(List.of(c.resource().type(), c.resource().account(),
                c.resource().region()), c.resource()));
        Map<String, JsonNode> out = new HashMap<>();
        for (ResourceRef scope : scopes.values()) {
            try {
                store.newest(scope.type(), scope.account(), scope.region())
                        .forEach(k -> out.put(k.resource().arn(), k.configuration()));
            } catch (RuntimeException e) {
                LOG.warn("Inventory: could not read the newest versions of {} in {} {}; each is checked on its own: {}",
                        scope.type(), scope.account(), scope.region(), e.toString());
            }
        }
        return out;
    }

    private static String why(RuntimeException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
