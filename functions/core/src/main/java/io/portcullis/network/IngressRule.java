package io.portcullis.network;

import java.util.Objects;

/**
 * One security-group rule: a protocol and port range from exactly one source. A CloudTrail
 * {@code ipPermissions} item with several CIDRs becomes several of these, as EC2 stores them.
 *
 * @param ruleId      the {@code sgr-…} id when known (from the response or the live state), else null
 * @param protocol    the IP protocol
 * @param ports       the port range; {@link PortRange#ALL} when the protocol has no ports or is {@code -1}
 * @param cidr        the source block, or null when the source is a security group or prefix list
 * @param otherSource the source group or prefix-list id when {@code cidr} is null
 * @param description the rule's description, as the user wrote it (untrusted text)
 */
public record IngressRule(String ruleId, IpProtocol protocol, PortRange ports, Cidr cidr, String otherSource,
                          String description) {

    public IngressRule {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(ports, "ports");
        if (cidr == null && (otherSource == null || otherSource.isBlank())) {
            throw new IllegalArgumentException("a rule needs a CIDR block or another source");
        }
    }

    /** The same permission (protocol, ports, source), whatever the rule id and description. */
    public boolean samePermissionAs(IngressRule other) {
        return protocol == other.protocol && ports.equals(other.ports)
                && Objects.equals(cidr, other.cidr) && Objects.equals(otherSource, other.otherSource);
    }

    public IngressRule withRuleId(String id) {
        return new IngressRule(id, protocol, ports, cidr, otherSource, description);
    }

    public String source() {
        return cidr != null ? cidr.toString() : otherSource;
    }

    /** Human form, for example {@code tcp port 22 from 0.0.0.0/0}. */
    public String describe() {
        String what = protocol == IpProtocol.ALL ? "all traffic" : protocol.apiName() + " " + ports;
        return what + " from " + source();
    }
}
