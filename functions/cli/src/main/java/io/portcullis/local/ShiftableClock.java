package io.portcullis.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock, moved by an offset a harness can change while the functions run: the playbook worker of a local
 * deployment reads it, so a scheduled fix's low-tide window can open a few seconds into a run instead of next
 * Tuesday, without a second deployment.
 */
public final class ShiftableClock extends Clock {

    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    public ShiftableClock() {
        this(Clock.systemUTC());
    }

    private ShiftableClock(Clock base) {
        this.base = base;
    }

    /** From now on this clock reads {@code at}, and moves on from there with the system clock. */
    public void shiftTo(Instant at) {
        offset = Duration.between(base.instant(), at);
    }

    /** Back to the system clock. */
    public void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        // The functions only read instants; a clock in another zone would be the same instants.
        return this;
    }
}
