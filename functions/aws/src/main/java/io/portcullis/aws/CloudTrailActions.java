package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.playbook.ResourceActions;
import io.portcullis.rule.AuditLoggingRule;
import io.portcullis.rule.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.TrailNotFoundException;

/**
 * The CloudTrail side of the {@code audit-logging} playbook: {@code start-logging} starts a trail that an
 * {@code audit-trail-stopped} finding says was stopped, when {@code GetTrailStatus} says it is not logging.
 *
 * <p>Unlike the S3 and IAM actions it never refuses: starting a trail cannot open or break anything, and a newer
 * {@code StopLogging} is one more reason to start it (EventBridge only delivers CloudTrail events while a trail is
 * logging, so that newer incident may never arrive). A deleted trail is reported, not recreated. The other audit
 * findings (a narrowed trail, validation off, deleted flow logs) have no action here; {@link #stillWrong} says so.
 *
 * <p>The trail is addressed by its ARN, in the region of the incident, which reaches a multi-region trail from any
 * of its regions.
 */
public final class CloudTrailActions implements ResourceActions {

    private final Function<Region, CloudTrailClient> factory;
    private final Map<String, CloudTrailClient> clients = new ConcurrentHashMap<>();

    /** @param cloudTrail a CloudTrail client for a region; called once per region */
    public CloudTrailActions(Function<Region, CloudTrailClient> cloudTrail) {
        this.factory = cloudTrail;
    }

    @Override
    public boolean handles(Incident incident) {
        return incident.resource().type().equals(ResourceRef.TRAIL);
    }

    /** {@code {"trail": arn, "isLogging": bool}}, or {@code "exists": false} when the trail is gone. */
    @Override
    public ObjectNode snapshot(Incident incident) {
        ObjectNode out = Json.mapper().createObjectNode().put("trail", incident.resource().arn());
        try {
            out.put("isLogging", isLogging(incident.resource()));
        } catch (TrailNotFoundException e) {
            out.put("exists", false);
        }
        return out;
    }

    @Override
    public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
        if (action != RemediationAction.START_LOGGING) {
            throw new IllegalArgumentException(action.key() + " is not a CloudTrail action; the playbook for "
                    + ResourceRef.TRAIL + " should not name it");
        }
        ResourceRef r = incident.resource();
        if (incident.findings().stream().noneMatch(f -> f.ruleId().equals(AuditLoggingRule.ID_STOPPED))) {
            return ActionResult.nothingToDo("The incident is not about trail " + r.id() + " being stopped, so its"
                    + " logging is left as it is.");
        }
        try {
            if (isLogging(r)) {
                return ActionResult.nothingToDo("Trail " + r.id() + " is already logging.");
            }
            if (dryRun) {
                return ActionResult.wouldChange("Would start logging on trail " + r.id() + ".");
            }
            client(r).startLogging(s -> s.name(r.arn()));
            return ActionResult.changed("Started logging on trail " + r.id() + ".",
                    Json.mapper().createObjectNode().put("trail", r.arn()).put("before", "stopped"));
        } catch (TrailNotFoundException e) {
            return ActionResult.nothingToDo("Trail " + r.id() + " no longer exists, so it cannot be started;"
                    + " recreate it.");
        }
    }

    @Override
    public Optional<String> stillWrong(Incident incident) {
        ResourceRef r = incident.resource();
        List<String> wrong = new ArrayList<>();
        for (String id : incident.findings().stream().map(Finding::ruleId).distinct().toList()) {
            if (id.equals(AuditLoggingRule.ID_STOPPED)) {
                try {
                    if (!isLogging(r)) {
                        wrong.add("trail " + r.id() + " is not logging");
                    }
                } catch (TrailNotFoundException e) {
                    wrong.add("trail " + r.id() + " no longer exists");
                }
            } else {
                wrong.add(id + " is not undone by any CloudTrail action here; check trail " + r.id() + " by hand");
            }
        }
        return wrong.isEmpty() ? Optional.empty()
                : Optional.of(Character.toUpperCase(wrong.get(0).charAt(0)) + String.join("; ", wrong).substring(1) + ".");
    }

    private boolean isLogging(ResourceRef r) {
        return Boolean.TRUE.equals(client(r).getTrailStatus(g -> g.name(r.arn())).isLogging());
    }

    private CloudTrailClient client(ResourceRef r) {
        return clients.computeIfAbsent(r.region(), region -> factory.apply(Region.of(region)));
    }

    /**
     * Undo of {@code start-logging}: stop the trail again, as it was before the fix (an approver asked for it in Slack,
     * e.g. the trail was stopped on purpose during a migration). Only while it is still logging.
     */
    @Override
    public ActionResult undo(RemediationAction action, Incident incident, JsonNode undo) {
        ResourceRef r = incident.resource();
        if (action != RemediationAction.START_LOGGING) {
            return ActionResult.refused(action.key() + " is not a CloudTrail action.");
        }
        try {
            if (!isLogging(r)) {
                return ActionResult.nothingToDo("Trail " + r.id() + " is not logging already.");
            }
            client(r).stopLogging(s -> s.name(r.arn()));
            return ActionResult.changed("Stopped logging on trail " + r.id() + " again, as it was before the fix.");
        } catch (TrailNotFoundException e) {
            return ActionResult.refused("Trail " + r.id() + " no longer exists; there is nothing to put back.");
        }
    }
}
