package io.portcullis.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.change.Actor;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecurityGroupIngressRuleTest {

    private final RuleSet rules = RuleSet.defaults();

    static Change change(ChangeKind kind, String errorCode, IngressRule... added) {
        return new Change("e-1", "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", Instant.EPOCH,
                new Actor("arn:aws:sts::123456789012:assumed-role/Admin/alice", "AssumedRole", null, true, "203.0.113.10", null),
                Origin.CONSOLE, ResourceRef.securityGroup("sg-1", "123456789012", "us-east-1"), kind, List.of(added), errorCode, null);
    }

    static IngressRule rule(String protocol, int from, int to, String source) {
        IpProtocol p = IpProtocol.parse(protocol);
        PortRange ports = p.hasPorts() ? new PortRange(from, to) : PortRange.ALL;
        return source.startsWith("sg-") || source.startsWith("pl-")
                ? new IngressRule(null, p, ports, null, source, null)
                : new IngressRule(null, p, ports, Cidr.parse(source), null, null);
    }

    @ParameterizedTest(name = "{0} {1}-{2} from {3} → {4}")
    @CsvSource(textBlock = """
        tcp,   22,    22,    0.0.0.0/0,        CRITICAL
        tcp,   3389,  3389,  ::/0,             CRITICAL
        tcp,   20,    25,    0.0.0.0/0,        CRITICAL
        tcp,   0,     65535, 0.0.0.0/0,        CRITICAL
        -1,    -1,    -1,    0.0.0.0/0,        CRITICAL
        -1,    -1,    -1,    ::/0,             CRITICAL
        tcp,   5432,  5432,  0.0.0.0/0,        CRITICAL
        6,     3306,  3306,  0.0.0.0/0,        CRITICAL
        tcp,   22,    22,    0.0.0.0/1,        CRITICAL
        tcp,   8080,  8080,  0.0.0.0/0,        HIGH
        udp,   53,    53,    0.0.0.0/0,        HIGH
        icmp,  -1,    -1,    0.0.0.0/0,        HIGH
        tcp,   22,    22,    52.0.0.0/8,       HIGH
        tcp,   8080,  8080,  52.0.0.0/8,       MEDIUM
        tcp,   22,    22,    2600::/24,        HIGH
        tcp,   22,    22,    10.0.0.0/8,       NONE
        tcp,   22,    22,    192.168.0.0/16,   NONE
        tcp,   22,    22,    203.0.113.7/32,   NONE
        tcp,   22,    22,    198.51.100.0/24,  NONE
        tcp,   22,    22,    sg-0123456789,    NONE
        tcp,   22,    22,    pl-0123456789,    NONE
        tcp,   23,    21,    0.0.0.0/0,        INVALID
        """)
    void judgesIngress(String protocol, int from, int to, String source, String expected) {
        if (expected.equals("INVALID")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> rule(protocol, from, to, source))
                    .isInstanceOf(IllegalArgumentException.class);
            return;
        }
        List<Finding> findings = rules.evaluate(change(ChangeKind.INGRESS_ADDED, null, rule(protocol, from, to, source)));
        if (expected.equals("NONE")) {
            assertThat(findings).isEmpty();
        } else {
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.severity()).isEqualTo(Severity.valueOf(expected));
                assertThat(f.explanation()).contains("sg-1").contains(source);
                assertThat(f.evidence()).hasSize(1);
            });
        }
    }

    @ParameterizedTest
    @CsvSource({"INGRESS_REMOVED", "EGRESS_CHANGED", "OTHER"})
    void removalsAndEgressAreNotExposure(ChangeKind kind) {
        assertThat(rules.evaluate(change(kind, null, rule("tcp", 22, 22, "0.0.0.0/0")))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aFailedCallIsNeverJudged() {
        assertThat(rules.evaluate(change(ChangeKind.INGRESS_ADDED, "Client.UnauthorizedOperation",
                rule("tcp", 22, 22, "0.0.0.0/0")))).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void onlyTheWorldOpenRuleOfAMixedRequestIsEvidence() {
        List<Finding> findings = rules.evaluate(change(ChangeKind.INGRESS_ADDED, null,
                rule("tcp", 22, 22, "10.0.0.0/8"), rule("tcp", 22, 22, "0.0.0.0/0"), rule("tcp", 443, 443, "10.0.0.0/8")));
        assertThat(findings).singleElement().satisfies(f ->
                assertThat(f.evidence()).extracting(IngressRule::source).containsExactly("0.0.0.0/0"));
    }

    @org.junit.jupiter.api.Test
    void blocksThatTogetherCoverTheInternetAreTheInternet() {
        List<Finding> findings = rules.evaluate(change(ChangeKind.INGRESS_ADDED, null, rule("tcp", 22, 22, "0.0.0.0/2"),
                rule("tcp", 22, 22, "64.0.0.0/2"), rule("tcp", 22, 22, "128.0.0.0/2"), rule("tcp", 22, 22, "192.0.0.0/2")));
        assertThat(findings).hasSize(4).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.exposure()).isEqualTo(Exposure.INTERNET);
        });
    }

    @org.junit.jupiter.api.Test
    void aSingleHostBesideTheWholeInternetInAGroupsStateIsStillASingleHost() {
        List<Finding> findings = rules.evaluate(change(ChangeKind.STATE, null, rule("tcp", 22, 22, "0.0.0.0/0"),
                rule("tcp", 22, 22, "198.51.100.7/32")));
        assertThat(findings).singleElement().satisfies(f ->
                assertThat(f.evidence()).extracting(IngressRule::source).containsExactly("0.0.0.0/0"));
    }

    @org.junit.jupiter.api.Test
    void explainsWhichServiceIsExposed() {
        Finding f = rules.evaluate(change(ChangeKind.INGRESS_ADDED, null, rule("tcp", 3389, 3389, "0.0.0.0/0"))).get(0);
        assertThat(f.explanation()).isEqualTo("Security group sg-1 allows tcp port 3389 from 0.0.0.0/0, so anyone on the "
                + "internet can reach RDP (port 3389) on the instances that use it.");
    }
}
