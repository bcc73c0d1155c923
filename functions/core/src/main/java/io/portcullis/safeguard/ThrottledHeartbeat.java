package io.portcullis.safeguard;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's side of the silent-feed heartbeat: records an account's last event at most once per
 * {@link #INTERVAL} per container, so a busy account costs one write a minute, not one per event. A failed write is
 * logged and tried again with the next event: the heartbeat must never make an event fail.
 */
public final class ThrottledHeartbeat {

    /** Far below any sensible silent-feed window, so the record is never more than this stale. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(ThrottledHeartbeat.class);

    private final HeartbeatStore store;
    private final Map<String, Instant> written = new ConcurrentHashMap<>();

    public ThrottledHeartbeat(HeartbeatStore store) {
        this.store = store;
    }

    /** @return whether this call wrote to the store */
    public boolean seen(String account, Instant at) {
        if (account == null || account.isBlank()) {
            return false;
        }
        Instant last = written.get(account);
        if (last != null && at.isBefore(last.plus(INTERVAL))) {
            return false;
        }
        try {
            store.seen(account, at);
            written.put(account, at);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Could not record the heartbeat of account {} (the next event tries again): {}", account,
                    e.toString());
            return false;
        }
    }
}
