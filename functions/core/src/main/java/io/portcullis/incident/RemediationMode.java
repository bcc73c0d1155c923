package io.portcullis.incident;

import java.util.Locale;

/** {@code enforce} changes the account; {@code dry-run} runs the same pipeline and records what it would have done. */
public enum RemediationMode {
    ENFORCE("enforce"), DRY_RUN("dry-run");

    private final String value;

    RemediationMode(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** Parses {@code enforce} or {@code dry-run}; anything else is an error that names the accepted values. */
    public static RemediationMode parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (RemediationMode m : values()) {
            if (m.value.equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("remediation mode '" + text + "' is not one of: enforce, dry-run");
    }
}
