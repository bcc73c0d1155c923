package io.portcullis.network;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 CIDR block, parsed from its literal text only (never resolved through DNS).
 *
 * <p>Example: {@code Cidr.parse("0.0.0.0/0").isWholeInternet()} is true;
 * {@code Cidr.parse("10.0.0.0/8").isPrivate()} is true.
 */
public final class Cidr {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    /** Ranges that are never routed on the public internet (RFC 1918, RFC 6598, loopback, link-local, RFC 4193). */
    private static final List<Cidr> PRIVATE = List.of(
            parse("10.0.0.0/8"), parse("172.16.0.0/12"), parse("192.168.0.0/16"),
            parse("100.64.0.0/10"), parse("127.0.0.0/8"), parse("169.254.0.0/16"),
            parse("fc00::/7"), parse("fe80::/10"), parse("::1/128"));

    private final boolean ipv6;
    private final BigInteger network;
    private final int prefixLength;
    private final String text;

    private Cidr(boolean ipv6, BigInteger network, int prefixLength, String text) {
        this.ipv6 = ipv6;
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /**
     * Parses {@code a.b.c.d/n} or an IPv6 literal with {@code /n}; a bare address is a single host.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    @JsonCreator
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a CIDR block is empty");
        }
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        boolean v6 = address.contains(":");
        int bits = v6 ? 128 : 32;
        int prefix = bits;
        if (slash >= 0) {
            String p = trimmed.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length after '/'");
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has prefix length " + prefix + ", more than " + bits);
            }
        }
        BigInteger value = v6 ? parseIpv6(address, text) : parseIpv4(address, text);
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
        return new Cidr(v6, value.and(mask), prefix, trimmed);
    }

    private static BigInteger parseIpv4(String address, String text) {
        var m = IPV4.matcher(address);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 CIDR block");
        }
        long value = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                throw new IllegalArgumentException("'" + text + "' has an octet above 255");
            }
            value = (value << 8) | octet;
        }
        return BigInteger.valueOf(value);
    }

    private static BigInteger parseIpv6(String address, String text) {
        if (!IPV6_CHARS.matcher(address).matches() || address.contains(":::")) {
            throw new IllegalArgumentException("'" + text + "' is not a valid IPv6 CIDR block");
        }
        String[] halves = address.split("::", -1);
        if (halves.length > 2) {
            throw new IllegalArgumentException("'" + text + "' uses '::' more than once");
        }
        List<String> head = groups(halves[0], text);
        List<String> tail = halves.length == 2 ? groups(halves[1], text) : List.of();
        int missing = 8 - head.size() - tail.size();
        if ((halves.length == 1 && missing != 0) || missing < 0 || (halves.length == 2 && missing < 1)) {
            throw new IllegalArgumentException("'" + text + "' does not have eight IPv6 groups");
        }
        BigInteger value = BigInteger.ZERO;
        for (String g : head) {
            value = value.shiftLeft(16).or(BigInteger.valueOf(Integer.parseInt(g, 16)));
        }
        value = value.shiftLeft(16 * missing);
        for (String g : tail) {
            value = value.shiftLeft(16).or(BigInteger.valueOf(Integer.parseInt(g, 16)));
        }
        return value;
    }

    private static List<String> groups(String part, String text) {
        if (part.isEmpty()) {
            return List.of();
        }
        List<String> groups = List.of(part.split(":", -1));
        for (String g : groups) {
            if (g.isEmpty() || g.length() > 4 || g.contains(".")) {
                throw new IllegalArgumentException("'" + text + "' has an invalid IPv6 group '" + g + "'");
            }
        }
        return groups;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** True when this block contains every address of {@code other} (same address family). */
    public boolean contains(Cidr other) {
        if (other.ipv6 != ipv6 || other.prefixLength < prefixLength) {
            return false;
        }
        int bits = ipv6 ? 128 : 32;
        return other.network.shiftRight(bits - prefixLength).equals(network.shiftRight(bits - prefixLength));
    }

    /** {@code 0.0.0.0/0} or {@code ::/0}: every address of its family. */
    public boolean isWholeInternet() {
        return prefixLength == 0;
    }

    /** Wholly inside a range that is never routed on the public internet. */
    public boolean isPrivate() {
        return PRIVATE.stream().anyMatch(p -> p.contains(this));
    }

    /** Number of addresses in the block, as a power of two: {@code 2^hostBits()}. */
    public int hostBits() {
        return (ipv6 ? 128 : 32) - prefixLength;
    }

    @JsonValue
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.ipv6 == ipv6 && c.prefixLength == prefixLength && c.network.equals(network);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ipv6, network, prefixLength);
    }
}
