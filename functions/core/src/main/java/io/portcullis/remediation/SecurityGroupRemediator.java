package io.portcullis.remediation;

import io.portcullis.change.ResourceRef;
import java.util.List;

/**
 * Removes security-group rules. Removing a rule that is already gone is not an error: callers re-read the state
 * first and verify after.
 */
public interface SecurityGroupRemediator {

    /** Revokes exactly these ingress rules ({@code sgr-…} ids) of the group, in one call: all or none. */
    void revokeIngress(ResourceRef group, List<String> ruleIds);

    /** Undo: authorises these ingress rules again, with their descriptions, in one call. */
    void restoreIngress(ResourceRef group, List<io.portcullis.network.IngressRule> rules);
}
