package io.portcullis.detection;

import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.change.ResourceRef;
import io.portcullis.network.IngressRule;
import io.portcullis.remediation.SecurityGroupInspector;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.Finding;
import io.portcullis.rule.SecurityGroupIngressRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An AWS Config verdict on a security group ({@code restricted-ssh}, …) names the group, not the rule: the group is
 * read live, its ingress judged by the security-group rule, and the rules judged as the findings the verdict is to be
 * remediated as ({@code remediateAs}) become its evidence, with their {@code sgr-…} ids. revoke-ingress then revokes
 * exactly those, as for the CloudTrail finding. A group that is gone, or whose live rules offend no more, leaves the
 * finding without evidence: revoke-ingress then asks a person, Portcullis does not guess.
 */
final class ConfigVerdictEvidence {

    private ConfigVerdictEvidence() {
    }

    static List<Finding> complete(Change change, List<Finding> findings, SecurityGroupInspector inspector,
                                  PolicyEngine engine) {
        if (change.kind() != ChangeKind.COMPLIANCE || !ResourceRef.SECURITY_GROUP.equals(change.resource().type())
                || findings.stream().noneMatch(ConfigVerdictEvidence::remediatedAsIngress)) {
            return findings;
        }
        Optional<SecurityGroupState> live = inspector.describe(change.resource());
        if (live.isEmpty()) {
            return findings;
        }
        Change state = new Change(change.eventId(), change.eventName(), change.eventSource(), change.eventTime(),
                change.actor(), change.origin(), change.resource(), ChangeKind.STATE, live.get().ingress(), null,
                change.request());
        List<Finding> judged = engine.findings(state);
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            if (!remediatedAsIngress(f)) {
                out.add(f);
                continue;
            }
            List<String> as = Arrays.asList(f.facts().get(Finding.REMEDIATE_AS).split(","));
            List<IngressRule> evidence = judged.stream().filter(j -> as.contains(j.ruleId()))
                    .flatMap(j -> j.evidence().stream()).distinct().toList();
            String said = evidence.isEmpty()
                    ? " The group's live rules show no such rule now."
                    : " Live: " + evidence.stream().map(r -> r.describe() + " (" + r.ruleId() + ")")
                            .collect(Collectors.joining(", ")) + ".";
            out.add(new Finding(f.ruleId(), f.family(), f.severity(), f.exposure(), f.resource(), evidence, f.facts(),
                    f.explanation() + said));
        }
        return out;
    }

    private static boolean remediatedAsIngress(Finding f) {
        return f.facts().containsKey(Finding.REMEDIATE_AS) && INGRESS_FINDINGS.stream().anyMatch(f::remediates);
    }

    private static final List<String> INGRESS_FINDINGS = List.of(SecurityGroupIngressRule.ID_CRITICAL,
            SecurityGroupIngressRule.ID_OTHER_PORT, SecurityGroupIngressRule.ID_WIDE);
}
