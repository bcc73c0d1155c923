package io.portcullis.safeguard;

import java.time.Instant;

/**
 * Bounds how much Portcullis changes by itself: at most {@code maxAutomatic} automatic remediations per account in
 * any sliding window of {@code within}. Each admitted remediation holds one of the account's slots for the window;
 * when none is free the breaker is open for that account: the incident waits for on-call's approval instead, and the
 * first incident held back pages on-call (once per window). A sudden burst of automatic remediations is what a bad
 * rule, a bad protocol change or an attacker steering Portcullis would look like.
 */
public final class BlastRadiusBreaker {

    private final BreakerSlots slots;
    private final Safeguards.Breaker config;

    public BlastRadiusBreaker(BreakerSlots slots, Safeguards.Breaker config) {
        this.slots = slots;
        this.config = config;
    }

    public Safeguards.Breaker config() {
        return config;
    }

    /**
     * The breaker's answer for one remediation. Asking again for an incident that holds a slot keeps its slot (the
     * detector admits an automatic incident, the worker asks again before the change).
     */
    public sealed interface Admission {
    }

    /** Go ahead; {@code slot} is held until the window passes. */
    public record Admitted(String account, int slot, String incidentId) implements Admission {
    }

    /** The breaker is open: ask on-call. {@code tripped} for the one incident that opened it (it pages). */
    public record Held(String account, boolean tripped) implements Admission {
    }

    public Admission admit(String account, String incidentId, Instant now) {
        int n = config.maxAutomatic();
        Instant until = now.plus(config.within());
        // Start where the incident id points, so a burst spreads over the slots instead of racing for slot 0.
        int start = Math.floorMod(incidentId.hashCode(), n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            if (slots.claim(account, slot, incidentId, now, until)) {
                return new Admitted(account, slot, incidentId);
            }
        }
        return new Held(account, slots.trip(account, now, until));
    }

    /** Gives an admission back when its incident was not recorded after all (a concurrent duplicate won). */
    public void release(Admission admission) {
        if (admission instanceof Admitted a) {
            slots.release(a.account(), a.slot(), a.incidentId());
        }
    }

    /** The note an incident whose fix the breaker paused at the worker carries (timeline, Slack, page). */
    public String pausedNote(String account) {
        return "Paused by the blast-radius breaker for account " + account + ": more than " + config.maxAutomatic()
                + " remediations within " + io.portcullis.report.Markup.duration(config.within().toSeconds())
                + ", so this fix was not made. Check what is changing so much; if this change must still go, make it"
                + " by hand.";
    }

    /** The note an incident held back carries, e.g. for its Slack message and timeline. */
    public String heldNote(String account) {
        return "Blast-radius breaker open for account " + account + ": more than " + config.maxAutomatic()
                + " automatic remediations within " + io.portcullis.report.Markup.duration(config.within().toSeconds())
                + ", so this one waits for on-call's approval (within "
                + io.portcullis.report.Markup.duration(config.approvalWithin().toSeconds()) + ", then "
                + config.onTimeout().key() + ").";
    }
}
