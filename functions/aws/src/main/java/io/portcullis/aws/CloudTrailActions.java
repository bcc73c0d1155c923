package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.audit.TrailRecord;
import io.portcullis.audit.TrailSettings;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
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
 * The CloudTrail side of the {@code audit-logging} playbook: {@code start-logging} starts a trail an
 * {@code audit-trail-stopped} finding says was stopped; {@code restore-trail-settings} ({@link TrailSettingsActions})
 * and {@code restore-event-selectors} ({@link TrailSelectorActions}) put back what an UpdateTrail or PutEventSelectors
 * changed, from the inventory's record of the trail before the change.
 *
 * <p>Starting a trail never refuses: it cannot open or break anything, and a newer {@code StopLogging} is one more
 * reason to start it (EventBridge only delivers CloudTrail events while a trail is logging, so that newer incident may
 * never arrive). A deleted trail is never recreated: where its logs go and who can read them are a person's decisions,
 * so the incident goes to on-call with exactly what to recreate, from the inventory's record.
 *
 * <p>The trail is addressed by its ARN, in the region of the incident, which reaches a multi-region trail from any
 * of its regions.
 */
public final class CloudTrailActions implements ResourceActions {

    private final Function<Region, CloudTrailClient> factory;
    private final Map<String, CloudTrailClient> clients = new ConcurrentHashMap<>();
    private final LastKnownConfigurations inventory;
    private final TrailState trails;
    private final TrailSettingsActions settings;
    private final TrailSelectorActions selectors;

    /** @param cloudTrail a CloudTrail client for a region; called once per region */
    public CloudTrailActions(Function<Region, CloudTrailClient> cloudTrail) {
        this(cloudTrail, LastKnownConfigurations.NONE);
    }

    /** @param inventory the trails as the inventory's sweeps saw them: what to put back, what to recreate */
    public CloudTrailActions(Function<Region, CloudTrailClient> cloudTrail, LastKnownConfigurations inventory) {
        this.factory = cloudTrail;
        this.inventory = inventory;
        this.trails = new TrailState(this::client);
        this.settings = new TrailSettingsActions(this::client, inventory);
        this.selectors = new TrailSelectorActions(this::client, inventory);
    }

    @Override
    public boolean handles(Incident incident) {
        return incident.resource().type().equals(ResourceRef.TRAIL);
    }

    /**
     * {@code {"trail": arn, "isLogging": bool, "settings": {…}, "selectors": {…}}} (settings and selectors in the
     * inventory's shape), or {@code "exists": false} when the trail is gone.
     */
    @Override
    public ObjectNode snapshot(Incident incident) {
        ResourceRef r = incident.resource();
        ObjectNode out = Json.mapper().createObjectNode().put("trail", r.arn());
        try {
            out.put("isLogging", isLogging(r));
            out.set("settings", trails.settings(r));
            out.set("selectors", trails.selectors(r));
        } catch (TrailNotFoundException e) {
            out.removeAll();
            out.put("trail", r.arn()).put("exists", false);
        }
        return out;
    }

    @Override
    public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        try {
            return switch (action) {
                case START_LOGGING -> startLogging(incident, dryRun);
                case RESTORE_TRAIL_SETTINGS -> settings.restore(incident, dryRun);
                case RESTORE_EVENT_SELECTORS -> selectors.restore(incident, snapshot, dryRun);
                default -> ActionResult.nothingToDo(action.key() + " does not act on trails; trail " + r.id()
                        + " is left as it is.");
            };
        } catch (TrailNotFoundException e) {
            return gone(incident);
        }
    }

    private ActionResult startLogging(Incident incident, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (incident.findings().stream().anyMatch(f -> f.remediates(AuditLoggingRule.ID_DELETED))) {
            isLogging(r); // TrailNotFound: still gone, a person recreates it
            return ActionResult.nothingToDo("Trail " + r.id() + " exists again: somebody recreated it.");
        }
        if (incident.findings().stream().noneMatch(f -> f.remediates(AuditLoggingRule.ID_STOPPED))) {
            return ActionResult.nothingToDo("The incident is not about trail " + r.id() + " being stopped, so its"
                    + " logging is left as it is.");
        }
        if (isLogging(r)) {
            return ActionResult.nothingToDo("Trail " + r.id() + " is already logging.");
        }
        if (dryRun) {
            return ActionResult.wouldChange("Would start logging on trail " + r.id() + ".");
        }
        client(r).startLogging(s -> s.name(r.arn()));
        return ActionResult.changed("Started logging on trail " + r.id() + ".",
                Json.mapper().createObjectNode().put("trail", r.arn()).put("before", "stopped"));
    }

    /**
     * The trail is gone: a person recreates it, told exactly how from the inventory's record (once: a later step of
     * an incident already in front of a person adds nothing).
     */
    private ActionResult gone(Incident incident) {
        ResourceRef r = incident.resource();
        if (incident.status() == IncidentStatus.ESCALATED) {
            return ActionResult.nothingToDo("Trail " + r.id() + " no longer exists; a person was asked to recreate it.");
        }
        Optional<KnownConfiguration> record = inventory.before(r, incident.eventTime());
        String what = record.map(k -> "Recreate it as Portcullis' inventory last saw it (" + k.since() + "): "
                        + TrailRecord.describe(k.configuration()) + ". Commands: "
                        + TrailRecord.recreateCommands(k.configuration()) + ".")
                .orElse("Portcullis' inventory has no record of its configuration: recreate it from your"
                        + " infrastructure code, or from AWS Config's history of the trail (resource type"
                        + " AWS::CloudTrail::Trail), with its bucket and key prefix, multi-region, global-service"
                        + " events, log file validation, KMS key, CloudWatch Logs delivery and event selectors, then"
                        + " start it logging.");
        return ActionResult.needsPerson("Trail " + r.id() + " (" + r.arn() + ") no longer exists, so API activity it"
                + " recorded goes unrecorded. Portcullis does not recreate trails: where the logs go and who can read"
                + " them is a person's decision. " + what + " Then find out who needed it gone.");
    }

    @Override
    public Optional<String> stillWrong(Incident incident) {
        ResourceRef r = incident.resource();
        List<String> wrong = new ArrayList<>();
        try {
            boolean settingsChecked = false;
            for (Finding f : incident.findings()) {
                if (f.remediates(AuditLoggingRule.ID_STOPPED) || f.remediates(AuditLoggingRule.ID_DELETED)) {
                    if (!isLogging(r)) {
                        wrong.add("trail " + r.id() + " is not logging");
                    }
                } else if (f.remediates(AuditLoggingRule.ID_EMPTIED)) {
                    selectors.stillWrong(incident).ifPresent(wrong::add);
                } else if (TrailSettings.FINDINGS.stream().anyMatch(f::remediates)) {
                    if (!settingsChecked) {
                        settings.stillWrong(incident).ifPresent(wrong::add);
                        settingsChecked = true;
                    }
                } else {
                    wrong.add(f.ruleId() + " is not undone by any CloudTrail action here; check trail " + r.id()
                            + " by hand");
                }
            }
        } catch (TrailNotFoundException e) {
            wrong.clear();
            wrong.add("trail " + r.id() + " no longer exists");
        }
        List<String> distinct = wrong.stream().distinct().toList();
        return distinct.isEmpty() ? Optional.empty()
                : Optional.of(Character.toUpperCase(distinct.get(0).charAt(0))
                        + String.join("; ", distinct).substring(1) + ".");
    }

    private boolean isLogging(ResourceRef r) {
        return Boolean.TRUE.equals(client(r).getTrailStatus(g -> g.name(r.arn())).isLogging());
    }

    private CloudTrailClient client(ResourceRef r) {
        return clients.computeIfAbsent(r.region(), region -> factory.apply(Region.of(region)));
    }

    /**
     * Undo, an approver's decision in Slack: {@code start-logging} stops the trail again (e.g. it was stopped on
     * purpose during a migration), only while it is still logging; {@code restore-trail-settings} and
     * {@code restore-event-selectors} write back what the fix replaced, only while the trail still has what the fix
     * wrote.
     */
    @Override
    public ActionResult undo(RemediationAction action, Incident incident, JsonNode undo) {
        ResourceRef r = incident.resource();
        try {
            return switch (action) {
                case START_LOGGING -> {
                    if (!isLogging(r)) {
                        yield ActionResult.nothingToDo("Trail " + r.id() + " is not logging already.");
                    }
                    client(r).stopLogging(s -> s.name(r.arn()));
                    yield ActionResult.changed("Stopped logging on trail " + r.id() + " again, as it was before the"
                            + " fix.");
                }
                case RESTORE_TRAIL_SETTINGS -> settings.undo(incident, undo);
                case RESTORE_EVENT_SELECTORS -> selectors.undo(incident, undo);
                default -> ActionResult.refused(action.key() + " is not a CloudTrail action.");
            };
        } catch (TrailNotFoundException e) {
            return ActionResult.refused("Trail " + r.id() + " no longer exists; there is nothing to put back.");
        }
    }
}
