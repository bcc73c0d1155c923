package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.audit.FlowLogRecord;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.playbook.ResourceActions;
import io.portcullis.rule.AuditLoggingRule;
import io.portcullis.rule.RuleFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateFlowLogsRequest;
import software.amazon.awssdk.services.ec2.model.CreateFlowLogsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.FlowLog;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The flow-log side of the {@code audit-logging} playbook: {@code recreate-flow-log} creates again a flow log an
 * {@code audit-flow-logs-deleted} finding says was deleted, with the configuration the inventory last saw (same
 * resource, traffic type, destination, format, aggregation interval, delivery role, tags), and recreates the last
 * known flow log of a VPC AWS Config finds without one ({@code vpc-flow-logs-enabled}, remediated as the deletion).
 * Without a record a person is told what is known and where the configuration can be found: a flow log's destination
 * cannot be guessed.
 *
 * <p>Verify re-reads: a flow log with that configuration exists on the resource. Undo deletes the flow log the fix
 * created, only while it is still as created. Flow logs cannot be changed in place, so "as created" is "still there,
 * same configuration".
 */
public final class Ec2FlowLogActions implements ResourceActions {

    private final Function<Region, Ec2Client> factory;
    private final Map<String, Ec2Client> clients = new ConcurrentHashMap<>();
    private final LastKnownConfigurations inventory;

    /**
     * @param ec2       an EC2 client for a region; called once per region
     * @param inventory the flow logs as the inventory's sweeps saw them
     */
    public Ec2FlowLogActions(Function<Region, Ec2Client> ec2, LastKnownConfigurations inventory) {
        this.factory = ec2;
        this.inventory = inventory;
    }

    @Override
    public boolean handles(Incident incident) {
        String type = incident.resource().type();
        return ResourceRef.FLOW_LOG.equals(type) || (ResourceRef.VPC.equals(type)
                && incident.findings().stream().anyMatch(f -> f.family() == RuleFamily.AUDIT_LOGGING));
    }

    /** {@code {"flowLogs": [the live flow logs of the VPC, or the deleted flow log if it is still there]}}. */
    @Override
    public ObjectNode snapshot(Incident incident) {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode list = out.putArray("flowLogs");
        live(incident).forEach(list::add);
        return out;
    }

    @Override
    public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (action != RemediationAction.RECREATE_FLOW_LOG) {
            return ActionResult.nothingToDo(action.key() + " does not act on flow logs; " + r.id() + " is left as it is.");
        }
        if (incident.findings().stream().noneMatch(f -> f.remediates(AuditLoggingRule.ID_FLOW_LOGS_DELETED))) {
            return ActionResult.nothingToDo("No finding of this incident is about a deleted flow log of " + r.id()
                    + ", so nothing is recreated.");
        }
        List<ObjectNode> live = live(incident);
        if (isVpc(r)) {
            if (!live.isEmpty()) {
                return ActionResult.nothingToDo("VPC " + r.id() + " has a flow log again (" + live.get(0)
                        .path("flowLogId").asText() + ").");
            }
            Optional<KnownConfiguration> last = lastOfVpc(r);
            if (last.isEmpty()) {
                return ActionResult.needsPerson("AWS Config finds no flow log on VPC " + r.id() + ", and Portcullis'"
                        + " inventory has seen none there, so what to record and where cannot be guessed. Create one"
                        + " to your flow-log bucket: aws ec2 create-flow-logs --resource-type VPC --resource-ids "
                        + r.id() + " --traffic-type ALL --log-destination-type s3 --log-destination"
                        + " arn:aws:s3:::<flow-log bucket> --region " + r.region() + ".");
            }
            return recreate(incident, last.get(), dryRun);
        }
        if (!live.isEmpty()) {
            return ActionResult.nothingToDo("Flow log " + r.id() + " still exists: its deletion did not take effect.");
        }
        Optional<KnownConfiguration> known = inventory.before(r, incident.eventTime());
        if (known.isEmpty()) {
            return ActionResult.needsPerson("Flow log " + r.id() + " was deleted, so the traffic it recorded goes"
                    + " unrecorded, and Portcullis' inventory has no record of its configuration (which resource,"
                    + " traffic, destination, format). Recreate it as it was: " + FlowLogRecord.whereToFind(r.id(),
                    r.region()) + ".");
        }
        return recreate(incident, known.get(), dryRun);
    }

    private ActionResult recreate(Incident incident, KnownConfiguration known, boolean dryRun) {
        ResourceRef r = incident.resource();
        JsonNode config = known.configuration();
        String resource = config.path("resourceId").asText();
        String was = "flow log " + config.path("flowLogId").asText(r.id()) + " (" + FlowLogRecord.describe(config)
                + ", as the inventory saw it " + known.since() + ")";
        try {
            Optional<ObjectNode> back = onResource(r, resource).stream()
                    .filter(f -> FlowLogRecord.sameFlowLog(config, f)).findFirst();
            if (back.isPresent()) {
                return ActionResult.nothingToDo("A flow log like " + was + " is back: " + back.get().path("flowLogId")
                        .asText() + ".");
            }
            if (dryRun) {
                return ActionResult.wouldChange("Dry-run: would recreate " + was + ".");
            }
            CreateFlowLogsResponse created = client(r).createFlowLogs(request(config));
            if (created.hasUnsuccessful() && !created.unsuccessful().isEmpty() || created.flowLogIds().isEmpty()) {
                String why = created.unsuccessful().isEmpty() ? "EC2 created nothing"
                        : created.unsuccessful().get(0).error().code() + ": " + created.unsuccessful().get(0).error().message();
                return ActionResult.needsPerson("Portcullis could not recreate " + was + " (" + why + "). Recreate it"
                        + " once its destination accepts it: " + FlowLogRecord.createCommand(config) + ".");
            }
            String id = created.flowLogIds().get(0);
            ObjectNode undo = Json.mapper().createObjectNode().put("created", id);
            undo.set("configuration", config);
            return ActionResult.changed("Recreated " + was + " as " + id + ".", undo);
        } catch (Ec2Exception e) {
            if (notFound(e)) {
                return ActionResult.nothingToDo(resource + " no longer exists, so there is no traffic of it to record"
                        + " (" + code(e) + ").");
            }
            throw e;
        }
    }

    private static CreateFlowLogsRequest request(JsonNode c) {
        CreateFlowLogsRequest.Builder b = CreateFlowLogsRequest.builder()
                .resourceType(c.path("resourceType").asText("VPC")).resourceIds(c.path("resourceId").asText())
                .logDestinationType(FlowLogRecord.destinationType(c));
        if (!c.path("resourceType").asText("").startsWith("TransitGateway")) {
            b.trafficType(c.path("trafficType").asText("ALL"));
        }
        if (FlowLogRecord.destinationType(c).equals("cloud-watch-logs") && text(c, "logGroupName") != null) {
            b.logGroupName(text(c, "logGroupName"));
        } else {
            b.logDestination(text(c, "logDestination"));
        }
        b.deliverLogsPermissionArn(text(c, "deliverLogsPermissionArn")).logFormat(text(c, "logFormat"));
        if (c.path("maxAggregationInterval").isNumber()) {
            b.maxAggregationInterval(c.path("maxAggregationInterval").asInt());
        }
        List<Tag> tags = new ArrayList<>();
        // aws:-prefixed tags are AWS's own and cannot be written.
        c.path("tags").properties().stream().filter(e -> !e.getKey().startsWith("aws:"))
                .forEach(e -> tags.add(Tag.builder().key(e.getKey()).value(e.getValue().asText()).build()));
        if (!tags.isEmpty()) {
            b.tagSpecifications(t -> t.resourceType("vpc-flow-log").tags(tags));
        }
        return b.build();
    }

    @Override
    public Optional<String> stillWrong(Incident incident) {
        ResourceRef r = incident.resource();
        if (isVpc(r)) {
            return live(incident).isEmpty() ? Optional.of("VPC " + r.id() + " still has no flow log") : Optional.empty();
        }
        Optional<KnownConfiguration> known = inventory.before(r, incident.eventTime());
        if (known.isEmpty()) {
            return live(incident).isEmpty() ? Optional.of("Flow log " + r.id() + " was not recreated") : Optional.empty();
        }
        JsonNode config = known.get().configuration();
        boolean back = onResource(r, config.path("resourceId").asText()).stream()
                .anyMatch(f -> FlowLogRecord.sameFlowLog(config, f));
        return back ? Optional.empty() : Optional.of("No flow log like " + r.id() + " (" + FlowLogRecord.describe(config)
                + ") is on " + config.path("resourceId").asText());
    }

    /** Undo of {@code recreate-flow-log}: delete the flow log the fix created, while it is still as created. */
    @Override
    public ActionResult undo(RemediationAction action, Incident incident, JsonNode undo) {
        ResourceRef r = incident.resource();
        if (action != RemediationAction.RECREATE_FLOW_LOG || !undo.path("created").isTextual()) {
            return ActionResult.refused(action.key() + " made no change to flow logs that Undo knows how to put back.");
        }
        String id = undo.path("created").asText();
        List<ObjectNode> now = byId(r, id);
        if (now.isEmpty()) {
            return ActionResult.nothingToDo("Flow log " + id + " the fix created is already gone.");
        }
        if (!FlowLogRecord.sameFlowLog(undo.path("configuration"), now.get(0))) {
            return ActionResult.refused("Flow log " + id + " is no longer as the fix created it ("
                    + FlowLogRecord.describe(now.get(0)) + "), so it is left as it is.");
        }
        var deleted = client(r).deleteFlowLogs(d -> d.flowLogIds(id));
        if (deleted.hasUnsuccessful() && !deleted.unsuccessful().isEmpty()) {
            return ActionResult.refused("EC2 did not delete flow log " + id + ": "
                    + deleted.unsuccessful().get(0).error().message());
        }
        return ActionResult.changed("Deleted flow log " + id + ", which the fix had created; " + r.id()
                + " is gone again, as it was before the fix.");
    }

    // --- reads ---------------------------------------------------------------------------------------------------

    /** The live flow logs the incident is about: the VPC's, or the deleted one's if it is still there. */
    private List<ObjectNode> live(Incident incident) {
        ResourceRef r = incident.resource();
        return isVpc(r) ? onResource(r, r.id()) : byId(r, r.id());
    }

    private Optional<KnownConfiguration> lastOfVpc(ResourceRef vpc) {
        return inventory.newest(ResourceRef.FLOW_LOG, vpc.account(), vpc.region()).stream()
                .filter(k -> vpc.id().equals(k.configuration().path("resourceId").asText()))
                .max(java.util.Comparator.comparing(KnownConfiguration::since));
    }

    private List<ObjectNode> onResource(ResourceRef r, String resourceId) {
        return describe(r, Filter.builder().name("resource-id").values(resourceId).build());
    }

    private List<ObjectNode> byId(ResourceRef r, String flowLogId) {
        return describe(r, Filter.builder().name("flow-log-id").values(flowLogId).build());
    }

    private List<ObjectNode> describe(ResourceRef r, Filter filter) {
        List<ObjectNode> out = new ArrayList<>();
        client(r).describeFlowLogsPaginator(d -> d.filter(filter)).flowLogs().forEach(f -> out.add(json(f)));
        return out;
    }

    /** A live flow log in the inventory's shape ({@link FlowLogRecord}). */
    static ObjectNode json(FlowLog f) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("flowLogId", f.flowLogId());
        out.put("resourceId", f.resourceId());
        out.put("trafficType", f.trafficTypeAsString());
        out.put("logDestinationType", f.logDestinationTypeAsString());
        out.put("logDestination", f.logDestination());
        out.put("logGroupName", f.logGroupName());
        out.put("deliverLogsPermissionArn", f.deliverLogsPermissionArn());
        out.put("logFormat", f.logFormat());
        if (f.maxAggregationInterval() != null) {
            out.put("maxAggregationInterval", f.maxAggregationInterval());
        }
        ObjectNode tags = out.putObject("tags");
        f.tags().forEach(t -> tags.put(t.key(), t.value()));
        return out;
    }

    private static boolean isVpc(ResourceRef r) {
        return ResourceRef.VPC.equals(r.type());
    }

    private static boolean notFound(Ec2Exception e) {
        String code = code(e);
        return code != null && code.startsWith("Invalid") && code.endsWith(".NotFound");
    }

    private static String code(Ec2Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private static String text(JsonNode c, String field) {
        JsonNode v = c.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    private Ec2Client client(ResourceRef r) {
        return clients.computeIfAbsent(r.region(), region -> factory.apply(Region.of(region)));
    }
}
