package io.portcullis.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SweepPartTest {

    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void twelveRunsFiveMinutesApartReadEveryBucketExactlyOnce() {
        List<String> buckets = IntStream.range(0, 500).mapToObj(i -> "bucket-" + i).toList();
        Instant start = Instant.parse("2026-11-25T03:02:10Z");
        List<String> read = new ArrayList<>();

        for (int run = 0; run < 12; run++) {
            SweepPart part = SweepPart.forRun(start.plus(FIVE_MINUTES.multipliedBy(run)), FIVE_MINUTES, 12);
            buckets.stream().filter(part::includes).forEach(read::add);
        }

        assertThat(read).containsExactlyInAnyOrderElementsOf(buckets);
    }

    @Test
    void runsWithinTheSameSlotReadTheSamePartAndTheNextSlotTheNextOne() {
        Instant slot = Instant.parse("2026-11-25T03:05:00Z");

        SweepPart early = SweepPart.forRun(slot, FIVE_MINUTES, 12);
        SweepPart late = SweepPart.forRun(slot.plusSeconds(299), FIVE_MINUTES, 12);
        SweepPart next = SweepPart.forRun(slot.plusSeconds(300), FIVE_MINUTES, 12);

        assertThat(late).isEqualTo(early);
        assertThat(next.index()).isEqualTo((early.index() + 1) % 12);
    }

    @Test
    void allIncludesEverythingAndSaysSo() {
        assertThat(SweepPart.ALL.includes("any-bucket")).isTrue();
        assertThat(SweepPart.ALL).hasToString("all");
        assertThat(new SweepPart(0, 12)).hasToString("1 of 12");
        assertThatThrownBy(() -> new SweepPart(12, 12)).hasMessageContaining("0 <= index < of");
    }
}
