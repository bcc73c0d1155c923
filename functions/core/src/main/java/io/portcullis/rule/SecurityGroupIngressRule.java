package io.portcullis.rule;

import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ingress opened to the internet or to a wide public block. Critical when it reaches an administrative or database
 * port, all ports, or protocol {@code -1}; high for other ports open to the internet, and for a wide public block
 * that reaches a sensitive port; medium for other wide public blocks. Blocks on the same port in one change are
 * added up: together covering half the address space or more, they are the internet. Private sources, single hosts, other security groups and prefix lists are not exposure. Removals and
 * egress rules are not judged.
 */
public final class SecurityGroupIngressRule implements Rule {

    public static final String ID_CRITICAL = "sg-ingress-sensitive-port-public";
    public static final String ID_OTHER_PORT = "sg-ingress-port-public";
    public static final String ID_WIDE = "sg-ingress-wide-cidr";

    private final SensitivePorts sensitive;
    /** Public blocks at least this large (prefix length at most this) are "wide". */
    private final int wideIpv4Prefix;
    private final int wideIpv6Prefix;

    public SecurityGroupIngressRule(SensitivePorts sensitive, int wideIpv4Prefix, int wideIpv6Prefix) {
        this.sensitive = sensitive;
        this.wideIpv4Prefix = wideIpv4Prefix;
        this.wideIpv6Prefix = wideIpv6Prefix;
    }

    @Override
    public String id() {
        return "sg-ingress";
    }

    @Override
    public java.util.Set<String> findingIds() {
        return java.util.Set.of(ID_CRITICAL, ID_OTHER_PORT, ID_WIDE);
    }

    @Override
    public List<Finding> evaluate(Change change) {
        if (change.kind() != ChangeKind.INGRESS_ADDED && change.kind() != ChangeKind.RULES_MODIFIED
                && change.kind() != ChangeKind.STATE) {
            return List.of();
        }
        // Several blocks on the same port can add up to the internet (0.0.0.0/2 four times): judge their sum. Blocks
        // that are the internet on their own are not counted: beside 0.0.0.0/0 (a group's whole state, as AWS Config
        // reports it), a single host is still a single host.
        java.util.Map<String, java.math.BigInteger> publicAddresses = new java.util.HashMap<>();
        for (IngressRule rule : change.rules()) {
            if (rule.cidr() != null && !rule.cidr().isPrivate() && exposure(rule.cidr()) != Exposure.INTERNET) {
                publicAddresses.merge(sameTarget(rule), java.math.BigInteger.ONE.shiftLeft(rule.cidr().hostBits()),
                        java.math.BigInteger::add);
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (IngressRule rule : change.rules()) {
            Cidr cidr = rule.cidr();
            if (cidr == null || cidr.isPrivate()) {
                continue;
            }
            Exposure exposure = exposure(cidr);
            java.math.BigInteger half = java.math.BigInteger.ONE.shiftLeft(cidr.isIpv6() ? 127 : 31);
            if (exposure != Exposure.INTERNET && publicAddresses.get(sameTarget(rule)).compareTo(half) >= 0) {
                exposure = Exposure.INTERNET;
            }
            if (exposure == Exposure.INTERNAL) {
                continue;
            }
            findings.add(finding(change, rule, exposure));
        }
        return findings;
    }

    private static String sameTarget(IngressRule rule) {
        return rule.protocol() + " " + rule.ports() + " " + (rule.cidr().isIpv6() ? "v6" : "v4");
    }

    Exposure exposure(Cidr cidr) {
        if (cidr.isPrivate()) {
            return Exposure.INTERNAL;
        }
        if (cidr.prefixLength() <= 1) {
            return Exposure.INTERNET;
        }
        int wide = cidr.isIpv6() ? wideIpv6Prefix : wideIpv4Prefix;
        return cidr.prefixLength() <= wide ? Exposure.WIDE : Exposure.INTERNAL;
    }

    private Finding finding(Change change, IngressRule rule, Exposure exposure) {
        String group = change.resource().id();
        String who = exposure == Exposure.INTERNET ? "anyone on the internet" : "every address in " + rule.cidr();
        if (exposure == Exposure.INTERNET) {
            if (rule.protocol() == IpProtocol.ALL || (rule.protocol().hasPorts() && rule.ports().isAll())) {
                return new Finding(ID_CRITICAL, RuleFamily.SECURITY_GROUP, Severity.CRITICAL, exposure, change.resource(), List.of(rule), Map.of(),
                        "Security group " + group + " allows " + rule.describe() + ", so " + who
                                + " can reach every port of the instances that use it.");
            }
            if (rule.protocol().hasPorts()) {
                var port = sensitive.firstIn(rule.ports());
                if (port.isPresent()) {
                    return new Finding(ID_CRITICAL, RuleFamily.SECURITY_GROUP, Severity.CRITICAL, exposure, change.resource(), List.of(rule), Map.of(),
                            "Security group " + group + " allows " + rule.describe() + ", so " + who + " can reach "
                                    + port.get().getValue() + " (port " + port.get().getKey() + ") on the instances that use it.");
                }
            }
            return new Finding(ID_OTHER_PORT, RuleFamily.SECURITY_GROUP, Severity.HIGH, exposure, change.resource(), List.of(rule), Map.of(),
                    "Security group " + group + " allows " + rule.describe() + ", so " + who
                            + " can reach that service on the instances that use it.");
        }
        var sensitivePort = rule.protocol().hasPorts() ? sensitive.firstIn(rule.ports()) : java.util.Optional.<Map.Entry<Integer, String>>empty();
        if (rule.protocol() == IpProtocol.ALL || (rule.protocol().hasPorts() && rule.ports().isAll()) || sensitivePort.isPresent()) {
            String what = sensitivePort.map(p -> p.getValue() + " (port " + p.getKey() + ")").orElse("every port");
            return new Finding(ID_WIDE, RuleFamily.SECURITY_GROUP, Severity.HIGH, exposure, change.resource(), List.of(rule),
                    Map.of(), "Security group " + group + " allows " + rule.describe() + ", a public block of 2^"
                            + rule.cidr().hostBits() + " addresses that can reach " + what
                            + "; narrow it to the hosts that need access.");
        }
        return new Finding(ID_WIDE, RuleFamily.SECURITY_GROUP, Severity.MEDIUM, exposure, change.resource(), List.of(rule), Map.of(),
                "Security group " + group + " allows " + rule.describe() + ", a public block of 2^"
                        + rule.cidr().hostBits() + " addresses; narrow it to the hosts that need access.");
    }
}
