package io.portcullis.rule;

import io.portcullis.change.ResourceRef;
import io.portcullis.network.IngressRule;
import java.util.List;
import java.util.Map;

/**
 * A rule's verdict on one change.
 *
 * @param ruleId      the rule that found it, e.g. {@code sg-ingress-sensitive-port-public}
 * @param family      the rule's family
 * @param severity    how bad it is
 * @param exposure    who can reach it
 * @param resource    the resource at fault
 * @param evidence    the offending security-group rules, exactly as requested (what remediation removes, and only that)
 * @param facts       other evidence, by name (e.g. {@code includeManagementEvents: false}); empty when none
 * @param explanation one sentence a person can act on
 */
public record Finding(String ruleId, RuleFamily family, Severity severity, Exposure exposure, ResourceRef resource,
                      List<IngressRule> evidence, Map<String, String> facts, String explanation) {

    public Finding {
        evidence = List.copyOf(evidence);
        facts = facts == null ? Map.of() : Map.copyOf(facts);
    }

    /**
     * The fact naming the finding ids whose actions remediate this one (comma-separated), for findings another source
     * raises about the same problem (an AWS Config verdict): the actions act on them as on their own.
     */
    public static final String REMEDIATE_AS = "remediateAs";

    /**
     * Whether the actions written for {@code findingId} should act on this finding: it is one, or it says it is to be
     * remediated as one ({@link #REMEDIATE_AS}).
     */
    public boolean remediates(String findingId) {
        if (ruleId.equals(findingId)) {
            return true;
        }
        String as = facts.get(REMEDIATE_AS);
        return as != null && java.util.Arrays.asList(as.split(",")).contains(findingId);
    }

    /** A finding whose evidence is facts rather than security-group rules. */
    public static Finding of(String ruleId, RuleFamily family, Severity severity, Exposure exposure,
                             ResourceRef resource, Map<String, String> facts, String explanation) {
        return new Finding(ruleId, family, severity, exposure, resource, List.of(), facts, explanation);
    }
}
