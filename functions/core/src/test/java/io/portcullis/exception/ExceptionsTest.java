package io.portcullis.exception;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portcullis.change.ResourceRef;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExceptionsTest {

    static final LocalDate TODAY = LocalDate.parse("2026-11-25");
    static final ResourceRef SG = ResourceRef.securityGroup("sg-0web", "123456789012", "us-east-1");

    static Finding web(int port) {
        return new Finding("sg-ingress-port-public", RuleFamily.SECURITY_GROUP, Severity.HIGH, Exposure.INTERNET, SG,
                List.of(new IngressRule("sgr-1", IpProtocol.TCP, new PortRange(port, port), Cidr.parse("0.0.0.0/0"), null, null)),
                Map.of(), "x");
    }

    static Exceptions file(String yaml) throws Exception {
        return Exceptions.fromTree(new ObjectMapper(new YAMLFactory()).readTree(yaml), "exceptions.yaml");
    }

    @Test
    void aTaggedPublicWebTierMayServeHttpAndHttpsButNothingElse() throws Exception {
        Exceptions exceptions = file("""
                version: 1
                exceptions:
                  - rule: sg-ingress-port-public
                    tag: {"portcullis:profile": public-web}
                    ports: [80, 443]
                    owner: platform@example.com
                    reason: the public web tier serves HTTP and HTTPS by design
                    expires: 2027-06-30
                """);
        Map<String, String> tags = Map.of("portcullis:profile", "public-web");

        assertThat(exceptions.suppressing(web(443), tags, TODAY)).isPresent();
        assertThat(exceptions.suppressing(web(8080), tags, TODAY)).isEmpty();
        assertThat(exceptions.suppressing(web(443), Map.of(), TODAY)).isEmpty();
    }

    @Test
    void anExpiredExceptionNoLongerSuppresses() throws Exception {
        Exceptions exceptions = file("""
                version: 1
                exceptions:
                  - rule: sg-ingress-port-public
                    resource: "arn:aws:ec2:*:123456789012:security-group/sg-0web"
                    owner: web@example.com
                    reason: migration window for the old load balancer
                    expires: 2026-11-24
                """);
        assertThat(exceptions.suppressing(web(8080), Map.of(), TODAY)).isEmpty();
        assertThat(exceptions.suppressing(web(8080), Map.of(), TODAY.minusDays(1))).isPresent();
    }

    @Test
    void aResourceCanCarryItsOwnExceptionAsATag() {
        Map<String, String> tags = Map.of("portcullis:exception:sg-ingress-port-public",
                "owner=web@example.com; reason=partner feed on 8080; expires=2026-12-31");
        assertThat(Exceptions.none().suppressing(web(8080), tags, TODAY)).hasValueSatisfying(e -> {
            assertThat(e.owner()).isEqualTo("web@example.com");
            assertThat(e.source()).contains("tag portcullis:exception:sg-ingress-port-public");
        });
        Map<String, String> noExpiry = Map.of("portcullis:exception:sg-ingress-port-public", "owner=a; reason=b");
        assertThat(Exceptions.none().suppressing(web(8080), noExpiry, TODAY)).isEmpty();
    }

    @Test
    void aTagMaySuppressNothingCriticalAndNothingForMoreThanNinetyDays() {
        Finding critical = new Finding("sg-ingress-sensitive-port-public", RuleFamily.SECURITY_GROUP, Severity.CRITICAL,
                Exposure.INTERNET, SG, web(22).evidence(), Map.of(), "x");
        assertThat(Exceptions.none().suppressing(critical, Map.of("portcullis:exception:sg-ingress-sensitive-port-public",
                "owner=a@example.com; reason=trust me; expires=2026-12-01"), TODAY)).isEmpty();
        assertThat(Exceptions.none().suppressing(web(8080), Map.of("portcullis:exception:sg-ingress-port-public",
                "owner=a@example.com; reason=forever; expires=9999-12-31"), TODAY)).isEmpty();
    }

    @Test
    void anExceptionForAnotherRuleSuppressesNothing() throws Exception {
        Exceptions exceptions = file("""
                version: 1
                exceptions:
                  - rule: s3-public-acl
                    resource: "*"
                    owner: web@example.com
                    reason: a wildcard for another rule entirely
                    expires: 2027-01-01
                """);
        assertThat(exceptions.suppressing(web(8080), Map.of(), TODAY)).isEmpty();
    }
}
