package io.portcullis.logging;

import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger that writes each event as one line through {@link LogLines}. */
final class LineLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    LineLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return LogLines.enabled(name, Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return LogLines.enabled(name, Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return LogLines.enabled(name, Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return LogLines.enabled(name, Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return LogLines.enabled(name, Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable failure) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        LogLines.write(name, level, message == null ? "null" : message, failure, MDC.get(LogLines.REQUEST_ID));
    }
}
