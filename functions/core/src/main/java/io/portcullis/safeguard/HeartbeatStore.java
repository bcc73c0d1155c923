package io.portcullis.safeguard;

import java.time.Instant;
import java.util.List;

/**
 * When each account's events last reached the detector, and what on-call was told about it. The detector writes
 * {@link #seen}; the scheduled feed check reads the rest. Conditional writes make each page happen once even when
 * two checks overlap.
 */
public interface HeartbeatStore {

    /** An event from {@code account} reached the detector at {@code at} (never moves the time backwards). */
    void seen(String account, Instant at);

    /** Every account with a heartbeat record. */
    List<Feed> feeds();

    /** Starts watching an account that never sent an event: silence is measured from {@code at}. No-op if known. */
    void watch(String account, Instant at);

    /** Records that on-call was paged about the silence after {@code lastSeen}; false if that was already recorded. */
    boolean markSilent(String account, Instant lastSeen);

    /** Clears the silence recorded for {@code alertedFor}; false if someone else already did. */
    boolean markResumed(String account, Instant alertedFor);

    /**
     * @param account      the account id
     * @param lastSeen     when its last event arrived, or null if none ever did
     * @param watchedSince when watching began for an account that never sent an event, or null
     * @param alertedFor   the {@code lastSeen} on-call was paged about (the feed is silent since then), or null
     */
    record Feed(String account, Instant lastSeen, Instant watchedSince, Instant alertedFor) {

        /** What silence is measured from. */
        public Instant since() {
            return lastSeen != null ? lastSeen : watchedSince;
        }
    }
}
