package io.portcullis.playbook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.network.IngressRule;
import io.portcullis.protocol.Response;
import io.portcullis.remediation.SecurityGroupInspector;
import io.portcullis.remediation.SecurityGroupRemediator;
import io.portcullis.remediation.SecurityGroupState;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Security-group ingress: revoke exactly the offending rules (by rule id) that are still there, never anything
 * else, and put them back on Undo; a rule modified in place goes back to its previous definition instead
 * ({@link ModifiedRules}).
 *
 * <p>Which rules are offending: for an incident the protocol sent to automatic remediation, only the rules of the
 * findings whose own decision is automatic ({@link Incident#offendingRules()}); after an approval, the rules of all
 * its findings. Rules recorded without an id (an AWS Config configuration item) are found on the live group by
 * permission.
 */
public final class SecurityGroupActions implements ResourceActions {

    private final SecurityGroupInspector inspector;
    private final SecurityGroupRemediator remediator;
    private final ModifiedRules modified;

    public SecurityGroupActions(SecurityGroupInspector inspector, SecurityGroupRemediator remediator) {
        this(inspector, remediator, LastKnownConfigurations.NONE);
    }

    /** @param inventory the groups as the inventory's sweeps saw them: a modified rule's previous definition */
    public SecurityGroupActions(SecurityGroupInspector inspector, SecurityGroupRemediator remediator,
                                LastKnownConfigurations inventory) {
        this.inspector = inspector;
        this.remediator = remediator;
        this.modified = new ModifiedRules(inspector, remediator, inventory);
    }

    @Override
    public boolean handles(Incident incident) {
        return ResourceRef.SECURITY_GROUP.equals(incident.resource().type());
    }

    public static List<IngressRule> offending(Incident incident) {
        if (incident.response() == Response.AUTO) {
            return incident.offendingRules();
        }
        return incident.findings().stream().flatMap(f -> f.evidence().stream()).toList();
    }

    @Override
    public ObjectNode snapshot(Incident incident) {
        ObjectNode out = Json.mapper().createObjectNode();
        Optional<SecurityGroupState> live = inspector.describe(incident.resource());
        out.put("exists", live.isPresent());
        ArrayNode rules = out.putArray("ingress");
        live.ifPresent(s -> s.ingress().forEach(r -> rules.add(Json.mapper().valueToTree(r))));
        return out;
    }

    @Override
    public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
        if (action == RemediationAction.REVERT_MODIFIED_RULE) {
            return modified.revert(incident, dryRun);
        }
        if (action != RemediationAction.REVOKE_INGRESS) {
            return ActionResult.refused(action.key() + " does not apply to security group " + incident.resource().id());
        }
        if (ModifiedRules.isModification(incident)) {
            // Revoking a modified rule would also take away what it allowed before the change.
            return ActionResult.nothingToDo("The offending rule of " + incident.resource().id() + " was modified, not"
                    + " added: it is not revoked (that would also take away what it allowed before); "
                    + RemediationAction.REVERT_MODIFIED_RULE.key() + " puts back its previous definition.");
        }
        Optional<SecurityGroupState> live = inspector.describe(incident.resource());
        if (live.isEmpty()) {
            return ActionResult.nothingToDo("Security group " + incident.resource().id() + " no longer exists.");
        }
        List<IngressRule> offending = offending(incident);
        if (offending.isEmpty()) {
            return ActionResult.needsPerson("The finding names no rule of " + incident.resource().id() + " (" + incident
                    .findings().stream().map(f -> f.explanation()).findFirst().orElse("") + "); find the rules it means"
                    + " and revoke them, Portcullis does not guess.");
        }
        List<IngressRule> present = live.get().stillPresent(offending);
        if (present.isEmpty()) {
            return ActionResult.alreadyDone("The offending rule is already gone from " + incident.resource().id()
                    + "; nothing was changed.", goneSinceSnapshot(incident, offending, snapshot));
        }
        String rules = describe(present);
        if (dryRun) {
            return ActionResult.wouldChange("Dry-run: would revoke " + rules + " from " + incident.resource().id() + ".");
        }
        remediator.revokeIngress(incident.resource(), present.stream().map(IngressRule::ruleId).toList());
        ObjectNode undo = Json.mapper().createObjectNode();
        undo.set("revoked", Json.mapper().valueToTree(present));
        return ActionResult.changed("Revoked " + rules + " from " + incident.resource().id() + ".", undo);
    }

    /** The offending rules the snapshot step saw on the group (all gone now), as {@code {"revoked": […]}}; or null. */
    private static ObjectNode goneSinceSnapshot(Incident incident, List<IngressRule> offending, ObjectNode snapshot) {
        if (snapshot == null || !snapshot.path("ingress").isArray()) {
            return null;
        }
        List<IngressRule> before = Json.mapper().convertValue(snapshot.path("ingress"),
                new com.fasterxml.jackson.core.type.TypeReference<List<IngressRule>>() { });
        List<IngressRule> gone = new SecurityGroupState(incident.resource(), "snapshot", java.util.Map.of(), before)
                .stillPresent(offending);
        if (gone.isEmpty()) {
            return null;
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.set("revoked", Json.mapper().valueToTree(gone));
        return out;
    }

    @Override
    public Optional<String> stillWrong(Incident incident) {
        List<IngressRule> left = ModifiedRules.isModification(incident) ? modified.stillModified(incident)
                : inspector.describe(incident.resource()).map(s -> s.stillPresent(offending(incident))).orElse(List.of());
        return left.isEmpty() ? Optional.empty()
                : Optional.of(describe(left) + " is still present on " + incident.resource().id());
    }

    /**
     * Undo of {@code revoke-ingress}: authorise exactly the revoked rules again (same permission and description); of
     * {@code revert-modified-rule}: modify the rules back to what the fix replaced ({@link ModifiedRules#undo}).
     * A rule somebody has put back since is left as it is; nothing else on the group is touched.
     */
    @Override
    public ActionResult undo(RemediationAction action, Incident incident, com.fasterxml.jackson.databind.JsonNode undo) {
        if (action == RemediationAction.REVERT_MODIFIED_RULE && undo != null && undo.path("modified").isArray()) {
            return modified.undo(incident, undo);
        }
        if (action != RemediationAction.REVOKE_INGRESS || undo == null || !undo.path("revoked").isArray()) {
            return ActionResult.refused(action.key() + " made no change to security group " + incident.resource().id()
                    + " that Undo knows how to put back.");
        }
        List<IngressRule> revoked = Json.mapper().convertValue(undo.path("revoked"),
                new com.fasterxml.jackson.core.type.TypeReference<List<IngressRule>>() { });
        Optional<SecurityGroupState> live = inspector.describe(incident.resource());
        if (live.isEmpty()) {
            return ActionResult.refused("Security group " + incident.resource().id() + " no longer exists, so "
                    + describe(revoked) + " cannot be put back.");
        }
        List<IngressRule> missing = revoked.stream()
                .filter(r -> live.get().ingress().stream().noneMatch(r::samePermissionAs)).toList();
        if (missing.isEmpty()) {
            return ActionResult.nothingToDo(describe(revoked) + " is already back on " + incident.resource().id() + ".");
        }
        remediator.restoreIngress(incident.resource(), missing);
        return ActionResult.changed("Restored " + describe(revoked) + " on " + incident.resource().id() + ".");
    }

    static String describe(List<IngressRule> rules) {
        return rules.stream().map(r -> r.describe() + (r.ruleId() != null ? " (" + r.ruleId() + ")" : ""))
                .collect(Collectors.joining(", "));
    }

}
