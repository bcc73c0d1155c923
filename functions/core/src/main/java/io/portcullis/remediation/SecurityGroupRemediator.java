package io.portcullis.remediation;

import io.portcullis.change.ResourceRef;
import java.util.List;

/**
 * Removes security-group rules (and puts back, or modifies back, what a fix changed). Removing a rule that is already gone is not an error: callers re-read the state
 * first and verify after.
 */
public interface SecurityGroupRemediator {

    /** Revokes exactly these ingress rules ({@code sgr-…} ids) of the group, in one call: all or none. */
    void revokeIngress(ResourceRef group, List<String> ruleIds);

    /** Undo: authorises these ingress rules again, with their descriptions, in one call. */
    void restoreIngress(ResourceRef group, List<io.portcullis.network.IngressRule> rules);

    /**
     * Changes existing ingress rules in place ({@code ModifySecurityGroupRules}, one call): each rule, named by its
     * {@code sgr-…} id, gets exactly the protocol, ports, source and description given. The rule keeps its id.
     */
    void modifyIngress(ResourceRef group, List<io.portcullis.network.IngressRule> rules);
}
