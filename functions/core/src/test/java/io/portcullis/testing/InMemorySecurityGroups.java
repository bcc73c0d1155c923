package io.portcullis.testing;

import io.portcullis.change.ResourceRef;
import io.portcullis.network.IngressRule;
import io.portcullis.remediation.SecurityGroupInspector;
import io.portcullis.remediation.SecurityGroupRemediator;
import io.portcullis.remediation.SecurityGroupState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Security groups in memory: the inspector and remediator ports, counting revoke calls. */
public final class InMemorySecurityGroups implements SecurityGroupInspector, SecurityGroupRemediator {

    private final Map<String, SecurityGroupState> groups = new HashMap<>();
    public final List<List<String>> revokeCalls = new ArrayList<>();

    public synchronized void put(SecurityGroupState state) {
        groups.put(state.group().id(), state);
    }

    @Override
    public synchronized Optional<SecurityGroupState> describe(ResourceRef group) {
        return Optional.ofNullable(groups.get(group.id()));
    }

    @Override
    public synchronized void revokeIngress(ResourceRef group, List<String> ruleIds) {
        revokeCalls.add(List.copyOf(ruleIds));
        SecurityGroupState s = groups.get(group.id());
        List<IngressRule> left = s.ingress().stream().filter(r -> !ruleIds.contains(r.ruleId())).toList();
        groups.put(group.id(), new SecurityGroupState(s.group(), s.name(), s.tags(), left));
    }

    public final List<List<IngressRule>> modifyCalls = new ArrayList<>();

    @Override
    public synchronized void modifyIngress(ResourceRef group, List<IngressRule> rules) {
        modifyCalls.add(List.copyOf(rules));
        SecurityGroupState s = groups.get(group.id());
        List<IngressRule> now = s.ingress().stream().map(live -> rules.stream()
                .filter(r -> r.ruleId().equals(live.ruleId())).findFirst().orElse(live)).toList();
        groups.put(group.id(), new SecurityGroupState(s.group(), s.name(), s.tags(), now));
    }

    public final List<List<IngressRule>> restoreCalls = new ArrayList<>();

    @Override
    public synchronized void restoreIngress(ResourceRef group, List<IngressRule> rules) {
        restoreCalls.add(List.copyOf(rules));
        SecurityGroupState s = groups.get(group.id());
        List<IngressRule> now = new ArrayList<>(s.ingress());
        now.addAll(rules);
        groups.put(group.id(), new SecurityGroupState(s.group(), s.name(), s.tags(), now));
    }
}
