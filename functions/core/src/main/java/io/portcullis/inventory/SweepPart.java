package io.portcullis.inventory;

import java.time.Duration;
import java.time.Instant;

/**
 * Which share of an expensive kind one sweep reads: resources are dealt into {@code of} parts by a stable hash of
 * their key (a bucket's name), and the run at a time reads the part of its schedule slot, so every resource is read
 * once per {@code of} runs without any state kept between runs. For example, with a sweep every 5 minutes and
 * {@code of = 12}, each bucket's encryption is read once an hour and each run reads a twelfth of the buckets.
 *
 * @param index the part this run reads, {@code 0 ≤ index < of}
 * @param of    how many parts there are; 1 reads everything
 */
public record SweepPart(int index, int of) {

    /** Everything at once: a full inventory. */
    public static final SweepPart ALL = new SweepPart(0, 1);

    public SweepPart {
        if (of < 1 || index < 0 || index >= of) {
            throw new IllegalArgumentException("part " + index + " of " + of + ": need 0 <= index < of and of >= 1");
        }
    }

    /**
     * The part of the run at {@code now} on a schedule of one run every {@code interval}: consecutive slots read
     * consecutive parts.
     */
    public static SweepPart forRun(Instant now, Duration interval, int of) {
        long slot = Math.floorDiv(now.getEpochSecond(), interval.toSeconds());
        return new SweepPart((int) Math.floorMod(slot, (long) of), of);
    }

    /** Whether the resource with this key (stable across runs and JVMs: {@link String#hashCode}) is in this part. */
    public boolean includes(String key) {
        return Math.floorMod(key.hashCode(), of) == index;
    }

    public boolean isAll() {
        return of == 1;
    }

    @Override
    public String toString() {
        return isAll() ? "all" : (index + 1) + " of " + of;
    }
}
