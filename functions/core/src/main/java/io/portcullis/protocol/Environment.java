package io.portcullis.protocol;

import java.util.Locale;
import java.util.Map;

/** The environment a resource belongs to, from its {@code environment} or {@code env} tag. */
public enum Environment {
    PRODUCTION, NON_PRODUCTION, UNKNOWN;

    /** Reads the {@code environment} (or {@code env}) tag, case-insensitively in key and value. */
    public static Environment fromTags(Map<String, String> tags) {
        String value = null;
        for (var e : tags.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            if (key.equals("environment") || (key.equals("env") && value == null)) {
                value = e.getValue();
            }
        }
        if (value == null || value.isBlank()) {
            return UNKNOWN;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "prod", "production", "prd", "live" -> PRODUCTION;
            default -> NON_PRODUCTION;
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
