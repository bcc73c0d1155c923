package io.portcullis.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.change.Actor;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleSet;
import io.portcullis.rule.SensitivePorts;
import io.portcullis.rule.Severity;
import io.portcullis.testing.Cases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties of CIDR and port arithmetic, over generated addresses and ranges ({@value #CASES} cases each). */
class NetworkPropertiesTest {

    static final int CASES = 1000;

    /** Both octets at their ends, both prefixes at every edge; then random addresses and prefixes. */
    static Stream<Arguments> blocks(TestInfo property) {
        return Cases.of(property, CASES, Cases.combinations(List.of(0, 255), List.of(0, 255), Cases.edges(0, 32),
                Cases.edges(0, 32)), r -> Arguments.of(Cases.between(r, 0, 255), Cases.between(r, 0, 255),
                Cases.between(r, 0, 32), Cases.between(r, 0, 32)));
    }

    @Cases.Property
    @MethodSource("blocks")
    void aBlockContainsItselfAndEveryNarrowerBlockInsideIt(int a, int b, int prefix, int narrower) {
        Cidr block = Cidr.parse(a + "." + b + ".7.9/" + prefix);
        int p2 = Math.max(prefix, narrower);
        Cidr inner = Cidr.parse(a + "." + b + ".7.9/" + p2);
        assertThat(block.contains(block)).isTrue();
        assertThat(block.contains(inner)).isTrue();
        assertThat(Cidr.parse(block.toString())).isEqualTo(block);
        assertThat(Cidr.parse("0.0.0.0/0").contains(block)).isTrue();
        assertThat(Cidr.parse("::/0").contains(block)).isFalse();
    }

    static Stream<Arguments> tenSlashEight(TestInfo property) {
        return Cases.of(property, CASES, Cases.combinations(Cases.edges(0, 255), Cases.edges(8, 32)),
                r -> Arguments.of(Cases.between(r, 0, 255), Cases.between(r, 8, 32)));
    }

    @Cases.Property
    @MethodSource("tenSlashEight")
    void everythingInsideTenSlashEightIsPrivate(int b, int prefix) {
        assertThat(Cidr.parse("10." + b + ".0.0/" + prefix).isPrivate()).isTrue();
    }

    static Stream<Arguments> ipv6Blocks(TestInfo property) {
        return Cases.of(property, CASES, Cases.combinations(Cases.edges(0, 0xffff), Cases.edges(0, 0xffff),
                Cases.edges(0, 128)), r -> Arguments.of(Cases.between(r, 0, 0xffff), Cases.between(r, 0, 0xffff),
                Cases.between(r, 0, 128)));
    }

    @Cases.Property
    @MethodSource("ipv6Blocks")
    void ipv6BlocksRoundTrip(int g1, int g2, int prefix) {
        Cidr block = Cidr.parse(Integer.toHexString(g1) + ":" + Integer.toHexString(g2) + "::1/" + prefix);
        assertThat(block.isIpv6()).isTrue();
        assertThat(block.contains(block)).isTrue();
        assertThat(Cidr.parse("::/0").contains(block)).isTrue();
    }

    /**
     * Both ends at every edge of the port space, on either address family; single ports on and beside a sensitive one
     * (22, 3389) and a range ending just before one; then random ranges, half of them narrow (at most 100 ports wide)
     * since a random pair of ports almost always spans one.
     */
    static Stream<Arguments> portRanges(TestInfo property) {
        List<Arguments> edges = new ArrayList<>(Cases.combinations(Cases.edges(0, 65535), Cases.edges(0, 65535),
                List.of(false, true)));
        for (int[] range : new int[][] {{22, 22}, {21, 21}, {23, 23}, {24, 24}, {3389, 3389}, {3388, 3388},
                {3390, 3390}, {24, 1432}}) {
            edges.add(Arguments.of(range[0], range[1], false));
        }
        return Cases.of(property, CASES, edges, r -> {
            int x = Cases.between(r, 0, 65535);
            int y = r.nextBoolean() ? Cases.between(r, 0, 65535) : Math.min(65535, x + r.nextInt(101));
            return Arguments.of(x, y, r.nextBoolean());
        });
    }

    /** A world-open tcp range is critical exactly when it contains an administrative or database port. */
    @Cases.Property
    @MethodSource("portRanges")
    void aWorldOpenRangeIsCriticalExactlyWhenItContainsASensitivePort(int x, int y, boolean ipv6) {
        PortRange range = new PortRange(Math.min(x, y), Math.max(x, y));
        IngressRule rule = new IngressRule(null, IpProtocol.TCP, range, Cidr.parse(ipv6 ? "::/0" : "0.0.0.0/0"), null, null);
        Change change = new Change("e", "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", Instant.EPOCH,
                new Actor(null, "IAMUser", null, false, null, null), Origin.CONSOLE,
                ResourceRef.securityGroup("sg-1", "123456789012", "us-east-1"), ChangeKind.INGRESS_ADDED, List.of(rule), null, null);
        List<Finding> findings = RuleSet.defaults().evaluate(change);
        boolean sensitive = range.isAll() || SensitivePorts.fromData(io.portcullis.policy.PolicyFiles.bundled("rules.yaml").path("securityGroups")).firstIn(range).isPresent();
        assertThat(findings).singleElement().satisfies(f ->
                assertThat(f.severity()).isEqualTo(sensitive ? Severity.CRITICAL : Severity.HIGH));
    }
}
