package io.portcullis.rule;

import io.portcullis.change.Change;
import java.util.ArrayList;
import java.util.List;

/** The rules a deployment judges changes with. A failed call changed nothing and is never judged. */
public record RuleSet(List<Rule> rules) {

    public RuleSet {
        rules = List.copyOf(rules);
    }

    public static RuleSet defaults() {
        return defaults(java.util.Set.of());
    }

    /** @param organisationAccounts the organisation's accounts (the accounts file), for trust-policy checks */
    public static RuleSet defaults(java.util.Set<String> organisationAccounts) {
        return new RuleSet(List.of(new SecurityGroupIngressRule(SensitivePorts.defaults()), new AuditLoggingRule(),
                new S3ExposureRule(), new IamPrivilegeRule(organisationAccounts)));
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
            findings.addAll(rule.evaluate(change));
        }
        return findings;
    }
}
