package io.portcullis.remediation;

import io.portcullis.change.ResourceRef;
import io.portcullis.network.IngressRule;
import java.util.List;
import java.util.Map;

/**
 * A security group as it is now in the account.
 *
 * @param group   which group
 * @param name    its name
 * @param tags    its tags
 * @param ingress its ingress rules, each with its {@code sgr-…} id
 */
public record SecurityGroupState(ResourceRef group, String name, Map<String, String> tags, List<IngressRule> ingress) {

    public SecurityGroupState {
        tags = Map.copyOf(tags);
        ingress = List.copyOf(ingress);
    }

    /** The live rules that carry one of the given permissions: by rule id when it is still there, else by permission. */
    public List<IngressRule> stillPresent(List<IngressRule> offending) {
        return ingress.stream()
                .filter(live -> offending.stream().anyMatch(o ->
                        (o.ruleId() != null && o.ruleId().equals(live.ruleId())) || o.samePermissionAs(live)))
                .toList();
    }
}
