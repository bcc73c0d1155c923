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
import java.time.Instant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Properties of CIDR and port arithmetic, over generated addresses and ranges. */
class NetworkPropertiesTest {

    @Property
    void aBlockContainsItselfAndEveryNarrowerBlockInsideIt(@ForAll @IntRange(min = 0, max = 255) int a,
            @ForAll @IntRange(min = 0, max = 255) int b, @ForAll @IntRange(min = 0, max = 32) int prefix,
            @ForAll @IntRange(min = 0, max = 32) int narrower) {
        Cidr block = Cidr.parse(a + "." + b + ".7.9/" + prefix);
        int p2 = Math.max(prefix, narrower);
        Cidr inner = Cidr.parse(a + "." + b + ".7.9/" + p2);
        assertThat(block.contains(block)).isTrue();
        assertThat(block.contains(inner)).isTrue();
        assertThat(Cidr.parse(block.toString())).isEqualTo(block);
        assertThat(Cidr.parse("0.0.0.0/0").contains(block)).isTrue();
        assertThat(Cidr.parse("::/0").contains(block)).isFalse();
    }

    @Property
    void everythingInsideTenSlashEightIsPrivate(@ForAll @IntRange(min = 0, max = 255) int b,
            @ForAll @IntRange(min = 8, max = 32) int prefix) {
        assertThat(Cidr.parse("10." + b + ".0.0/" + prefix).isPrivate()).isTrue();
    }

    @Property
    void ipv6BlocksRoundTrip(@ForAll @IntRange(min = 0, max = 0xffff) int g1, @ForAll @IntRange(min = 0, max = 0xffff) int g2,
            @ForAll @IntRange(min = 0, max = 128) int prefix) {
        Cidr block = Cidr.parse(Integer.toHexString(g1) + ":" + Integer.toHexString(g2) + "::1/" + prefix);
        assertThat(block.isIpv6()).isTrue();
        assertThat(block.contains(block)).isTrue();
        assertThat(Cidr.parse("::/0").contains(block)).isTrue();
    }

    /** A world-open tcp range is critical exactly when it contains an administrative or database port. */
    @Property
    void aWorldOpenRangeIsCriticalExactlyWhenItContainsASensitivePort(@ForAll @IntRange(min = 0, max = 65535) int x,
            @ForAll @IntRange(min = 0, max = 65535) int y, @ForAll boolean ipv6) {
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
