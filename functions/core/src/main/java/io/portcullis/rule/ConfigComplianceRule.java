package io.portcullis.rule;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An AWS Config managed rule's NON_COMPLIANT verdict, turned into a finding as rules.yaml's {@code configRules} says:
 * Config sees state drift whatever caused it, including changes CloudTrail never delivered.
 */
public final class ConfigComplianceRule implements Rule {

    public static final String PREFIX = "config-";

    /**
     * One managed rule's meaning.
     *
     * @param remediateAs the finding ids whose actions put the verdict right (they judge the live resource); empty when
     *                    only a person can
     */
    public record Meaning(RuleFamily family, Severity severity, Exposure exposure, String says,
                          List<String> remediateAs) {

        public Meaning {
            remediateAs = remediateAs == null ? List.of() : List.copyOf(remediateAs);
        }
    }

    private final Map<String, Meaning> meanings;

    public ConfigComplianceRule(Map<String, Meaning> meanings) {
        this.meanings = Map.copyOf(meanings);
    }

    static ConfigComplianceRule fromData(JsonNode configRules) {
        Map<String, Meaning> out = new LinkedHashMap<>();
        configRules.properties().forEach(e -> {
            JsonNode m = e.getValue();
            out.put(e.getKey(), new Meaning(
                    RuleFamily.valueOf(m.path("family").asText().toUpperCase(Locale.ROOT).replace('-', '_')),
                    Severity.valueOf(m.path("severity").asText().toUpperCase(Locale.ROOT)),
                    Exposure.valueOf(m.path("exposure").asText().toUpperCase(Locale.ROOT)),
                    m.path("says").asText(),
                    m.path("remediateAs").isArray()
                            ? java.util.stream.StreamSupport.stream(m.path("remediateAs").spliterator(), false)
                                    .map(JsonNode::asText).toList()
                            : List.of()));
        });
        return new ConfigComplianceRule(out);
    }

    @Override
    public String id() {
        return "config-compliance";
    }

    @Override
    public Set<String> findingIds() {
        return meanings.keySet().stream().map(n -> PREFIX + n).collect(Collectors.toSet());
    }

    /** The family of the findings {@code config-<name>} carries; null for a rule id this rule does not raise. */
    public RuleFamily familyOf(String findingId) {
        Meaning m = findingId == null || !findingId.startsWith(PREFIX) ? null
                : meanings.get(findingId.substring(PREFIX.length()));
        return m == null ? null : m.family();
    }

    @Override
    public List<Finding> evaluate(Change change) {
        if (change.kind() != ChangeKind.COMPLIANCE) {
            return List.of();
        }
        Meaning m = meanings.get(change.eventName());
        if (m == null) {
            return List.of();
        }
        String type = change.resource().type() == null ? "resource" : change.resource().type();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("configRule", change.eventName());
        facts.put("complianceType", "NON_COMPLIANT");
        if (!m.remediateAs().isEmpty()) {
            facts.put(Finding.REMEDIATE_AS, String.join(",", m.remediateAs()));
        }
        return List.of(Finding.of(PREFIX + change.eventName(), m.family(), m.severity(), m.exposure(), change.resource(),
                facts,
                type + " " + change.resource().id() + " " + m.says() + ", says AWS Config rule " + change.eventName()
                        + "; fix the resource, or record an exception if this is intended."));
    }
}
