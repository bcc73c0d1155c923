package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.logging.LogLines;
import io.portcullis.slack.SlackNotifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The Slack SDK logs every request and response body at DEBUG (its {@code DetailedLoggingListener}): message text
 * with resource names and actors, directory look-ups by e-mail. Like the AWS SDK, it logs at WARN and above only,
 * whatever the function's log level, so even at TRACE no body reaches the logs. The real SDK posts to the local Slack.
 */
class SlackSdkLoggingIT {

    @Test
    void atTheMostVerboseLevelTheSlackSdkLogsNoBodyWhilePortcullisOwnDebugLinesStay() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        LogLines.configure(Map.of("AWS_LAMBDA_LOG_LEVEL", "TRACE", "AWS_LAMBDA_LOG_FORMAT", "JSON"));
        try (LocalSlack slack = LocalSlack.start(LocalRuntime.SLACK_BOT_TOKEN);
             AutoCloseable capture = LogLines.capture(lines::add)) {
            SlackNotifier.create(LocalRuntime.SLACK_BOT_TOKEN, LocalRuntime.SLACK_CHANNEL, slack.url())
                    .alert(null, null, "bucket " + marker + " was made public by alice@example.com");
            LoggerFactory.getLogger("io.portcullis.e2e.SlackSdkLoggingIT").debug("own debug line {}", marker);

            assertThat(slack.messages()).as("the SDK really posted").anySatisfy(m -> assertThat(m.text()).contains(marker));
        } finally {
            LogLines.configure(System.getenv());
        }

        List<JsonNode> parsed = new ArrayList<>();
        for (String line : List.copyOf(lines)) {
            parsed.add(Json.mapper().readTree(line));
        }
        assertThat(parsed).as("TRACE is on for Portcullis' own lines")
                .anySatisfy(l -> assertThat(l.path("message").asText()).isEqualTo("own debug line " + marker));
        assertThat(parsed).as("no Slack SDK line below WARN")
                .noneSatisfy(l -> {
                    assertThat(l.path("logger").asText()).startsWith("com.slack.api");
                    assertThat(l.path("level").asText()).isIn("TRACE", "DEBUG", "INFO");
                });
        assertThat(parsed).as("no line but our own carries the message's text")
                .allSatisfy(l -> assertThat(l.path("message").asText().contains(marker))
                        .as(l.toString()).isEqualTo(l.path("logger").asText().equals("io.portcullis.e2e.SlackSdkLoggingIT")));
    }
}
