package io.portcullis.exception;

import io.portcullis.iam.Wildcards;
import io.portcullis.rule.Finding;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * An accepted risk: a finding of one rule, on the resources it names, suppressed until it expires. From the
 * exceptions file ({@code functions/policy/exceptions.yaml}) or from a tag on the resource
 * ({@code portcullis:exception:<rule>} = {@code owner=…; reason=…; expires=YYYY-MM-DD}).
 *
 * @param rule     the rule id it applies to
 * @param resource an ARN or resource id, {@code *} wildcards allowed; null when {@code tagKey} selects instead
 * @param tagKey   a tag the resource must carry (with {@code tagValue}); null when {@code resource} selects
 * @param tagValue the tag's value
 * @param ports    for security-group rules, only findings whose ports all fall in these; empty for any
 * @param owner    who answers for it
 * @param reason   why the risk is accepted
 * @param expires  the last day it suppresses
 * @param source   where it was declared, e.g. {@code exceptions.yaml:12} or {@code tag on sg-…}
 */
public record PolicyException(String rule, String resource, String tagKey, String tagValue, List<Integer> ports,
                              String owner, String reason, LocalDate expires, String source) {

    public PolicyException {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    public boolean activeOn(LocalDate day) {
        return !day.isAfter(expires);
    }

    public boolean covers(Finding finding, Map<String, String> tags) {
        if (!rule.equals(finding.ruleId())) {
            return false;
        }
        boolean selected = resource != null
                ? Wildcards.matches(resource, finding.resource().arn() == null ? "" : finding.resource().arn())
                        || Wildcards.matches(resource, finding.resource().id() == null ? "" : finding.resource().id())
                : tagKey != null && tagValue != null && tagValue.equals(tags.get(tagKey));
        if (!selected) {
            return false;
        }
        return ports.isEmpty() || (!finding.evidence().isEmpty() && finding.evidence().stream().allMatch(r ->
                r.protocol().hasPorts() && r.ports().to() - r.ports().from() < ports.size()
                        && java.util.stream.IntStream.rangeClosed(r.ports().from(), r.ports().to()).allMatch(ports::contains)));
    }
}
