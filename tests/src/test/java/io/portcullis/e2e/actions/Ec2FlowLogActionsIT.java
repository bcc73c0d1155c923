package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.finding;
import static io.portcullis.e2e.actions.Emulated.incident;
import static io.portcullis.e2e.actions.Emulated.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.Ec2FlowLogActions;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.testing.InMemoryLastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.AuditLoggingRule;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.FlowLog;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * recreate-flow-log against the emulator: a deleted flow log comes back with the configuration the inventory saw (same
 * resource, traffic, destination, format, interval, role, tags), Verify re-reads it, Undo deletes only the one the fix
 * created; without a record a person is told where the configuration is; AWS Config's "VPC without flow logs" gets
 * the VPC's last known flow log back.
 */
class Ec2FlowLogActionsIT {

    static final Instant SWEPT = Instant.now().minusSeconds(3600);
    static final String FORMAT = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${action}";

    final Ec2Client ec2 = AWS.ec2(Region.US_EAST_1);
    final InMemoryLastKnownConfigurations inventory = new InMemoryLastKnownConfigurations();
    final Ec2FlowLogActions actions = new Ec2FlowLogActions(AWS::ec2, inventory);
    final String bucket = unique("portcullis-flow-logs");
    final String vpc;

    Ec2FlowLogActionsIT() {
        // The flow log's bucket must exist in the S3 the EC2 emulator checks.
        AwsConnection.emulator(AWS.endpointFor("EC2").orElseThrow(), AWS.region().id()).s3(Region.US_EAST_1)
                .createBucket(b -> b.bucket(bucket));
        vpc = ec2.createVpc(v -> v.cidrBlock("10.40.0.0/16")).vpc().vpcId();
    }

    /**
     * A flow log as someone made it, and as the inventory's sweep then recorded it. (AWS takes a folder after the
     * bucket, arn:aws:s3:::bucket/folder; moto looks the whole remainder up as a bucket name, so the tests use none.)
     */
    String flowLogToS3() {
        String id = ec2.createFlowLogs(c -> c.resourceType("VPC").resourceIds(vpc).trafficType("ALL")
                .logDestinationType("s3").logDestination("arn:aws:s3:::" + bucket).logFormat(FORMAT)
                .maxAggregationInterval(60).tagSpecifications(t -> t.resourceType("vpc-flow-log")
                        .tags(Tag.builder().key("Name").value("prod-flows").build()))).flowLogIds().get(0);
        ObjectNode config = Json.mapper().createObjectNode().put("flowLogId", id).put("resourceId", vpc)
                .put("resourceType", "VPC").put("trafficType", "ALL").put("logDestinationType", "s3")
                .put("logDestination", "arn:aws:s3:::" + bucket).put("logFormat", FORMAT)
                .put("maxAggregationInterval", 60);
        config.putNull("logGroupName");
        config.putNull("deliverLogsPermissionArn");
        config.putObject("tags").put("Name", "prod-flows");
        inventory.record(ResourceRef.flowLog(id, ACCOUNT, "us-east-1"), config, SWEPT);
        return id;
    }

    Incident deleted(String id) {
        ResourceRef ref = ResourceRef.flowLog(id, ACCOUNT, "us-east-1");
        return incident(ref, finding(AuditLoggingRule.ID_FLOW_LOGS_DELETED, RuleFamily.AUDIT_LOGGING, ref, Map.of()));
    }

    List<FlowLog> onVpc() {
        return ec2.describeFlowLogs(d -> d.filter(f -> f.name("resource-id").values(vpc))).flowLogs();
    }

    @Test
    void theDeletedFlowLogComesBackAsTheInventorySawItAndUndoDeletesOnlyTheOneItCreated() {
        String id = flowLogToS3();
        ec2.deleteFlowLogs(d -> d.flowLogIds(id));
        Incident incident = deleted(id);
        ObjectNode snapshot = actions.snapshot(incident);
        assertThat(snapshot.path("flowLogs")).isEmpty();
        assertThat(actions.stillWrong(incident)).hasValueSatisfying(w -> assertThat(w).contains("No flow log like " + id));

        assertThat(actions.apply(RemediationAction.RECREATE_FLOW_LOG, incident, snapshot, true).kind())
                .isEqualTo(Kind.WOULD_CHANGE);
        assertThat(onVpc()).isEmpty();

        ActionResult fixed = actions.apply(RemediationAction.RECREATE_FLOW_LOG, incident, snapshot, false);

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(fixed.detail()).startsWith("Recreated flow log " + id + " (ALL traffic of VPC " + vpc + " to s3"
                + " arn:aws:s3:::" + bucket + ", as the inventory saw it");
        assertThat(onVpc()).singleElement().satisfies(f -> {
            assertThat(f.flowLogId()).isNotEqualTo(id).isEqualTo(fixed.undo().path("created").asText());
            assertThat(f.trafficTypeAsString()).isEqualTo("ALL");
            assertThat(f.logDestination()).isEqualTo("arn:aws:s3:::" + bucket);
            assertThat(f.logFormat()).isEqualTo(FORMAT);
            assertThat(f.maxAggregationInterval()).isEqualTo(60);
            assertThat(f.tags()).extracting(Tag::key, Tag::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("Name", "prod-flows"));
        });
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.apply(RemediationAction.RECREATE_FLOW_LOG, incident, snapshot, false).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);

        ActionResult undone = actions.undo(RemediationAction.RECREATE_FLOW_LOG, incident, fixed.undo());
        assertThat(undone.kind()).isEqualTo(Kind.CHANGED);
        assertThat(onVpc()).isEmpty();
        assertThat(actions.undo(RemediationAction.RECREATE_FLOW_LOG, incident, fixed.undo()).kind())
                .isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void aCloudWatchLogsFlowLogComesBackWithItsGroupAndDeliveryRole() {
        String role = "arn:aws:iam::" + ACCOUNT + ":role/flow-logs-delivery";
        String id = ec2.createFlowLogs(c -> c.resourceType("VPC").resourceIds(vpc).trafficType("REJECT")
                .logDestinationType("cloud-watch-logs").logGroupName("vpc-flows").deliverLogsPermissionArn(role)
                .logFormat(FORMAT).maxAggregationInterval(600)).flowLogIds().get(0);
        ObjectNode config = Json.mapper().createObjectNode().put("flowLogId", id).put("resourceId", vpc)
                .put("resourceType", "VPC").put("trafficType", "REJECT").put("logDestinationType", "cloud-watch-logs")
                .put("logGroupName", "vpc-flows").put("deliverLogsPermissionArn", role).put("logFormat", FORMAT)
                .put("maxAggregationInterval", 600);
        inventory.record(ResourceRef.flowLog(id, ACCOUNT, "us-east-1"), config, SWEPT);
        ec2.deleteFlowLogs(d -> d.flowLogIds(id));

        ActionResult fixed = actions.apply(RemediationAction.RECREATE_FLOW_LOG, deleted(id), null, false);

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(onVpc()).singleElement().satisfies(f -> {
            assertThat(f.trafficTypeAsString()).isEqualTo("REJECT");
            assertThat(f.logGroupName()).isEqualTo("vpc-flows");
            assertThat(f.deliverLogsPermissionArn()).isEqualTo(role);
        });
        assertThat(actions.stillWrong(deleted(id))).isEmpty();
    }

    @Test
    void withoutARecordAPersonIsToldWhatIsKnownAndWhereTheConfigurationIs() {
        String id = ec2.createFlowLogs(c -> c.resourceType("VPC").resourceIds(vpc).trafficType("ALL")
                .logDestinationType("s3").logDestination("arn:aws:s3:::" + bucket)).flowLogIds().get(0);
        ec2.deleteFlowLogs(d -> d.flowLogIds(id));

        ActionResult result = actions.apply(RemediationAction.RECREATE_FLOW_LOG, deleted(id), null, false);

        assertThat(result.kind()).isEqualTo(Kind.NEEDS_PERSON);
        assertThat(result.detail()).contains("Flow log " + id + " was deleted")
                .contains("aws configservice get-resource-config-history --resource-type AWS::EC2::FlowLog"
                        + " --resource-id " + id)
                .contains("CreateFlowLogs event");
        assertThat(onVpc()).isEmpty();
    }

    @Test
    void aDeletionThatDidNotTakeEffectOrAResourceSinceGoneNeedsNothing() {
        String id = flowLogToS3();
        ActionResult stillThere = actions.apply(RemediationAction.RECREATE_FLOW_LOG, deleted(id), null, false);
        ec2.deleteFlowLogs(d -> d.flowLogIds(id));
        ec2.deleteVpc(d -> d.vpcId(vpc));
        ActionResult vpcGone = actions.apply(RemediationAction.RECREATE_FLOW_LOG, deleted(id), null, false);

        assertThat(stillThere.kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(stillThere.detail()).contains("still exists");
        assertThat(vpcGone.kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(vpcGone.detail()).contains(vpc + " no longer exists");
    }

    Incident vpcWithoutFlowLogs() {
        ResourceRef ref = ResourceRef.vpc(vpc, ACCOUNT, "us-east-1");
        return incident(ref, finding("config-vpc-flow-logs-enabled", RuleFamily.AUDIT_LOGGING, ref,
                Map.of("configRule", "vpc-flow-logs-enabled", Finding.REMEDIATE_AS, AuditLoggingRule.ID_FLOW_LOGS_DELETED)));
    }

    @Test
    void aConfigVerdictOnAVpcWithoutFlowLogsGetsItsLastKnownFlowLogBack() {
        String id = flowLogToS3();
        Incident incident = vpcWithoutFlowLogs();
        assertThat(actions.apply(RemediationAction.RECREATE_FLOW_LOG, incident, null, false).kind())
                .as("it has one").isEqualTo(Kind.NOTHING_TO_DO);
        ec2.deleteFlowLogs(d -> d.flowLogIds(id));
        assertThat(actions.stillWrong(incident)).hasValue("VPC " + vpc + " still has no flow log");

        ActionResult fixed = actions.apply(RemediationAction.RECREATE_FLOW_LOG, incident, actions.snapshot(incident),
                false);

        assertThat(fixed.kind()).isEqualTo(Kind.CHANGED);
        assertThat(onVpc()).singleElement().satisfies(f -> assertThat(f.logFormat()).isEqualTo(FORMAT));
        assertThat(actions.stillWrong(incident)).isEmpty();
        assertThat(actions.undo(RemediationAction.RECREATE_FLOW_LOG, incident, fixed.undo()).kind())
                .isEqualTo(Kind.CHANGED);
        assertThat(onVpc()).isEmpty();
    }

    @Test
    void aVpcNoFlowLogWasEverSeenOnGoesToAPerson() {
        ActionResult result = actions.apply(RemediationAction.RECREATE_FLOW_LOG, vpcWithoutFlowLogs(), null, false);

        assertThat(result.kind()).isEqualTo(Kind.NEEDS_PERSON);
        assertThat(result.detail()).contains("AWS Config finds no flow log on VPC " + vpc)
                .contains("aws ec2 create-flow-logs --resource-type VPC --resource-ids " + vpc);
    }
}
