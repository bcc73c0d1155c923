package io.portcullis.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A policy document as written (a bucket policy, a role's trust policy) with only the offending statements or
 * principals taken out; every other statement, its Sid, conditions and the document's Version are kept as written.
 * What counts as offending is {@link PolicyDocument}'s judgement, the one the rules use, so remediation removes
 * exactly what detection reported.
 *
 * <p>Example: {@code withoutPublicStatements} on a policy with a {@code "Principal": "*"} GetObject statement and a
 * statement for a partner account returns the partner statement alone; on a policy whose only statement is public it
 * returns no remaining document (the caller deletes the policy).
 */
public final class PolicyRewrite {

    private PolicyRewrite() {
    }

    /**
     * What a rewrite took out, and what is left.
     *
     * @param removed   the offending statements as they were written (a statement narrowed by dropping a principal
     *                  appears here as it was before)
     * @param remaining the document without them; empty when no statement is left
     */
    public record Result(List<JsonNode> removed, Optional<ObjectNode> remaining) {

        public Result {
            removed = List.copyOf(removed);
        }

        public boolean changed() {
            return !removed.isEmpty();
        }
    }

    /**
     * A policy document from its text: JSON, or URL-encoded JSON as IAM returns it.
     *
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    public static ObjectNode read(String text) {
        String t = text.trim();
        if (!t.startsWith("{") && t.contains("%")) {
            t = URLDecoder.decode(t, StandardCharsets.UTF_8).trim();
        }
        try {
            JsonNode node = Json.mapper().readTree(t);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a policy document: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a policy document: expected a JSON object");
    }

    /** The statements as written; a single statement object counts as a list of one. */
    public static List<JsonNode> statements(ObjectNode document) {
        JsonNode raw = document.path("Statement");
        List<JsonNode> out = new ArrayList<>();
        if (raw.isArray()) {
            raw.forEach(out::add);
        } else if (raw.isObject()) {
            out.add(raw);
        }
        return out;
    }

    /** How {@link PolicyDocument} judges one statement as written. */
    public static PolicyDocument.Statement judge(JsonNode statement) {
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.putArray("Statement").add(statement.deepCopy());
        return PolicyDocument.parse(doc).orElseThrow().statements().get(0);
    }

    /** The statements that allow anyone without a restricting condition. */
    public static List<JsonNode> publicStatements(ObjectNode document) {
        return statements(document).stream().filter(s -> judge(s).allowsAnyoneUnrestricted()).toList();
    }

    /** The document without its public statements (bucket policies: the whole statement goes). */
    public static Result withoutPublicStatements(ObjectNode document) {
        List<JsonNode> removed = new ArrayList<>();
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode s : statements(document)) {
            (judge(s).allowsAnyoneUnrestricted() ? removed : kept).add(s);
        }
        return new Result(removed, rebuilt(document, kept));
    }

    /**
     * The document without the principal values that match {@code offending}, in Allow statements that no
     * restricting condition narrows (trust policies: a statement naming a good and a bad principal keeps the good
     * one). A statement left with no principal is dropped.
     */
    public static Result withoutPrincipals(ObjectNode document, Predicate<String> offending) {
        List<JsonNode> removed = new ArrayList<>();
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode s : statements(document)) {
            PolicyDocument.Statement judged = judge(s);
            boolean restricted = judged.conditionKeys().stream().anyMatch(PolicyDocument.RESTRICTING_KEYS::contains);
            if (!judged.allow() || restricted || judged.principals().stream().noneMatch(offending)) {
                kept.add(s);
                continue;
            }
            removed.add(s);
            JsonNode principal = s.path("Principal");
            if (!principal.isObject()) {
                continue; // "Principal": "*" — nothing else in it to keep
            }
            ObjectNode narrowed = Json.mapper().createObjectNode();
            principal.properties().forEach(e -> {
                List<JsonNode> values = new ArrayList<>();
                (e.getValue().isArray() ? e.getValue() : List.of(e.getValue())).forEach(v -> {
                    if (!offending.test(v.asText())) {
                        values.add(v);
                    }
                });
                if (values.size() == 1 && !e.getValue().isArray()) {
                    narrowed.set(e.getKey(), values.get(0));
                } else if (!values.isEmpty()) {
                    narrowed.putArray(e.getKey()).addAll(values);
                }
            });
            if (!narrowed.isEmpty()) {
                ObjectNode copy = ((ObjectNode) s).deepCopy();
                copy.set("Principal", narrowed);
                kept.add(copy);
            }
        }
        return new Result(removed, rebuilt(document, kept));
    }

    private static Optional<ObjectNode> rebuilt(ObjectNode document, List<JsonNode> kept) {
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode copy = document.deepCopy();
        ArrayNode statements = Json.mapper().createArrayNode();
        kept.forEach(statements::add);
        copy.set("Statement", statements);
        return Optional.of(copy);
    }
}
