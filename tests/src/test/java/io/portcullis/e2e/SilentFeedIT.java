package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.safeguard.Safeguards;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The silent-feed heartbeat in the emulator: the real detector records when an account's events last arrived, and
 * the watchdog function (run here on a clock moved past the protocol's {@code safeguards.silentFeedAfter}) pages
 * on-call — Slack and the alert queue — once per silence, and says so when events arrive again.
 */
class SilentFeedIT {

    /** A harmless change: no incident, but proof the feed is alive. */
    static final String HARMLESS = "cloudtrail/ec2-authorize-ssh-private-cidr-console.json";

    final LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
    final Duration window = Safeguards.defaults().silentFeedAfter();

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    List<Message> alertQueue() {
        return p.runtime.sqs().receiveMessage(r -> r.queueUrl(p.runtime.deployment().alertQueueUrl())
                .maxNumberOfMessages(10).visibilityTimeout(0)).messages();
    }

    List<String> slackAlerts() {
        return p.runtime.slack().messages().stream().map(m -> m.text()).filter(t -> t.contains("Portcullis alert"))
                .toList();
    }

    Instant lastSeen() {
        Map<String, AttributeValue> item = p.runtime.dynamoDb().getItem(r -> r.tableName(
                p.runtime.deployment().safeguardsTable()).key(Map.of("pk", AttributeValue.fromS("feed"),
                "sk", AttributeValue.fromS("123456789012")))).item();
        return Instant.ofEpochMilli(Long.parseLong(item.get("lastSeen").n()));
    }

    @Test
    void anAccountSilentForLongerThanTheProtocolAllowsPagesOnceAndAgainWhenItsEventsResume() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(p.detect(p.event(HARMLESS)).path("outcome").asText()).isEqualTo("compliant");
        Instant seen = lastSeen();
        assertThat(seen).isBetween(before, Instant.now());

        JsonNode quiet = p.runtime.runWatchdog(at(seen.plus(window).minusSeconds(60)));
        assertThat(quiet.path("silent")).isEmpty();
        assertThat(slackAlerts()).isEmpty();
        assertThat(alertQueue()).isEmpty();

        JsonNode silent = p.runtime.runWatchdog(at(seen.plus(window).plusSeconds(60)));
        JsonNode stillSilent = p.runtime.runWatchdog(at(seen.plus(window).plusSeconds(360)));

        assertThat(silent.path("silent").toString()).isEqualTo("[\"123456789012\"]");
        assertThat(silent.path("paged").toString()).isEqualTo("[\"123456789012\"]");
        assertThat(stillSilent.path("silent").toString()).isEqualTo("[\"123456789012\"]");
        assertThat(stillSilent.path("paged")).isEmpty();
        assertThat(slackAlerts()).singleElement().satisfies(t -> assertThat(t)
                .contains("No event from account 123456789012 has reached Portcullis for 1 d (the last arrived at")
                .contains("trail is logging"));
        assertThat(alertQueue()).singleElement().satisfies(m -> {
            JsonNode body = Json.mapper().readTree(m.body());
            assertThat(body.path("alert").asText()).isEqualTo("silent-feed");
            assertThat(body.path("account").asText()).isEqualTo("123456789012");
        });

        // Events arrive again, at another container of the detector (a fresh heartbeat throttle).
        try (LocalRuntime other = LocalRuntime.attach(p.setup, p.runtime.deployment(),
                p.runtime.environment())) {
            other.invokeDetector(p.event(HARMLESS));
        }
        Instant back = lastSeen();
        JsonNode resumed = p.runtime.runWatchdog(at(back.plusSeconds(60)));

        assertThat(back).isAfter(seen);
        assertThat(resumed.path("resumed").toString()).isEqualTo("[\"123456789012\"]");
        assertThat(slackAlerts()).hasSize(2).last().satisfies(t -> assertThat(t)
                .contains("Events from account 123456789012 are arriving again"));
    }
}
