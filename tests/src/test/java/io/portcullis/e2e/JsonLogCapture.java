package io.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import io.portcullis.logging.LogLines;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The functions' own log lines while it is open, in Lambda's JSON format, as CloudWatch would receive them; closing
 * it puts the format back as the environment says. A line that is not JSON fails the test.
 */
final class JsonLogCapture implements AutoCloseable {

    private final List<JsonNode> lines = new CopyOnWriteArrayList<>();
    private final AutoCloseable capture;

    JsonLogCapture() {
        LogLines.configure(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"));
        capture = LogLines.capture(line -> {
            try {
                lines.add(Json.mapper().readTree(line));
            } catch (IOException e) {
                throw new AssertionError("a log line that is not JSON: " + line, e);
            }
        });
    }

    List<JsonNode> lines() {
        return lines;
    }

    /** The messages of the WARN and ERROR lines. */
    List<String> warnings() {
        return lines.stream().filter(l -> l.path("level").asText().matches("WARN|ERROR"))
                .map(l -> l.path("message").asText()).toList();
    }

    @Override
    public void close() throws Exception {
        capture.close();
        LogLines.configure(System.getenv());
    }
}
