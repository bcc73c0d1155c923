package io.portcullis.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.logging.LogLines;
import io.portcullis.notify.SlackThread;
import io.portcullis.slack.SlackNotifier;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The function's log level at DEBUG must not make the Slack SDK print what it sends and receives: the bodies carry
 * message text, the e-mail addresses looked up, and any token a call passes as a form field.
 */
class SlackSdkDebugLoggingTest {

    private static final String TOKEN = "xoxb-fake-debug-token-0000";

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private HttpServer slack;

    @AfterEach
    void restore() {
        LogLines.configure(System.getenv());
        if (slack != null) {
            slack.stop(0);
        }
    }

    @Test
    void debugLevelPrintsNoSlackRequestOrResponseBody() throws Exception {
        slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slack.createContext("/api/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] answer = ("{\"ok\":true,\"channel\":\"C0TEST\",\"ts\":\"1700000000.000100\","
                    + "\"user\":{\"id\":\"U0ALICE\",\"profile\":{\"email\":\"alice@example.com\"}}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        slack.start();
        String url = "http://127.0.0.1:" + slack.getAddress().getPort() + "/api/";

        LogLines.configure(Map.of("AWS_LAMBDA_LOG_LEVEL", "DEBUG", "AWS_LAMBDA_LOG_FORMAT", "JSON"));
        try (AutoCloseable c = LogLines.capture(lines::add)) {
            LoggerFactory.getLogger(SlackSdkDebugLoggingTest.class).debug("debug is on");
            SlackNotifier notifier = SlackNotifier.create(TOKEN, "C0TEST", url);
            notifier.decided(new SlackThread("C0TEST", "1700000000.000100"), "Approved by marker-text-in-the-body");
            notifier.methods().usersLookupByEmail(r -> r.token(TOKEN).email("alice@example.com"));
        }

        assertThat(lines).as("the function's own DEBUG lines are written").anyMatch(l -> l.contains("debug is on"));
        assertThat(lines).as("no line carries the token, a body or a looked-up address").noneMatch(l ->
                l.contains(TOKEN) || l.contains("marker-text-in-the-body") || l.contains("alice@example.com"));
        assertThat(lines).as("the Slack SDK logs nothing below WARN")
                .noneMatch(l -> l.contains("\"logger\":\"com.slack.api") && l.contains("\"level\":\"DEBUG\""));
    }
}
