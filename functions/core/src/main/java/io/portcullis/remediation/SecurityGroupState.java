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

    /**
     * The live rules that are the offending ones: by rule id when the offending rule has one (another rule with the
     * same permission is not ours to touch), by permission only for rules recorded without an id.
     */
    public List<IngressRule> stillPresent(List<IngressRule> offending) {
        return ingress.stream()
                .filter(live -> offending.stream().anyMatch(o -> o.ruleId() != null
                        ? o.ruleId().equals(live.ruleId())
                        : o.samePermissionAs(live)))
                .toList();
    }
}
