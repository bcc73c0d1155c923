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

    // Two per account, three across all accounts, in ten minutes.
    static final Safeguards.Breaker TWO_EACH_THREE_IN_ALL = new Safeguards.Breaker(2, Duration.ofMinutes(10),
            Duration.ofMinutes(30), TimeoutAction.ESCALATE, new Safeguards.Limit(3, Duration.ofMinutes(10)));
    static final String A = "111111111111";
    static final String B = "222222222222";
    static final String C = "333333333333";

    final BlastRadiusBreaker twoLevels = new BlastRadiusBreaker(slots, TWO_EACH_THREE_IN_ALL);

    @Test
    void oneAccountsTripDoesNotHoldBackAnother() {
        twoLevels.admit(A, "inc-a1", T0);
        twoLevels.admit(A, "inc-a2", T0);

        assertThat(twoLevels.admit(A, "inc-a3", T0))
                .isEqualTo(new BlastRadiusBreaker.Held(A, true, BlastRadiusBreaker.Limit.ACCOUNT));
        assertThat(twoLevels.admit(B, "inc-b1", T0)).isInstanceOf(BlastRadiusBreaker.Admitted.class);
    }

    @Test
    void theLimitAcrossAllAccountsHoldsBackEveryAccountAndPagesOnce() {
        twoLevels.admit(A, "inc-a1", T0);
        twoLevels.admit(A, "inc-a2", T0);
        twoLevels.admit(B, "inc-b1", T0);

        // B and C each have slots of their own left, but all accounts together have none.
        assertThat(twoLevels.admit(B, "inc-b2", T0))
                .isEqualTo(new BlastRadiusBreaker.Held(B, true, BlastRadiusBreaker.Limit.ALL_ACCOUNTS));
        assertThat(twoLevels.admit(C, "inc-c1", T0))
                .isEqualTo(new BlastRadiusBreaker.Held(C, false, BlastRadiusBreaker.Limit.ALL_ACCOUNTS));
        // An incident held back by all accounts' limit keeps no slot of its account.
        assertThat(slots.held(B, T0)).isEqualTo(1);
        assertThat(slots.held(C, T0)).isZero();
        assertThat(slots.held(BlastRadiusBreaker.ALL_ACCOUNTS, T0)).isEqualTo(3);
    }

    @Test
    void eachLimitHasItsOwnWindow() {
        BlastRadiusBreaker breaker = new BlastRadiusBreaker(slots, new Safeguards.Breaker(2, Duration.ofMinutes(10),
                Duration.ofMinutes(30), TimeoutAction.ESCALATE, new Safeguards.Limit(3, Duration.ofHours(1))));
        breaker.admit(A, "inc-a1", T0);
        breaker.admit(A, "inc-a2", T0);
        breaker.admit(B, "inc-b1", T0);

        // Twenty minutes on A's own window has passed, the hour across all accounts has not.
        Instant later = T0.plus(Duration.ofMinutes(20));
        BlastRadiusBreaker.Admission held = breaker.admit(A, "inc-a3", later);
        assertThat(held).isEqualTo(new BlastRadiusBreaker.Held(A, true, BlastRadiusBreaker.Limit.ALL_ACCOUNTS));
        assertThat(breaker.heldNote((BlastRadiusBreaker.Held) held))
                .startsWith("Blast-radius breaker open for all accounts: more than 3 automatic remediations within 1 h")
                .contains("across all accounts together (this one in account " + A + ")");
        assertThat(breaker.admit(A, "inc-a4", T0.plus(Duration.ofHours(1))))
                .isInstanceOf(BlastRadiusBreaker.Admitted.class);
    }

    @Test
    void theNotesSayWhichLimitTrippedAndForWhichAccount() {
        BlastRadiusBreaker.Held own = new BlastRadiusBreaker.Held(A, true, BlastRadiusBreaker.Limit.ACCOUNT);
        BlastRadiusBreaker.Held all = new BlastRadiusBreaker.Held(A, true, BlastRadiusBreaker.Limit.ALL_ACCOUNTS);

        assertThat(twoLevels.heldNote(own)).startsWith("Blast-radius breaker open for account " + A
                + ": more than 2 automatic remediations within 10 min");
        assertThat(twoLevels.pausedNote(all)).startsWith("Paused by the blast-radius breaker for all accounts: more"
                + " than 3 remediations within 10 min across all accounts together (this one in account " + A + ")");
        assertThat(twoLevels.openedNote(all)).contains("in every account").contains("fewer than 3");
        assertThat(twoLevels.openedNote(own)).contains("in this account").contains("fewer than 2");
    }

    @Test
    void askingAgainForAnAdmittedIncidentKeepsBothItsSlots() {
        BlastRadiusBreaker.Admission first = twoLevels.admit(A, "inc-a1", T0);
        twoLevels.admit(B, "inc-b1", T0);
        twoLevels.admit(B, "inc-b2", T0);

        // All accounts' three slots are taken, one of them by inc-a1: asking again still admits it.
        assertThat(twoLevels.admit(A, "inc-a1", T0.plusSeconds(5))).isEqualTo(first);
        assertThat(slots.held(A, T0)).isEqualTo(1);
    }

    @Test
    void aReleasedAdmissionGivesBothSlotsBack() {
        BlastRadiusBreaker.Admission a = twoLevels.admit(A, "inc-a1", T0);
        twoLevels.admit(A, "inc-a2", T0);
        twoLevels.admit(B, "inc-b1", T0);

        twoLevels.release(a);

        assertThat(slots.held(A, T0)).isEqualTo(1);
        assertThat(slots.held(BlastRadiusBreaker.ALL_ACCOUNTS, T0)).isEqualTo(2);
        assertThat(twoLevels.admit(A, "inc-a3", T0)).isInstanceOf(BlastRadiusBreaker.Admitted.class);
    }

    @Test
    void whenClaimingAcrossAllAccountsFailsTheAccountsSlotIsGivenBack() {
        BreakerSlots failing = new BreakerSlots() {
            @Override
            public boolean claim(String account, int slot, String incidentId, Instant now, Instant until) {
                if (BlastRadiusBreaker.ALL_ACCOUNTS.equals(account)) {
                    throw new IllegalStateException("throttled");
                }
                return slots.claim(account, slot, incidentId, now, until);
            }

            @Override
            public void release(String account, int slot, String incidentId) {
                slots.release(account, slot, incidentId);
            }

            @Override
            public boolean trip(String account, Instant now, Instant until) {
                return slots.trip(account, now, until);
            }
        };
        BlastRadiusBreaker breaker = new BlastRadiusBreaker(failing, TWO_EACH_THREE_IN_ALL);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> breaker.admit(A, "inc-a1", T0))
                .hasMessage("throttled");
        assertThat(slots.held(A, T0)).isZero();
    }

    @Test
    void aConcurrentBurstOverManyAccountsNeverExceedsEitherLimit() throws Exception {
        BlastRadiusBreaker breaker = new BlastRadiusBreaker(slots, new Safeguards.Breaker(3, Duration.ofMinutes(10),
                Duration.ofMinutes(30), TimeoutAction.ESCALATE, new Safeguards.Limit(7, Duration.ofMinutes(10))));
        List<String> accounts = List.of(A, B, C, "444444444444");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<BlastRadiusBreaker.Admission>> answers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String account = accounts.get(i % accounts.size());
            String id = "inc-" + i;
            answers.add(pool.submit(() -> {
                go.await();
                return breaker.admit(account, id, T0);
            }));
        }
        go.countDown();
        List<BlastRadiusBreaker.Admission> all = new ArrayList<>();
        for (Future<BlastRadiusBreaker.Admission> f : answers) {
            all.add(f.get());
        }
        pool.shutdown();

        assertThat(all).filteredOn(a -> a instanceof BlastRadiusBreaker.Admitted).hasSize(7);
        for (String account : accounts) {
            assertThat(all).filteredOn(a -> a instanceof BlastRadiusBreaker.Admitted ad && ad.account().equals(account))
                    .hasSizeLessThanOrEqualTo(3);
            // What each account holds is exactly what it was admitted: no slot stranded by a refused second claim.
            assertThat(slots.held(account, T0)).isEqualTo(all.stream()
                    .filter(a -> a instanceof BlastRadiusBreaker.Admitted ad && ad.account().equals(account)).count());
        }
        assertThat(slots.held(BlastRadiusBreaker.ALL_ACCOUNTS, T0)).isEqualTo(7);
        assertThat(all).filteredOn(a -> a instanceof BlastRadiusBreaker.Held h && h.tripped()
                && h.limit() == BlastRadiusBreaker.Limit.ALL_ACCOUNTS).hasSize(1);
    }
}
