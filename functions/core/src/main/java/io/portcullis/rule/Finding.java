package io.portcullis.rule;

import io.portcullis.change.ResourceRef;
import io.portcullis.network.IngressRule;
import java.util.List;

/**
 * A rule's verdict on one change.
 *
 * @param ruleId      the rule that found it, e.g. {@code sg-ingress-sensitive-port-public}
 * @param family      the rule's family
 * @param severity    how bad it is
 * @param exposure    who can reach it
 * @param resource    the resource at fault
 * @param evidence    the offending security-group rules, exactly as requested (what remediation removes, and only that)
 * @param explanation one sentence a person can act on
 */
public record Finding(String ruleId, RuleFamily family, Severity severity, Exposure exposure, ResourceRef resource,
                      List<IngressRule> evidence, String explanation) {

    public Finding {
        evidence = List.copyOf(evidence);
    }
}
