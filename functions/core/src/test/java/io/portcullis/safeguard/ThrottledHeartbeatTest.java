package io.portcullis.safeguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.portcullis.testing.InMemorySafeguards;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ThrottledHeartbeatTest {

    static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");

    final InMemorySafeguards store = new InMemorySafeguards();
    final ThrottledHeartbeat heartbeat = new ThrottledHeartbeat(store);

    @Test
    void writesAnAccountsHeartbeatAtMostOnceAMinute() {
        for (int s = 0; s < 60; s += 5) {
            heartbeat.seen("111111111111", T0.plusSeconds(s));
        }
        heartbeat.seen("222222222222", T0.plusSeconds(10));
        heartbeat.seen("111111111111", T0.plusSeconds(60));

        assertThat(store.heartbeatWrites).isEqualTo(3);
        assertThat(store.feeds()).extracting(HeartbeatStore.Feed::lastSeen)
                .containsExactlyInAnyOrder(T0.plusSeconds(60), T0.plusSeconds(10));
    }

    @Test
    void aFailedWriteNeverFailsTheEventAndTheNextEventTriesAgain() {
        store.failNextWrite = new IllegalStateException("DynamoDB is throttling");

        assertThatCode(() -> heartbeat.seen("111111111111", T0)).doesNotThrowAnyException();
        assertThat(heartbeat.seen("111111111111", T0.plusSeconds(1))).isTrue();

        assertThat(store.feeds()).singleElement().satisfies(f -> assertThat(f.lastSeen()).isEqualTo(T0.plusSeconds(1)));
    }

    @Test
    void anEventWithoutAnAccountIsNoHeartbeat() {
        assertThat(heartbeat.seen(null, T0)).isFalse();
        assertThat(heartbeat.seen("", T0)).isFalse();
        assertThat(store.heartbeatWrites).isZero();
    }
}
