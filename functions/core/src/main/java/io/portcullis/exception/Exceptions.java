package io.portcullis.exception;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.policy.PolicyFiles;
import io.portcullis.rule.Finding;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every declared exception; decides which findings are suppressed on a given day. */
public record Exceptions(List<PolicyException> declared) {

    public static final String RESOURCE = "exceptions.yaml";
    public static final String TAG_PREFIX = "portcullis:exception:";

    public Exceptions {
        declared = List.copyOf(declared);
    }

    public static Exceptions none() {
        return new Exceptions(List.of());
    }

    public static Exceptions defaults() {
        return fromTree(PolicyFiles.bundled(RESOURCE), RESOURCE);
    }

    public static Exceptions fromTree(JsonNode root, String file) {
        List<PolicyException> out = new ArrayList<>();
        JsonNode list = root.path("exceptions");
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            JsonNode tag = e.path("tag");
            String key = tag.isObject() && tag.size() == 1 ? tag.fieldNames().next() : null;
            List<Integer> ports = new ArrayList<>();
            e.path("ports").forEach(p -> ports.add(p.asInt()));
            out.add(new PolicyException(e.path("rule").asText(), e.hasNonNull("resource") ? e.path("resource").asText() : null,
                    key, key == null ? null : tag.path(key).asText(), ports, e.path("owner").asText(),
                    e.path("reason").asText(), date(e.path("expires").asText(), file + " exceptions[" + i + "].expires"),
                    file + " exceptions[" + i + "]"));
        }
        return new Exceptions(out);
    }

    /**
     * Exceptions declared by tags on the resource: {@code portcullis:exception:<rule>} with the value
     * {@code owner=…; reason=…; expires=YYYY-MM-DD}. A malformed tag declares nothing (and so suppresses nothing).
     */
    public static List<PolicyException> fromTags(Map<String, String> tags, String resourceId) {
        List<PolicyException> out = new ArrayList<>();
        tags.forEach((key, value) -> {
            if (!key.startsWith(TAG_PREFIX)) {
                return;
            }
            Map<String, String> fields = new java.util.HashMap<>();
            for (String part : value.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    fields.put(part.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT), part.substring(eq + 1).trim());
                }
            }
            try {
                if (fields.containsKey("owner") && fields.containsKey("reason") && fields.containsKey("expires")) {
                    out.add(new PolicyException(key.substring(TAG_PREFIX.length()), resourceId, null, null, List.of(),
                            fields.get("owner"), fields.get("reason"), LocalDate.parse(fields.get("expires")),
                            "tag " + key + " on " + resourceId));
                }
            } catch (DateTimeParseException ignored) {
                // an unreadable expiry never suppresses
            }
        });
        return out;
    }

    /** A tag exception may suppress nothing critical, and nothing for longer than this. */
    public static final int TAG_MAX_DAYS = 90;

    /**
     * The exception that suppresses this finding today, if any (file first, then tags). Anyone who may tag a
     * resource may write a tag exception, so those are held to less: never a critical finding, never for more than
     * {@value #TAG_MAX_DAYS} days ahead (a tag that claims longer suppresses nothing). Reviewed exceptions belong in
     * exceptions.yaml.
     */
    public Optional<PolicyException> suppressing(Finding finding, Map<String, String> tags, LocalDate today) {
        List<PolicyException> all = new ArrayList<>(declared);
        if (finding.severity() != io.portcullis.rule.Severity.CRITICAL) {
            fromTags(tags, finding.resource().id() == null ? "" : finding.resource().id()).stream()
                    .filter(e -> !e.expires().isAfter(today.plusDays(TAG_MAX_DAYS)))
                    .forEach(all::add);
        }
        return all.stream().filter(e -> e.activeOn(today) && e.covers(finding, tags)).findFirst();
    }

    private static LocalDate date(String text, String at) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(at + " '" + text + "' is not a date (YYYY-MM-DD)");
        }
    }
}
