package io.portcullis.safeguard;

import io.portcullis.report.Markup;
import java.time.Instant;

/**
 * Bounds how much Portcullis changes by itself, at two levels: at most {@code maxAutomatic} automatic remediations per
 * account in any sliding window of {@code within}, and at most {@code allAccounts.maxAutomatic} across all accounts
 * together in its own window. Each admitted remediation holds one slot of its account and one of all accounts for the
 * windows; when either has none free the breaker is open: the incident waits for on-call's approval instead, and the
 * first incident held back by each limit pages on-call (once per window). A sudden burst of automatic remediations is
 * what a bad rule, a bad protocol change or an attacker steering Portcullis would look like; a burst spread thinly
 * over many accounts only the limit across all accounts sees.
 *
 * <p>The two slots are two conditional writes, account first: each write alone can never hand a slot out twice, and
 * when the second fails (no slot free, or an error) the first is given back. Should the function die between the two,
 * the account keeps a slot nobody uses until its window passes: the breaker errs towards holding back, never towards
 * admitting more than its limits.
 */
public final class BlastRadiusBreaker {

    /** The slots of all accounts together, kept beside the accounts' (never a 12-digit account id). */
    public static final String ALL_ACCOUNTS = "all-accounts";

    private final BreakerSlots slots;
    private final Safeguards.Breaker config;

    public BlastRadiusBreaker(BreakerSlots slots, Safeguards.Breaker config) {
        this.slots = slots;
        this.config = config;
    }

    public Safeguards.Breaker config() {
        return config;
    }

    /** Which limit held an incident back. */
    public enum Limit {
        /** The incident's account had no slot free. */
        ACCOUNT,
        /** The account had one, all accounts together had none. */
        ALL_ACCOUNTS
    }

    /**
     * The breaker's answer for one remediation. Asking again for an incident that holds its slots keeps them (the
     * detector admits an automatic incident, the worker asks again before the change).
     */
    public sealed interface Admission {
    }

    /** Go ahead; {@code slot} of the account and {@code allAccountsSlot} are held until their windows pass. */
    public record Admitted(String account, int slot, int allAccountsSlot, String incidentId) implements Admission {
    }

    /**
     * The breaker is open: ask on-call. {@code tripped} for the one incident that opened this limit (it pages);
     * {@code limit} says whether the account's or all accounts' limit is full.
     */
    public record Held(String account, boolean tripped, Limit limit) implements Admission {

        /** Held back by the account's own limit. */
        public Held(String account, boolean tripped) {
            this(account, tripped, Limit.ACCOUNT);
        }
    }

    public Admission admit(String account, String incidentId, Instant now) {
        Safeguards.Limit own = config.perAccount();
        int slot = claim(account, own, incidentId, now);
        if (slot < 0) {
            return new Held(account, slots.trip(account, now, now.plus(own.within())), Limit.ACCOUNT);
        }
        Safeguards.Limit all = config.allAccounts();
        int allSlot;
        try {
            allSlot = claim(ALL_ACCOUNTS, all, incidentId, now);
        } catch (RuntimeException e) {
            slots.release(account, slot, incidentId);
            throw e;
        }
        if (allSlot < 0) {
            // The account's slot goes back: this remediation does not happen, so it must not count against the account.
            slots.release(account, slot, incidentId);
            return new Held(account, slots.trip(ALL_ACCOUNTS, now, now.plus(all.within())), Limit.ALL_ACCOUNTS);
        }
        return new Admitted(account, slot, allSlot, incidentId);
    }

    /** The slot of {@code scope} taken for the incident, or -1 when none is free. */
    private int claim(String scope, Safeguards.Limit limit, String incidentId, Instant now) {
        int n = limit.maxAutomatic();
        Instant until = now.plus(limit.within());
        // Start where the incident id points, so a burst spreads over the slots instead of racing for slot 0.
        int start = Math.floorMod(incidentId.hashCode(), n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            if (slots.claim(scope, slot, incidentId, now, until)) {
                return slot;
            }
        }
        return -1;
    }

    /** Gives an admission back when its incident was not recorded after all (a concurrent duplicate won). */
    public void release(Admission admission) {
        if (admission instanceof Admitted a) {
            slots.release(ALL_ACCOUNTS, a.allAccountsSlot(), a.incidentId());
            slots.release(a.account(), a.slot(), a.incidentId());
        }
    }

    /** The limit that held the incident back, in words: "more than 5 … within 10 minutes in account …". */
    private String tripped(Held held, String what) {
        Safeguards.Limit limit = held.limit() == Limit.ACCOUNT ? config.perAccount() : config.allAccounts();
        String over = "more than " + limit.maxAutomatic() + " " + what + " within "
                + Markup.duration(limit.within().toSeconds());
        return held.limit() == Limit.ACCOUNT ? "for account " + held.account() + ": " + over
                : "for all accounts: " + over + " across all accounts together (this one in account "
                        + held.account() + ")";
    }

    /** The note an incident whose fix the breaker paused at the worker carries (timeline, Slack, page). */
    public String pausedNote(Held held) {
        return "Paused by the blast-radius breaker " + tripped(held, "remediations")
                + ", so this fix was not made. Check what is changing so much; if this change must still go, make it"
                + " by hand.";
    }

    /** The note an incident held back carries, e.g. for its Slack message and timeline. */
    public String heldNote(Held held) {
        return "Blast-radius breaker open " + tripped(held, "automatic remediations")
                + ", so this one waits for on-call's approval (within "
                + Markup.duration(config.approvalWithin().toSeconds()) + ", then " + config.onTimeout().key() + ").";
    }

    /** What the page that the breaker opened adds to the held note: who else waits, and until when. */
    public String openedNote(Held held) {
        Safeguards.Limit limit = held.limit() == Limit.ACCOUNT ? config.perAccount() : config.allAccounts();
        return "Every automatic remediation " + (held.limit() == Limit.ACCOUNT ? "in this account"
                : "in every account") + " asks on-call first until the last "
                + Markup.duration(limit.within().toSeconds()) + " hold fewer than " + limit.maxAutomatic() + ".";
    }
}
