package io.portcullis.change;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.json.Json;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CloudTrailEventReaderTest {

    private final CloudTrailEventReader reader = new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of()));

    private Change read(String fixture) {
        ReadResult result = reader.read(Fixtures.bytes(fixture));
        assertThat(result).as(fixture).isInstanceOf(ReadResult.Read.class);
        return ((ReadResult.Read) result).change();
    }

    @Test
    void readsTheConsoleChangeIntoOneChange() {
        Change change = read("cloudtrail/ec2-authorize-ssh-world-console.json");

        assertThat(change.eventId()).isEqualTo("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a01");
        assertThat(change.eventName()).isEqualTo("AuthorizeSecurityGroupIngress");
        assertThat(change.eventTime()).isEqualTo(Instant.parse("2026-11-25T03:42:07Z"));
        assertThat(change.origin()).isEqualTo(Origin.CONSOLE);
        assertThat(change.actor().displayName()).isEqualTo("alice");
        assertThat(change.actor().sessionIssuerArn()).isEqualTo("arn:aws:iam::123456789012:role/Admin");
        assertThat(change.actor().mfa()).isTrue();
        assertThat(change.actor().sourceIp()).isEqualTo("203.0.113.10");
        assertThat(change.resource().id()).isEqualTo("sg-0a1b2c3d4e5f60001");
        assertThat(change.resource().arn()).isEqualTo("arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f60001");
        assertThat(change.resource().account()).isEqualTo("123456789012");
        assertThat(change.kind()).isEqualTo(ChangeKind.INGRESS_ADDED);
        assertThat(change.rules()).containsExactly(new IngressRule("sgr-0f1e2d3c4b5a60001", IpProtocol.TCP,
                new PortRange(22, 22), Cidr.parse("0.0.0.0/0"), null, "temporary debug access"));
    }

    @Test
    void matchesEachRequestedRuleToTheRuleIdEc2Returned() {
        Change change = read("cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json");

        assertThat(change.origin()).isEqualTo(Origin.CLI_SDK);
        assertThat(change.actor().displayName()).isEqualTo("bob");
        assertThat(change.rules()).extracting(IngressRule::ruleId, IngressRule::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("sgr-0f1e2d3c4b5a60002", "::/0"),
                        org.assertj.core.groups.Tuple.tuple("sgr-0f1e2d3c4b5a60003", "198.51.100.7/32"));
    }

    @Test
    void aFailedCallIsReadAsFailed() {
        Change change = read("cloudtrail/ec2-authorize-ssh-world-failed.json");
        assertThat(change.failed()).isTrue();
        assertThat(change.errorCode()).isEqualTo("Client.UnauthorizedOperation");
    }

    @ParameterizedTest
    @CsvSource({
            "cloudtrail/ec2-revoke-ssh-world-console.json, INGRESS_REMOVED",
            "cloudtrail/ec2-authorize-egress-world-console.json, EGRESS_CHANGED"})
    void tellsRemovalsAndEgressApart(String fixture, ChangeKind kind) {
        assertThat(read(fixture).kind()).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        invalid/cloudtrail-missing-event-id.json   | EventBridge event 7f1c2d3e-0000-4000-8000-000000000008 | detail.eventID is missing
        invalid/cloudtrail-port-not-a-number.json  | event 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a09 (AuthorizeSecurityGroupIngress) | ipPermissions.items[0] needs integer fromPort and toPort
        invalid/cloudtrail-bad-cidr.json           | event 3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a10 (AuthorizeSecurityGroupIngress) | has an octet above 255
        invalid/truncated-json.json                | an event that is not JSON | not valid JSON
        """)
    void refusesMalformedEventsNamingTheEventAndTheField(String fixture, String eventRef, String reason) {
        ReadResult result = reader.read(Fixtures.bytes(fixture));

        assertThat(result).isInstanceOf(ReadResult.Refused.class);
        ReadResult.Refused refused = (ReadResult.Refused) result;
        assertThat(refused.eventRef()).isEqualTo(eventRef);
        assertThat(refused.reason()).contains(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        []                                                   | not a JSON object
        {}                                                   | detail-type is missing
        {"detail-type":"Scheduled Event","detail":{}}        | Scheduled Event
        {"detail-type":"AWS API Call via CloudTrail"}        | is missing or not an object
        {"source":"aws.ec2","detail-type":"AWS API Call via CloudTrail","detail":{"eventID":"e","eventName":"AuthorizeSecurityGroupIngress","eventSource":"ec2.amazonaws.com","eventTime":"yesterday"}} | is not an ISO-8601 UTC time
        {"source":"custom.app","detail-type":"AWS API Call via CloudTrail","detail":{"eventID":"e"}} | only events from AWS services
        {"source":"aws.config","detail-type":"Config Configuration Item Change","detail":{"configurationItem":{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","awsAccountId":"123456789012","awsRegion":"us-east-1","configurationItemCaptureTime":"+1000000000-01-01T00:00:00Z"}}} | out of range
        """)
    void refusesEventsOfTheWrongShape(String json, String reason) {
        ReadResult result = reader.read(json.getBytes(StandardCharsets.UTF_8));
        assertThat(result).isInstanceOfSatisfying(ReadResult.Refused.class,
                r -> assertThat(r.reason()).contains(reason));
    }

    @Test
    void refusesJsonNestedBeyondTheParsersLimitWithoutThrowing() {
        byte[] deep = "[".repeat(3000).getBytes(StandardCharsets.UTF_8);
        assertThat(reader.read(deep)).isInstanceOfSatisfying(ReadResult.Refused.class,
                r -> assertThat(r.reason()).contains("beyond what the JSON reader accepts")
                        .contains("nesting depth").doesNotContain("StreamReadConstraints"));
    }

    @Test
    void refusesOversizedEventsWithoutParsingThem() {
        byte[] huge = new byte[CloudTrailEventReader.MAX_EVENT_BYTES + 1];
        assertThat(reader.read(huge)).isInstanceOfSatisfying(ReadResult.Refused.class,
                r -> assertThat(r.reason()).contains("larger than"));
    }
}
