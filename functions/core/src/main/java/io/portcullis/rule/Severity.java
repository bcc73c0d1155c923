package io.portcullis.rule;

/** How bad a finding is, most severe first. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
