package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.RemediationMode;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.Sandbox;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.ReadWriteType;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.FlowLogsResourceType;
import software.amazon.awssdk.services.ec2.model.LogDestinationType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TrafficType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The inventory end to end in the emulator: a flow log, a trail with event selectors, a bucket with SSE-KMS, a
 * security-group rule and an inline policy; the watchdog function sweeps (as the demo's scenarios run it, right before
 * they change something); they are changed the way the playbooks' incidents change them (flow log deleted, management
 * events dropped, encryption removed, rule opened to the internet, policy replaced); the watchdog sweeps again. The
 * inventory then answers, for the time of the change, each configuration from before it, in exactly the shape the
 * playbooks restore from.
 */
class InventoryIT {

    static final String ACCOUNT = "123456789012";
    static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    static final String READ_REPORTS = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\","
            + " \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::reports/*\"}]}";
    static final String EVERYTHING = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\","
            + " \"Action\": \"*\", \"Resource\": \"*\"}]}";

    final LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
    final String region = Emulator.region();
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final Ec2Client ec2 = p.setup.ec2();
    final S3Client s3 = p.setup.s3(Region.US_EAST_1);
    final IamClient iam = p.setup.iam();
    /** CloudTrail checks the trail's bucket in the S3 serving CloudTrail (moto, also when LocalStack serves S3). */
    final S3Client trailS3 = io.portcullis.aws.AwsConnection.emulator(p.setup.endpointFor("CLOUDTRAIL").orElseThrow(),
            region).s3(Region.US_EAST_1);
    final CloudTrailClient cloudTrail = p.setup.cloudTrail(Region.of(region));
    final LastKnownConfigurations inventory = p.runtime.inventory();

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theConfigurationsFromBeforeAChangeAreAnsweredInTheShapesThePlaybooksRestoreFrom() throws Exception {
        // Given: one resource of each kind, as a deployed account would have them.
        String logs = "portcullis-flow-logs-" + suffix;
        s3.createBucket(b -> b.bucket(logs));
        String flowLogId = ec2.createFlowLogs(f -> f.resourceIds(p.sandbox.vpcId())
                .resourceType(FlowLogsResourceType.VPC).trafficType(TrafficType.ALL)
                .logDestinationType(LogDestinationType.S3).logDestination("arn:aws:s3:::" + logs)
                .logFormat("${version} ${srcaddr} ${dstaddr} ${action}").maxAggregationInterval(60)
                .tagSpecifications(t -> t.resourceType(ResourceType.VPC_FLOW_LOG)
                        .tags(tag -> tag.key("team").value("network")))).flowLogIds().get(0);

        String trailBucket = "portcullis-trail-" + suffix;
        trailS3.createBucket(b -> b.bucket(trailBucket));
        String trailName = "audit-" + suffix;
        String trailArn = cloudTrail.createTrail(t -> t.name(trailName).s3BucketName(trailBucket)
                .isMultiRegionTrail(true).enableLogFileValidation(true)).trailARN();
        cloudTrail.startLogging(s -> s.name(trailName));
        cloudTrail.putEventSelectors(e -> e.trailName(trailName).eventSelectors(sel -> sel
                .readWriteType(ReadWriteType.ALL).includeManagementEvents(true)
                .dataResources(d -> d.type("AWS::S3::Object").values("arn:aws:s3:::" + trailBucket + "/"))));

        String bucket = "portcullis-encrypted-" + suffix;
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketEncryption(e -> e.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS)
                        .kmsMasterKeyID(KEY)).bucketKeyEnabled(true))));

        String databaseRule = ec2.authorizeSecurityGroupIngress(a -> a.groupId(p.sandbox.groupId()).ipPermissions(ip -> ip
                .ipProtocol("tcp").fromPort(5432).toPort(5432)
                .ipRanges(r -> r.cidrIp(Sandbox.VPC_CIDR).description("PostgreSQL from the VPC"))))
                .securityGroupRules().get(0).securityGroupRuleId();

        String user = "reporter-" + suffix;
        iam.createUser(u -> u.userName(user));
        iam.putUserPolicy(u -> u.userName(user).policyName("read-reports").policyDocument(READ_REPORTS));

        ResourceRef flowLog = ResourceRef.flowLog(flowLogId, ACCOUNT, region);
        ResourceRef trail = ResourceRef.trail(trailArn, ACCOUNT, region);
        ResourceRef encrypted = ResourceRef.bucket(bucket, ACCOUNT, "us-east-1");
        ResourceRef group = ResourceRef.securityGroup(p.sandbox.groupId(), ACCOUNT, region);
        ResourceRef reporter = ResourceRef.iam("user", user, ACCOUNT);

        // When: the watchdog sweeps, they are changed, and it sweeps again.
        JsonNode first = p.runtime.runWatchdog(Clock.systemUTC());
        Thread.sleep(5);
        Instant changedAt = Instant.now();
        Thread.sleep(5);
        ec2.deleteFlowLogs(d -> d.flowLogIds(flowLogId));
        cloudTrail.putEventSelectors(e -> e.trailName(trailName).eventSelectors(sel -> sel
                .readWriteType(ReadWriteType.READ_ONLY).includeManagementEvents(false)));
        s3.deleteBucketEncryption(d -> d.bucket(bucket));
        ec2.modifySecurityGroupRules(m -> m.groupId(p.sandbox.groupId()).securityGroupRules(r -> r
                .securityGroupRuleId(databaseRule).securityGroupRule(rule -> rule.ipProtocol("tcp").fromPort(5432)
                        .toPort(5432).cidrIpv4("0.0.0.0/0").description("PostgreSQL from the VPC"))));
        iam.putUserPolicy(u -> u.userName(user).policyName("read-reports").policyDocument(EVERYTHING));
        JsonNode second = p.runtime.runWatchdog(Clock.systemUTC());

        // Then: the watchdog says what it read and changed; the first sweep of a new inventory records everything.
        assertThat(first.path("inventory").path("part").asText()).isEqualTo("all");
        assertThat(first.path("inventory").path("unread")).isEmpty();
        assertThat(first.path("inventory").path("failed").asInt()).isZero();
        assertThat(first.path("inventory").path("read").asInt()).isGreaterThanOrEqualTo(5);
        assertThat(first.path("inventory").path("changed").asInt())
                .isEqualTo(first.path("inventory").path("read").asInt());
        assertThat(second.path("inventory").path("changed").asInt()).as("the four resources changed and still there"
                + " are new versions, nothing else is written again").isEqualTo(4);
        assertThat(second.path("accounts").isNumber()).as("the silent-feed check ran first").isTrue();

        assertThat(inventory.before(flowLog, changedAt)).hasValueSatisfying(k -> assertThat(k.configuration())
                .isEqualTo(json("{\"flowLogId\": \"" + flowLogId + "\", \"resourceId\": \"" + p.sandbox.vpcId()
                        + "\", \"resourceType\": \"VPC\", \"trafficType\": \"ALL\", \"logDestinationType\": \"s3\","
                        + " \"logDestination\": \"arn:aws:s3:::" + logs + "\", \"logGroupName\": null,"
                        + " \"deliverLogsPermissionArn\": null, \"logFormat\": \"${version} ${srcaddr} ${dstaddr}"
                        + " ${action}\", \"maxAggregationInterval\": 60, \"tags\": {\"team\": \"network\"}}")));
        assertThat(inventory.newest(ResourceRef.FLOW_LOG, ACCOUNT, region)).as("the deleted flow log's last version")
                .extracting(KnownConfiguration::resource).contains(flowLog);

        ObjectNode trailBefore = (ObjectNode) json("{\"name\": \"" + trailName + "\", \"trailArn\": \"" + trailArn
                + "\", \"homeRegion\": \"" + region + "\", \"s3BucketName\": \"" + trailBucket + "\","
                + " \"s3KeyPrefix\": null, \"snsTopicName\": null, \"includeGlobalServiceEvents\": true,"
                + " \"isMultiRegionTrail\": true, \"logFileValidationEnabled\": true,"
                + " \"cloudWatchLogsLogGroupArn\": null, \"cloudWatchLogsRoleArn\": null, \"kmsKeyId\": null,"
                + " \"isOrganizationTrail\": false, \"isLogging\": true,"
                + " \"eventSelectors\": [{\"readWriteType\": \"All\", \"includeManagementEvents\": true,"
                + " \"dataResources\": [{\"type\": \"AWS::S3::Object\", \"values\": [\"arn:aws:s3:::" + trailBucket
                + "/\"]}], \"excludeManagementEventSources\": []}], \"advancedEventSelectors\": null}");
        assertThat(inventory.before(trail, changedAt)).hasValueSatisfying(k ->
                assertThat(k.configuration()).isEqualTo(trailBefore));
        assertThat(inventory.versions(trail).get(0).configuration().path("eventSelectors").get(0)
                .path("includeManagementEvents").asBoolean()).as("the newest version is the emptied trail").isFalse();

        assertThat(inventory.before(encrypted, changedAt)).hasValueSatisfying(k -> assertThat(k.configuration())
                .isEqualTo(json("{\"encryption\": {\"rules\": [{\"sseAlgorithm\": \"aws:kms\", \"kmsMasterKeyId\": \""
                        + KEY + "\", \"bucketKeyEnabled\": true}]}}")));
        assertThat(inventory.versions(encrypted).get(0).configuration())
                .isEqualTo(json("{\"encryption\": {\"rules\": []}}"));

        ArrayNode ingressBefore = Json.mapper().createArrayNode();
        List.of(new IngressRule(p.sandbox.harmlessRuleId(), IpProtocol.TCP, new PortRange(443, 443),
                        Cidr.parse(Sandbox.VPC_CIDR), null, "HTTPS from the VPC"),
                new IngressRule(databaseRule, IpProtocol.TCP, new PortRange(5432, 5432), Cidr.parse(Sandbox.VPC_CIDR),
                        null, "PostgreSQL from the VPC")).stream()
                .sorted(Comparator.comparing(IngressRule::ruleId))
                .forEach(rule -> ingressBefore.add(Json.mapper().valueToTree(rule)));
        assertThat(inventory.before(group, changedAt)).hasValueSatisfying(k -> assertThat(k.configuration())
                .isEqualTo(Json.mapper().createObjectNode().set("ingress", ingressBefore)));

        assertThat(inventory.before(reporter, changedAt)).hasValueSatisfying(k -> assertThat(k.configuration())
                .isEqualTo(Json.mapper().createObjectNode().set("inlinePolicies",
                        Json.mapper().createObjectNode().set("read-reports", json(READ_REPORTS)))));
        assertThat(inventory.versions(reporter)).hasSize(2);
    }
}
