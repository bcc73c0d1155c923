package io.portcullis.rule;

import io.portcullis.change.Change;
import java.util.ArrayList;
import java.util.List;

/** The rules a deployment judges changes with. A failed call changed nothing and is never judged. */
public record RuleSet(List<Rule> rules, java.util.Map<String, Severity> severityOverrides) {

    public RuleSet {
        rules = List.copyOf(rules);
        severityOverrides = java.util.Map.copyOf(severityOverrides);
    }

    public RuleSet(List<Rule> rules) {
        this(rules, java.util.Map.of());
    }

    public static RuleSet defaults() {
        return defaults(java.util.Set.of());
    }

    /**
     * The rules with the data in functions/policy/rules.yaml.
     *
     * @param organisationAccounts the organisation's accounts (the accounts file), for trust-policy checks
     */
    public static RuleSet defaults(java.util.Set<String> organisationAccounts) {
        return fromData(io.portcullis.policy.PolicyFiles.bundled(RESOURCE), organisationAccounts);
    }

    public static final String RESOURCE = "rules.yaml";

    /** The rules configured by a rules.yaml tree (expected to have passed ./portcullis validate). */
    public static RuleSet fromData(com.fasterxml.jackson.databind.JsonNode data, java.util.Set<String> organisationAccounts) {
        var sg = data.path("securityGroups");
        var ports = SensitivePorts.fromData(sg);
        java.util.Set<String> admin = new java.util.LinkedHashSet<>();
        data.path("iam").path("adminManagedPolicies").forEach(a -> admin.add(a.asText()));
        java.util.Map<String, Severity> overrides = new java.util.LinkedHashMap<>();
        data.path("severities").properties().forEach(e -> overrides.put(e.getKey(),
                Severity.valueOf(e.getValue().asText().toUpperCase(java.util.Locale.ROOT))));
        return new RuleSet(List.of(
                new SecurityGroupIngressRule(ports, sg.path("widePrefixLength").path("ipv4").asInt(8),
                        sg.path("widePrefixLength").path("ipv6").asInt(32)),
                new AuditLoggingRule(), new S3ExposureRule(), new IamPrivilegeRule(organisationAccounts, admin),
                ConfigComplianceRule.fromData(data.path("configRules"))),
                overrides);
    }


    /** Every rule id a finding can carry. */
    public java.util.Set<String> findingIds() {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        rules.forEach(r -> ids.addAll(r.findingIds()));
        return ids;
    }

    public List<Finding> evaluate(Change change) {
        if (change.failed()) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        for (Rule rule : rules) {
            for (Finding f : rule.evaluate(change)) {
                Severity override = severityOverrides.get(f.ruleId());
                findings.add(override == null ? f : new Finding(f.ruleId(), f.family(), override, f.exposure(),
                        f.resource(), f.evidence(), f.facts(), f.explanation()));
            }
        }
        return findings;
    }
}
