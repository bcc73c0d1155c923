package io.portcullis.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a function's log lines look like in CloudWatch, and what Lambda's log-level filtering reads from them. */
class LogLinesTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    @AfterEach
    void restore() {
        LogLines.configure(System.getenv());
        LogLines.forRequest(null);
    }

    private AutoCloseable capture(Map<String, String> env) {
        LogLines.configure(env);
        return LogLines.capture(lines::add);
    }

    @Test
    void slf4jIsBoundToTheFunctionsOwnLogger() {
        assertThat(LoggerFactory.getLogger("x").getClass().getSimpleName()).isEqualTo("LineLogger");
    }

    @Test
    void jsonLinesCarryLevelTimestampLoggerMessageAndRequestId() throws Exception {
        try (AutoCloseable c = capture(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"))) {
            LogLines.forRequest("req-1");
            LoggerFactory.getLogger("io.portcullis.detector.DetectorHandler").warn("Refused {}: {}", "event e-1",
                    "detail.eventID is missing");
        }
        assertThat(lines).hasSize(1);
        JsonNode line = Json.mapper().readTree(lines.get(0));
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("message").asText()).isEqualTo("Refused event e-1: detail.eventID is missing");
        assertThat(line.path("logger").asText()).isEqualTo("io.portcullis.detector.DetectorHandler");
        assertThat(line.path("AWSRequestId").asText()).isEqualTo("req-1");
        assertThat(java.time.Instant.parse(line.path("timestamp").asText())).isNotNull();
    }

    @Test
    void aFailureKeepsItsTypeMessageAndTraceInTheSameLine() throws Exception {
        try (AutoCloseable c = capture(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"))) {
            LoggerFactory.getLogger("t").error("Step failed", new IllegalStateException("outer",
                    new java.io.IOException("inner")));
        }
        JsonNode line = Json.mapper().readTree(lines.get(0));
        assertThat(line.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(line.path("errorMessage").asText()).isEqualTo("outer");
        assertThat(line.path("stackTrace").toString()).contains("Caused by: java.io.IOException: inner");
    }

    @Test
    void textFromAnEventCannotEndTheLineOrForgeAField() throws Exception {
        String hostile = "sg\"},\"level\":\"ERROR\n{\"level\":\"INFO\",\"message\":\"forged\u0007\u2028";
        try (AutoCloseable c = capture(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"))) {
            LoggerFactory.getLogger("t").info("Group {}", hostile);
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("\n").doesNotContain("\u2028");
        JsonNode line = Json.mapper().readTree(lines.get(0));
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("message").asText()).isEqualTo("Group " + hostile);

        lines.clear();
        try (AutoCloseable c = capture(Map.of("AWS_LAMBDA_LOG_FORMAT", "TEXT"))) {
            LoggerFactory.getLogger("t").info("Group {}", hostile);
        }
        assertThat(lines).singleElement().asString().doesNotContain("\n").contains("\\n{\\\"level\\\"");
    }

    @Test
    void theFunctionsLogLevelFiltersAndTheSdkOnlyWarns() throws Exception {
        try (AutoCloseable c = capture(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "DEBUG"))) {
            LoggerFactory.getLogger("io.portcullis.x").debug("kept");
            LoggerFactory.getLogger("io.portcullis.x").trace("dropped");
            LoggerFactory.getLogger("software.amazon.awssdk.request").info("dropped");
            LoggerFactory.getLogger("software.amazon.awssdk.request").warn("sdk kept");
            LoggerFactory.getLogger("com.slack.api.util.http.listener.DetailedLoggingListener").debug("dropped body");
            LoggerFactory.getLogger("com.slack.api.methods.impl.MethodsClientImpl").warn("slack kept");
        }
        assertThat(lines).hasSize(3).anySatisfy(l -> assertThat(l).contains("\"kept\""))
                .anySatisfy(l -> assertThat(l).contains("sdk kept")).anySatisfy(l -> assertThat(l).contains("slack kept"));

        lines.clear();
        try (AutoCloseable c = capture(Map.of("AWS_LAMBDA_LOG_LEVEL", "FATAL"))) {
            LoggerFactory.getLogger("io.portcullis.x").warn("dropped");
            LoggerFactory.getLogger("io.portcullis.x").error("errors are never silenced");
        }
        assertThat(lines).singleElement().asString().contains("ERROR").contains("errors are never silenced");
    }
}
