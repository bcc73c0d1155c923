package io.portcullis.safeguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.TimeoutAction;
import io.portcullis.testing.InMemorySafeguards;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BlastRadiusBreakerTest {

    static final Safeguards.Breaker THREE_IN_TEN_MINUTES = new Safeguards.Breaker(3, Duration.ofMinutes(10),
            Duration.ofMinutes(30), TimeoutAction.ESCALATE);
    static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");

    final InMemorySafeguards slots = new InMemorySafeguards();
    final BlastRadiusBreaker breaker = new BlastRadiusBreaker(slots, THREE_IN_TEN_MINUTES);

    @Test
    void admitsTheFirstNInTheWindowAndHoldsBackTheRestPagingOnce() {
        List<BlastRadiusBreaker.Admission> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(breaker.admit("111111111111", "inc-" + i, T0.plusSeconds(i)));
        }

        assertThat(answers.subList(0, 3)).allSatisfy(a -> assertThat(a).isInstanceOf(BlastRadiusBreaker.Admitted.class));
        assertThat(answers.get(3)).isEqualTo(new BlastRadiusBreaker.Held("111111111111", true));
        assertThat(answers.get(4)).isEqualTo(new BlastRadiusBreaker.Held("111111111111", false));
    }

    @Test
    void countsEachAccountOnItsOwn() {
        for (int i = 0; i < 3; i++) {
            breaker.admit("111111111111", "inc-a" + i, T0);
        }

        assertThat(breaker.admit("222222222222", "inc-b", T0)).isInstanceOf(BlastRadiusBreaker.Admitted.class);
        assertThat(breaker.admit("111111111111", "inc-a3", T0)).isInstanceOf(BlastRadiusBreaker.Held.class);
    }

    @Test
    void theWindowSlidesAutomaticRemediationResumesAsOldOnesAgeOut() {
        breaker.admit("111111111111", "inc-1", T0);
        breaker.admit("111111111111", "inc-2", T0.plus(Duration.ofMinutes(4)));
        breaker.admit("111111111111", "inc-3", T0.plus(Duration.ofMinutes(8)));
        assertThat(breaker.admit("111111111111", "inc-4", T0.plus(Duration.ofMinutes(9))))
                .isInstanceOf(BlastRadiusBreaker.Held.class);

        // At 10 minutes the first has aged out: one more fits, and only one.
        assertThat(breaker.admit("111111111111", "inc-5", T0.plus(Duration.ofMinutes(10))))
                .isInstanceOf(BlastRadiusBreaker.Admitted.class);
        assertThat(breaker.admit("111111111111", "inc-6", T0.plus(Duration.ofMinutes(11))))
                .isInstanceOf(BlastRadiusBreaker.Held.class);
        // Three admitted in any ten minutes, never four.
        assertThat(slots.held("111111111111", T0.plus(Duration.ofMinutes(11)))).isEqualTo(3);
    }

    @Test
    void aBreakerThatOpensAgainAfterItsWindowPagesAgain() {
        for (int i = 0; i < 3; i++) {
            breaker.admit("111111111111", "inc-" + i, T0);
        }
        assertThat(breaker.admit("111111111111", "inc-x", T0)).isEqualTo(new BlastRadiusBreaker.Held("111111111111", true));

        Instant later = T0.plus(Duration.ofMinutes(20));
        for (int i = 0; i < 3; i++) {
            breaker.admit("111111111111", "inc-later-" + i, later);
        }
        assertThat(breaker.admit("111111111111", "inc-y", later))
                .isEqualTo(new BlastRadiusBreaker.Held("111111111111", true));
    }

    @Test
    void aReleasedAdmissionGivesItsSlotBack() {
        List<BlastRadiusBreaker.Admission> admitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            admitted.add(breaker.admit("111111111111", "inc-" + i, T0));
        }

        breaker.release(admitted.get(1));

        assertThat(breaker.admit("111111111111", "inc-3", T0)).isInstanceOf(BlastRadiusBreaker.Admitted.class);
    }

    @Test
    void aBurstOfConcurrentRemediationsAdmitsExactlyN() throws Exception {
        int burst = 40;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<BlastRadiusBreaker.Admission>> answers = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            String id = "inc-" + i;
            answers.add(pool.submit(() -> {
                go.await();
                return breaker.admit("111111111111", id, T0);
            }));
        }
        go.countDown();
        List<BlastRadiusBreaker.Admission> all = new ArrayList<>();
        for (Future<BlastRadiusBreaker.Admission> f : answers) {
            all.add(f.get());
        }
        pool.shutdown();

        assertThat(all).filteredOn(a -> a instanceof BlastRadiusBreaker.Admitted).hasSize(3);
        assertThat(all).filteredOn(a -> a instanceof BlastRadiusBreaker.Held h && h.tripped()).hasSize(1);
    }
}
