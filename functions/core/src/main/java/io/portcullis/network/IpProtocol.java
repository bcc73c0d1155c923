package io.portcullis.network;

import java.util.Locale;

/** The IP protocol of a security-group rule, as EC2 spells it ({@code tcp}, {@code 6}, {@code -1}, …). */
public enum IpProtocol {
    TCP, UDP, ICMP, ICMPV6, ALL, OTHER;

    public static IpProtocol parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("ipProtocol is missing");
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "tcp", "6" -> TCP;
            case "udp", "17" -> UDP;
            case "icmp", "1" -> ICMP;
            case "icmpv6", "58" -> ICMPV6;
            case "-1", "all" -> ALL;
            default -> OTHER;
        };
    }

    /** Whether the rule's from/to fields are ports (for ICMP they are type and code). */
    public boolean hasPorts() {
        return this == TCP || this == UDP;
    }

    /** The spelling the EC2 API expects. */
    public String apiName() {
        return this == ALL ? "-1" : name().toLowerCase(Locale.ROOT);
    }
}
