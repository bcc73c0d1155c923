package io.portcullis.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How to make a change safely, by rule id: what the person who made a risky change is told, as the platform team
 * wrote it in rules.yaml's {@code advice} ({@code rules} by rule id; {@code configFamilies} for the
 * {@code config-<name>} rules without an entry of their own).
 *
 * <pre>{@code
 * advice:
 *   rules:
 *     sg-ingress-sensitive-port-public: Use Session Manager instead of SSH from the internet, …
 *   configFamilies:
 *     security-group: Allow only the sources that need access, …
 * }</pre>
 *
 * @param byRule         advice by rule id
 * @param configFamilies advice for a family's config rules that have none of their own
 */
public record Advice(Map<String, String> byRule, Map<RuleFamily, String> configFamilies) {

    public Advice {
        byRule = Map.copyOf(byRule);
        configFamilies = configFamilies.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(configFamilies));
    }

    /** The advice in the rules.yaml bundled with the function. */
    public static Advice defaults() {
        return fromData(io.portcullis.policy.PolicyFiles.bundled(RuleSet.RESOURCE));
    }

    /** The advice of a rules.yaml tree (expected to have passed ./portcullis validate; what is missing is left out). */
    public static Advice fromData(JsonNode rulesYaml) {
        JsonNode advice = rulesYaml.path("advice");
        Map<String, String> byRule = new LinkedHashMap<>();
        advice.path("rules").properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                byRule.put(e.getKey(), e.getValue().asText().strip());
            }
        });
        Map<RuleFamily, String> families = new EnumMap<>(RuleFamily.class);
        advice.path("configFamilies").properties().forEach(e -> family(e.getKey()).ifPresent(f -> {
            if (e.getValue().isTextual()) {
                families.put(f, e.getValue().asText().strip());
            }
        }));
        return new Advice(byRule, families);
    }

    /** The advice for findings of {@code ruleId}: its own, else (for a config rule) its family's; empty when none. */
    public Optional<String> of(String ruleId, RuleFamily family) {
        String own = byRule.get(ruleId);
        if (own != null) {
            return Optional.of(own);
        }
        return ruleId != null && ruleId.startsWith(ConfigComplianceRule.PREFIX) && family != null
                ? Optional.ofNullable(configFamilies.get(family)) : Optional.empty();
    }

    /** The advice for one finding. */
    public Optional<String> of(Finding finding) {
        return of(finding.ruleId(), finding.family());
    }

    /**
     * The rule ids of {@code rules} that have no advice: what validation reports, so no risky change leaves its
     * author without a word on how to do it safely.
     */
    public Set<String> missingFor(RuleSet rules) {
        Set<String> missing = new LinkedHashSet<>();
        for (String id : rules.findingIds()) {
            if (of(id, familyOf(rules, id)).isEmpty()) {
                missing.add(id);
            }
        }
        return missing;
    }

    /** The rule ids advice is written for that no rule of {@code rules} raises (a typo would advise nobody). */
    public Set<String> unknownIn(RuleSet rules) {
        Set<String> known = rules.findingIds();
        Set<String> unknown = new LinkedHashSet<>();
        byRule.keySet().stream().sorted().filter(id -> !known.contains(id)).forEach(unknown::add);
        return unknown;
    }

    private static RuleFamily familyOf(RuleSet rules, String findingId) {
        for (Rule rule : rules.rules()) {
            if (rule instanceof ConfigComplianceRule config && rule.findingIds().contains(findingId)) {
                return config.familyOf(findingId);
            }
        }
        return null;
    }

    /** {@code security-group} → {@link RuleFamily#SECURITY_GROUP}. */
    static Optional<RuleFamily> family(String name) {
        try {
            return Optional.of(RuleFamily.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
