package io.portcullis.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Origin;
import io.portcullis.policy.PolicyFiles;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The decision table ({@code functions/policy/protocol.yaml}): the first row that matches a finding's family,
 * severity, exposure, environment and origin decides its priority and response. A resource with no known environment
 * is judged as production: an unlabelled resource is no reason to leave the internet in. A finding no row matches
 * goes to on-call for approval (P2), never silently to the report.
 */
public record Protocol(List<ProtocolRow> rows, Map<Priority, Duration> containWithin) {

    public static final String RESOURCE = "protocol.yaml";

    public Protocol {
        rows = List.copyOf(rows);
        containWithin = Map.copyOf(containWithin);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a protocol needs at least one row");
        }
    }

    public Protocol(List<ProtocolRow> rows) {
        this(rows, Map.of());
    }

    /** The protocol shipped in the function package (functions/policy/protocol.yaml). */
    public static Protocol defaults() {
        return fromTree(PolicyFiles.bundled(RESOURCE));
    }

    /**
     * Builds the protocol from its YAML tree. The tree is expected to have passed {@code ./portcullis validate}
     * (its JSON Schema); anything that did not is refused here with the row and field named.
     */
    public static Protocol fromTree(JsonNode root) {
        JsonNode rows = root.path("rows");
        if (!rows.isArray() || rows.isEmpty()) {
            throw new IllegalArgumentException("protocol: 'rows' must be a non-empty list");
        }
        List<ProtocolRow> out = new java.util.ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String at = "protocol: rows[" + i + "]";
            JsonNode when = row.path("when");
            JsonNode approval = row.path("approval");
            Response response = one(row.path("response"), Response.values(), Response::label, at + ".response");
            boolean scheduled = response == Response.SCHEDULED;
            out.add(new ProtocolRow(
                    text(row, "name", at),
                    set(when.path("family"), RuleFamily.values(), RuleFamily::key, at + ".when.family"),
                    set(when.path("severity"), Severity.values(), Severity::label, at + ".when.severity"),
                    set(when.path("exposure"), Exposure.values(), e -> e.name().toLowerCase(Locale.ROOT), at + ".when.exposure"),
                    set(when.path("environment"), new Environment[] {Environment.PRODUCTION, Environment.NON_PRODUCTION},
                            Environment::label, at + ".when.environment"),
                    set(when.path("origin"), Origin.values(), Origin::key, at + ".when.origin"),
                    one(row.path("priority"), Priority.values(), Priority::name, at + ".priority"),
                    response,
                    approval.isMissingNode() || scheduled ? null
                            : Duration.parse(text(approval, "within", at + ".approval")),
                    approval.has("onTimeout")
                            ? one(approval.path("onTimeout"), TimeoutAction.values(), TimeoutAction::key, at + ".approval.onTimeout")
                            // A P3 nobody approved before its window is a person's call, not a silent fix.
                            : scheduled ? TimeoutAction.ESCALATE : null,
                    scheduled && approval.path("inAdvance").asBoolean(false),
                    !scheduled ? null : approval.has("notice")
                            ? Duration.parse(text(approval, "notice", at + ".approval")) : ProtocolRow.DEFAULT_NOTICE));
        }
        Map<Priority, Duration> targets = new java.util.EnumMap<>(Priority.class);
        root.path("containWithin").properties().forEach(e -> targets.put(
                one(com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey()), Priority.values(), Priority::name,
                        "protocol: containWithin"), Duration.parse(e.getValue().asText())));
        return new Protocol(out, targets);
    }

    public Decision decide(RuleFamily family, Severity severity, Exposure exposure, Environment environment, Origin origin) {
        Environment judged = environment == Environment.UNKNOWN ? Environment.PRODUCTION : environment;
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("family", family.key());
        inputs.put("severity", severity.label());
        inputs.put("exposure", exposure.name().toLowerCase(Locale.ROOT));
        inputs.put("environment", environment == Environment.UNKNOWN
                ? "unknown (no environment tag or account entry; judged as production)" : environment.label());
        inputs.put("origin", origin.key());
        for (int i = 0; i < rows.size(); i++) {
            ProtocolRow row = rows.get(i);
            if (row.matches(family, severity, exposure, judged, origin)) {
                return new Decision(row.priority(), row.response(), i + 1, row.name(), inputs);
            }
        }
        // A finding the table does not cover goes to a person, never silently to the report.
        return new Decision(Priority.P2, Response.APPROVAL, 0, "no row matched; on-call decides", inputs);
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode v = node.path(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(at + "." + field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static <E> E one(JsonNode node, E[] values, Function<E, String> key, String at) {
        String text = node.asText("");
        return Arrays.stream(values).filter(v -> key.apply(v).equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(at + " is '" + text + "', not one of "
                        + Arrays.stream(values).map(key).toList()));
    }

    private static <E> Set<E> set(JsonNode node, E[] values, Function<E, String> key, String at) {
        Set<E> out = new LinkedHashSet<>();
        if (node.isMissingNode()) {
            return out;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(at + " must be a list");
        }
        node.forEach(n -> out.add(one(n, values, key, at)));
        return out;
    }
}
