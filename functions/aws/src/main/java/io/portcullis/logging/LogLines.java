package io.portcullis.logging;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.event.Level;

/**
 * Where and how the functions' log lines are written: one line per event on standard output, the way Lambda collects
 * a function's logs. With the function's log format JSON ({@code AWS_LAMBDA_LOG_FORMAT}, set by the template's
 * {@code LoggingConfig}) each line is one JSON object with {@code timestamp} (RFC 3339), {@code level},
 * {@code logger}, {@code message}, the request id and, for a failure, {@code errorType}, {@code errorMessage} and
 * {@code stackTrace}: Lambda's application log-level filtering reads {@code level} from it. Otherwise a line of text.
 * The threshold is the function's application log level ({@code AWS_LAMBDA_LOG_LEVEL}, default INFO); the AWS SDK
 * and the Slack SDK ({@code com.slack.api}) log at WARN and above only.
 *
 * <p>Every character a log line takes from outside (a resource name, an event's text) is escaped: a newline or a
 * quote in an attacker's security-group description cannot end the line or forge a field.
 */
public final class LogLines {

    static final String REQUEST_ID = "AWSRequestId";
    private static final DateTimeFormatter TEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static volatile Settings settings = Settings.fromEnvironment(System.getenv());
    private static volatile Consumer<String> sink = null;

    private LogLines() {
    }

    /** The format and threshold, read once from the function's environment. */
    record Settings(boolean json, Level threshold, Level sdkThreshold) {

        static Settings fromEnvironment(Map<String, String> env) {
            boolean json = "JSON".equalsIgnoreCase(env.getOrDefault("AWS_LAMBDA_LOG_FORMAT", "TEXT"));
            Level threshold = level(env.get("AWS_LAMBDA_LOG_LEVEL"), Level.INFO);
            Level sdk = threshold.toInt() > Level.WARN.toInt() ? threshold : Level.WARN;
            return new Settings(json, threshold, sdk);
        }

        /** Lambda's levels; SLF4J has no FATAL, so FATAL keeps errors (a security tool does not silence them). */
        static Level level(String name, Level fallback) {
            if (name == null || name.isBlank()) {
                return fallback;
            }
            return switch (name.trim().toUpperCase(Locale.ROOT)) {
                case "TRACE" -> Level.TRACE;
                case "DEBUG" -> Level.DEBUG;
                case "INFO" -> Level.INFO;
                case "WARN" -> Level.WARN;
                case "ERROR", "FATAL" -> Level.ERROR;
                default -> fallback;
            };
        }
    }

    static boolean enabled(String logger, Level level) {
        Settings s = settings;
        // Both SDKs print request and response bodies at DEBUG (the Slack SDK's include tokens a call carries): they
        // log at WARN and above, whatever the function's level.
        Level threshold = logger.startsWith("software.amazon.awssdk") || logger.startsWith("com.slack.api")
                ? s.sdkThreshold() : s.threshold();
        return level.toInt() >= threshold.toInt();
    }

    /**
     * Sends every line to {@code lines} as well as standard output until the returned handle is closed: how tests
     * read what a function logged. One capture at a time.
     */
    public static AutoCloseable capture(Consumer<String> lines) {
        sink = lines;
        return () -> sink = null;
    }

    /** Marks the following lines of this thread with the Lambda request id (null: none). Handlers call it first. */
    public static void forRequest(String requestId) {
        if (requestId == null) {
            org.slf4j.MDC.remove(REQUEST_ID);
        } else {
            org.slf4j.MDC.put(REQUEST_ID, requestId);
        }
    }

    /** Re-reads the format and threshold from {@code env} (tests; a function reads its environment once). */
    public static void configure(Map<String, String> env) {
        settings = Settings.fromEnvironment(env);
    }

    static void write(String logger, Level level, String message, Throwable failure, String requestId) {
        String line = settings.json() ? json(Instant.now(), logger, level, message, failure, requestId)
                : text(Instant.now(), logger, level, message, failure, requestId);
        PrintStream out = System.out;
        out.println(line);
        Consumer<String> copy = sink;
        if (copy != null) {
            copy.accept(line);
        }
    }

    static String json(Instant at, String logger, Level level, String message, Throwable failure, String requestId) {
        StringBuilder b = new StringBuilder(128 + message.length());
        b.append("{\"timestamp\":\"").append(at).append("\",\"level\":\"").append(level).append('"');
        field(b, "logger", logger);
        field(b, "message", message);
        if (requestId != null) {
            field(b, REQUEST_ID, requestId);
        }
        if (failure != null) {
            field(b, "errorType", failure.getClass().getName());
            field(b, "errorMessage", String.valueOf(failure.getMessage()));
            b.append(",\"stackTrace\":[");
            boolean first = true;
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t != failure) {
                    b.append(first ? "" : ",");
                    quote(b, "Caused by: " + t);
                    first = false;
                }
                for (StackTraceElement e : t.getStackTrace()) {
                    b.append(first ? "" : ",");
                    quote(b, e.toString());
                    first = false;
                }
            }
            b.append(']');
        }
        return b.append('}').toString();
    }

    static String text(Instant at, String logger, Level level, String message, Throwable failure, String requestId) {
        StringBuilder b = new StringBuilder(TEXT_TIME.format(at)).append(' ')
                .append(requestId == null ? "-" : requestId).append(' ')
                .append(String.format(Locale.ROOT, "%-5s", level)).append(' ')
                .append(logger.substring(logger.lastIndexOf('.') + 1)).append(" - ");
        // One event, one line: line breaks and other control characters from the message are shown escaped.
        escape(b, message);
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            b.append(t == failure ? " | " : " | Caused by: ");
            escape(b, t.toString());
            StackTraceElement[] trace = t.getStackTrace();
            for (int i = 0; i < Math.min(trace.length, 12); i++) {
                b.append(" | at ").append(trace[i]);
            }
        }
        return b.toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":");
        quote(b, value);
    }

    private static void quote(StringBuilder b, String value) {
        b.append('"');
        escape(b, value);
        b.append('"');
    }

    /** JSON string escaping; also applied to text lines, so neither format can be split or forged from input. */
    static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
