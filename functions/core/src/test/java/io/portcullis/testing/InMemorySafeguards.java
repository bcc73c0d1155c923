package io.portcullis.testing;

import io.portcullis.safeguard.BreakerSlots;
import io.portcullis.safeguard.HeartbeatStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The safeguards table in memory, with the same conditions as the DynamoDB adapter (synchronized: atomic). */
public final class InMemorySafeguards implements HeartbeatStore, BreakerSlots {

    private final Map<String, Feed> feeds = new TreeMap<>();
    private final Map<String, Instant> until = new TreeMap<>();
    private final Map<String, String> holders = new TreeMap<>();
    public int heartbeatWrites;
    public RuntimeException failNextWrite;

    @Override
    public synchronized void seen(String account, Instant at) {
        if (failNextWrite != null) {
            RuntimeException e = failNextWrite;
            failNextWrite = null;
            throw e;
        }
        heartbeatWrites++;
        Feed f = feeds.get(account);
        if (f == null) {
            feeds.put(account, new Feed(account, at, null, null));
        } else if (f.lastSeen() == null || f.lastSeen().isBefore(at)) {
            feeds.put(account, new Feed(account, at, f.watchedSince(), f.alertedFor()));
        }
    }

    @Override
    public synchronized List<Feed> feeds() {
        return new ArrayList<>(feeds.values());
    }

    @Override
    public synchronized void watch(String account, Instant at) {
        Feed f = feeds.get(account);
        feeds.put(account, f == null ? new Feed(account, null, at, null)
                : new Feed(account, f.lastSeen(), f.watchedSince() == null ? at : f.watchedSince(), f.alertedFor()));
    }

    @Override
    public synchronized boolean markSilent(String account, Instant lastSeen) {
        Feed f = feeds.get(account);
        if (f == null || lastSeen.equals(f.alertedFor())) {
            return false;
        }
        feeds.put(account, new Feed(account, f.lastSeen(), f.watchedSince(), lastSeen));
        return true;
    }

    @Override
    public synchronized boolean markResumed(String account, Instant alertedFor) {
        Feed f = feeds.get(account);
        if (f == null || !alertedFor.equals(f.alertedFor())) {
            return false;
        }
        feeds.put(account, new Feed(account, f.lastSeen(), f.watchedSince(), null));
        return true;
    }

    @Override
    public synchronized boolean claim(String account, int slot, String incidentId, Instant now, Instant until) {
        return putIfFree(account + "|slot|" + slot, incidentId, now, until);
    }

    @Override
    public synchronized void release(String account, int slot, String incidentId) {
        String key = account + "|slot|" + slot;
        if (incidentId.equals(holders.get(key))) {
            holders.remove(key);
            until.remove(key);
        }
    }

    @Override
    public synchronized boolean trip(String account, Instant now, Instant until) {
        return putIfFree(account + "|tripped", null, now, until);
    }

    private boolean putIfFree(String key, String incidentId, Instant now, Instant until) {
        Instant held = this.until.get(key);
        if (held != null && held.isAfter(now) && (incidentId == null || !incidentId.equals(holders.get(key)))) {
            return false;
        }
        this.until.put(key, until);
        holders.put(key, incidentId);
        return true;
    }

    /** Slots held at {@code now} in the account. */
    public synchronized long held(String account, Instant now) {
        return until.entrySet().stream().filter(e -> e.getKey().startsWith(account + "|slot|"))
                .filter(e -> e.getValue().isAfter(now)).count();
    }
}
