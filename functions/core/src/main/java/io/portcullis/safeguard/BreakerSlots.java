package io.portcullis.safeguard;

import java.time.Instant;

/**
 * The blast-radius breaker's state: per account, {@code maxAutomatic} slots, each held for the breaker's window by
 * one automatic remediation, and a "tripped" marker. Every write is conditional, so concurrent detectors can never
 * hand out one slot twice.
 */
public interface BreakerSlots {

    /**
     * Takes slot {@code slot} of {@code account} for {@code incidentId} until {@code until}, if it is free (never
     * taken, or its holder's time ran out by {@code now}) or already held by {@code incidentId} (then it is kept).
     */
    boolean claim(String account, int slot, String incidentId, Instant now, Instant until);

    /** Gives the slot back if {@code incidentId} still holds it (its incident was never recorded). */
    void release(String account, int slot, String incidentId);

    /** Marks the account's breaker open until {@code until}; true only for the caller that opened it. */
    boolean trip(String account, Instant now, Instant until);
}
