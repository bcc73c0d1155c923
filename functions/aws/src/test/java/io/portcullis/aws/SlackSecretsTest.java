package io.portcullis.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.logging.LogLines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlackSecretsTest {

    /** A clock a test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovingClock clock = new MovingClock();
    /** The secrets as Secrets Manager holds them now: "secret id/field" to value. */
    final Map<String, String> stored = new HashMap<>();
    final List<String> reads = new ArrayList<>();

    String read(String id, String field) {
        reads.add(id + "/" + field);
        String value = stored.get(id + "/" + field);
        if (value == null) {
            throw new IllegalStateException("Slack secret '" + id + "' has no \"" + field + "\"");
        }
        return value;
    }

    @AfterEach
    void restoreLogging() {
        LogLines.configure(System.getenv());
    }

    @Test
    void readsNothingUntilFirstUseThenKeepsTheValueForItsTimeAndTakesARotationAfterIt() {
        stored.put("signing/signingSecret", "fake-signing-one");
        SlackSecrets secrets = new SlackSecrets(this::read, "bot", "signing", clock);

        assertThat(reads).as("building reads no secret").isEmpty();
        assertThat(secrets.signingSecret()).isEqualTo("fake-signing-one");
        stored.put("signing/signingSecret", "fake-signing-two");
        clock.now = clock.now.plus(SlackSecrets.TTL).minusSeconds(1);
        assertThat(secrets.signingSecret()).as("cached within its time").isEqualTo("fake-signing-one");
        clock.now = clock.now.plusSeconds(1);
        assertThat(secrets.signingSecret()).as("the rotated value after it").isEqualTo("fake-signing-two");
        assertThat(reads).containsExactly("signing/signingSecret", "signing/signingSecret");
        assertThat(SlackSecrets.TTL).isLessThanOrEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void theSigningSecretComesFromItsOwnSecretAndNeverFromTheBotTokenSecretWhenItIsSet() {
        stored.put("bot/botToken", "xoxb-fake-token");
        stored.put("bot/signingSecret", "fake-old-signing");
        stored.put("signing/signingSecret", "fake-own-signing");
        SlackSecrets secrets = new SlackSecrets(this::read, "bot", "signing", clock);

        assertThat(secrets.signingSecret()).isEqualTo("fake-own-signing");
        assertThat(secrets.botToken()).isEqualTo("xoxb-fake-token");
        assertThat(reads).containsExactly("signing/signingSecret", "bot/botToken");
    }

    @Test
    void withoutItsOwnSecretTheSigningSecretFallsBackToTheBotTokenSecretWithAWarning() {
        stored.put("bot/signingSecret", "fake-old-signing");
        List<String> lines = new ArrayList<>();
        SlackSecrets secrets = new SlackSecrets(this::read, "bot", " ", clock);

        LogLines.configure(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"));
        try (AutoCloseable c = LogLines.capture(lines::add)) {
            assertThat(secrets.signingSecret()).isEqualTo("fake-old-signing");
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"level\":\"WARN\"")
                .contains(SlackSecrets.SIGNING_SECRET_ID + " is not set").doesNotContain("fake-old-signing"));
    }
}
