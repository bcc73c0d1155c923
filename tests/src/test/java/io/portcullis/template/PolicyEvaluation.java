package io.portcullis.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * IAM's evaluation of resolved policy statements, as far as the template tests need it: actions and ARNs with
 * wildcards, and the condition operators the template uses. A condition on a key the request context does not name
 * is "unknown": an Allow is then taken to apply and a Deny not to (so a check that something cannot happen never
 * relies on a condition it cannot see).
 */
final class PolicyEvaluation {

    private PolicyEvaluation() {
    }

    /** One request: an action on a resource, with the condition keys that request carries. */
    record Request(String action, String resource, Map<String, List<String>> context) {
        Request(String action, String resource) {
            this(action, resource, Map.of());
        }

        Request with(String key, String... values) {
            Map<String, List<String>> more = new java.util.HashMap<>(context);
            more.put(key, List.of(values));
            return new Request(action, resource, more);
        }
    }

    /** Whether an identity policy (its statements) and a permissions boundary (null: none) allow the request. */
    static boolean allowed(List<JsonNode> identity, List<JsonNode> boundary, Request request) {
        boolean identityAllows = identity.stream().anyMatch(s -> applies(s, "Allow", request));
        boolean denied = identity.stream().anyMatch(s -> applies(s, "Deny", request))
                || (boundary != null && boundary.stream().anyMatch(s -> applies(s, "Deny", request)));
        boolean boundaryAllows = boundary == null || boundary.stream().anyMatch(s -> applies(s, "Allow", request));
        return identityAllows && boundaryAllows && !denied;
    }

    /** Whether a statement with this effect matches the request (action, resource, conditions). */
    static boolean applies(JsonNode statement, String effect, Request request) {
        if (!statement.path("Effect").asText().equals(effect)) {
            return false;
        }
        boolean action = TemplateTest.strings(statement.path("Action")).stream()
                .anyMatch(a -> wildcard(a, true).matcher(request.action()).matches());
        boolean resource = TemplateTest.strings(statement.path("Resource")).stream()
                .anyMatch(r -> wildcard(r, false).matcher(request.resource()).matches());
        return action && resource && conditions(statement.path("Condition"), effect.equals("Allow"), request);
    }

    static boolean conditions(JsonNode condition, boolean unknownHolds, Request request) {
        for (var op : iterable(condition)) {
            for (var key : iterable(op.getValue())) {
                List<String> wanted = TemplateTest.strings(key.getValue());
                List<String> actual = request.context().get(key.getKey());
                Boolean holds = holds(op.getKey(), wanted, actual);
                if (holds == null ? !unknownHolds : !holds) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True or false, or null when the request does not say (the key is absent and the operator needs it). */
    private static Boolean holds(String operator, List<String> wanted, List<String> actual) {
        if (operator.equals("Null")) {
            // IAM: "Null": "false" holds when the key is present, "true" when it is absent.
            return wanted.contains("true") == (actual == null);
        }
        boolean ifExists = operator.endsWith("IfExists");
        String op = ifExists ? operator.substring(0, operator.length() - "IfExists".length()) : operator;
        boolean anyValue = op.startsWith("ForAnyValue:");
        op = anyValue ? op.substring("ForAnyValue:".length()) : op;
        if (actual == null) {
            if (ifExists) {
                return true;
            }
            // IAM: a negated operator on an absent key holds.
            return op.contains("Not") ? Boolean.TRUE : null;
        }
        boolean negated = op.contains("Not");
        String base = op.replace("Not", "");
        boolean match = actual.stream().anyMatch(a -> wanted.stream().anyMatch(w -> switch (base) {
            case "ArnEquals", "ArnLike", "StringLike" -> wildcard(w, false).matcher(a).matches();
            case "StringEquals", "Bool" -> w.equals(a);
            default -> throw new AssertionError("a condition operator this test does not evaluate: " + operator);
        }));
        return negated != match;
    }

    private static final Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    /** An IAM pattern: {@code *} any run of characters, {@code ?} one; actions ignore case. */
    static Pattern wildcard(String pattern, boolean ignoreCase) {
        return PATTERNS.computeIfAbsent(ignoreCase + pattern, k -> compile(pattern, ignoreCase));
    }

    private static Pattern compile(String pattern, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(switch (c) {
                case '*' -> ".*";
                case '?' -> ".";
                default -> Pattern.quote(String.valueOf(c));
            });
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
