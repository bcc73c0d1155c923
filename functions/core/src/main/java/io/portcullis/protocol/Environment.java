package io.portcullis.protocol;

import java.util.Locale;
import java.util.Map;

/** The environment a resource belongs to, from its {@code environment} or {@code env} tag. */
public enum Environment {
    PRODUCTION, NON_PRODUCTION, UNKNOWN;

    static final java.util.Set<String> NON_PRODUCTION_VALUES = java.util.Set.of("dev", "development", "test", "testing",
            "qa", "uat", "staging", "stage", "stg", "sandbox", "sbx", "nonprod", "non-prod", "non-production", "preprod",
            "pre-prod", "demo", "lab", "int", "integration", "ci");

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
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("prod") || v.equals("production") || v.equals("prd") || v.equals("live")
                || v.startsWith("prod-") || v.startsWith("prod_") || v.startsWith("production-")) {
            return PRODUCTION;
        }
        // Only values that clearly mean "not production" lower the priority; anything else (a typo, "prod-eu2",
        // a value chosen to dodge the protocol) is unknown, and unknown is judged as production.
        return NON_PRODUCTION_VALUES.contains(v) ? NON_PRODUCTION : UNKNOWN;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
