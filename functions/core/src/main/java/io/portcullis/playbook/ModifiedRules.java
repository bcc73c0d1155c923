package io.portcullis.playbook;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.remediation.SecurityGroupInspector;
import io.portcullis.remediation.SecurityGroupRemediator;
import io.portcullis.remediation.SecurityGroupState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code revert-modified-rule}: a rule that {@code ModifySecurityGroupRules} changed in place goes back to its previous
 * definition, as the inventory's sweep saw the group before the change (matched by rule id). Revoking it instead would
 * also take away what it allowed before the change, which nobody judged.
 *
 * <p>Refuses when the live rule is no longer what the change set (somebody changed it since); asks a person when the
 * inventory has no previous definition of it, or one that cannot be written back exactly (ICMP types and codes, other
 * protocols: the inventory keeps their permission without them). Undo modifies it back to what the fix replaced, only
 * while it is still as the fix left it.
 */
final class ModifiedRules {

    static final String EVENT = "ModifySecurityGroupRules";

    private final SecurityGroupInspector inspector;
    private final SecurityGroupRemediator remediator;
    private final LastKnownConfigurations inventory;

    ModifiedRules(SecurityGroupInspector inspector, SecurityGroupRemediator remediator,
                  LastKnownConfigurations inventory) {
        this.inspector = inspector;
        this.remediator = remediator;
        this.inventory = inventory;
    }

    static boolean isModification(Incident incident) {
        return EVENT.equals(incident.eventName());
    }

    ActionResult revert(Incident incident, boolean dryRun) {
        ResourceRef group = incident.resource();
        if (!isModification(incident)) {
            return ActionResult.nothingToDo("No rule of " + group.id() + " was modified in place by this change, so"
                    + " there is no previous definition to put back.");
        }
        List<IngressRule> modified = SecurityGroupActions.offending(incident).stream()
                .filter(r -> r.ruleId() != null).toList();
        if (modified.isEmpty()) {
            return ActionResult.needsPerson("A rule of " + group.id() + " was modified, and the finding names no rule"
                    + " id; find the rule the change modified in the group's history and put it back as it was.");
        }
        Optional<SecurityGroupState> live = inspector.describe(group);
        if (live.isEmpty()) {
            return ActionResult.nothingToDo("Security group " + group.id() + " no longer exists.");
        }
        Optional<KnownConfiguration> known = inventory.before(group, incident.eventTime());
        List<IngressRule> previous = known.map(k -> rules(k.configuration().path("ingress"))).orElse(List.of());
        List<String> moved = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<IngressRule> unknown = new ArrayList<>();
        List<IngressRule[]> plan = new ArrayList<>();
        for (IngressRule m : modified) {
            Optional<IngressRule> now = byId(live.get().ingress(), m.ruleId());
            Optional<IngressRule> before = byId(previous, m.ruleId());
            if (now.isEmpty()) {
                gone.add(m.ruleId());
            } else if (before.isPresent() && same(now.get(), before.get())) {
                gone.add(m.ruleId() + " (already back to " + before.get().describe() + ")");
            } else if (!now.get().samePermissionAs(m)) {
                moved.add("rule " + m.ruleId() + " now allows " + now.get().describe() + ", not the "
                        + m.describe() + " the change set");
            } else if (before.isEmpty() || !writableBack(before.get())) {
                unknown.add(m);
            } else {
                plan.add(new IngressRule[] {now.get(), before.get()});
            }
        }
        if (!moved.isEmpty()) {
            return ActionResult.refused(capitalise(String.join("; ", moved)) + " on " + group.id() + ": somebody"
                    + " changed it since, so it is left as it is.");
        }
        if (!unknown.isEmpty()) {
            return ActionResult.needsPerson(personText(group, unknown, known.isPresent()));
        }
        if (plan.isEmpty()) {
            return ActionResult.nothingToDo("Nothing to put back on " + group.id() + ": rule " + String.join(", ", gone)
                    + (gone.size() == 1 && !gone.get(0).contains("already") ? " no longer exists." : "."));
        }
        String what = String.join("; ", plan.stream().map(p -> "rule " + p[1].ruleId() + " of " + group.id()
                + " back to " + p[1].describe() + " (the change had made it " + p[0].describe() + ")").toList());
        if (dryRun) {
            return ActionResult.wouldChange("Dry-run: would modify " + what + ".");
        }
        remediator.modifyIngress(group, plan.stream().map(p -> p[1]).toList());
        ObjectNode undo = Json.mapper().createObjectNode();
        ArrayNode entries = undo.putArray("modified");
        for (IngressRule[] p : plan) {
            ObjectNode e = entries.addObject().put("ruleId", p[1].ruleId());
            e.set("before", Json.mapper().valueToTree(p[0]));
            e.set("after", Json.mapper().valueToTree(p[1]));
        }
        return ActionResult.changed("Modified " + what + ".", undo);
    }

    /** Whether the rules the change modified are still as it set them. */
    List<IngressRule> stillModified(Incident incident) {
        List<IngressRule> modified = SecurityGroupActions.offending(incident);
        return inspector.describe(incident.resource()).map(s -> s.ingress().stream()
                .filter(live -> modified.stream().anyMatch(m -> Objects.equals(m.ruleId(), live.ruleId())
                        && m.samePermissionAs(live))).toList()).orElse(List.of());
    }

    /** Undo: each rule back to what the fix replaced, while it is still what the fix wrote. */
    ActionResult undo(Incident incident, JsonNode undo) {
        ResourceRef group = incident.resource();
        Optional<SecurityGroupState> live = inspector.describe(group);
        if (live.isEmpty()) {
            return ActionResult.refused("Security group " + group.id() + " no longer exists, so its modified rules"
                    + " cannot be put back.");
        }
        List<IngressRule> restore = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (JsonNode e : undo.path("modified")) {
            IngressRule before = Json.mapper().convertValue(e.path("before"), IngressRule.class);
            IngressRule after = Json.mapper().convertValue(e.path("after"), IngressRule.class);
            Optional<IngressRule> now = byId(live.get().ingress(), e.path("ruleId").asText());
            if (now.isEmpty()) {
                refused.add("rule " + e.path("ruleId").asText() + " no longer exists");
            } else if (same(now.get(), before)) {
                continue;
            } else if (!same(now.get(), after)) {
                refused.add("rule " + e.path("ruleId").asText() + " now allows " + now.get().describe()
                        + ", not the " + after.describe() + " the fix wrote");
            } else {
                restore.add(before);
            }
        }
        if (!refused.isEmpty()) {
            return ActionResult.refused(capitalise(String.join("; ", refused)) + " on " + group.id()
                    + "; somebody changed it since the fix, so it is left as it is.");
        }
        if (restore.isEmpty()) {
            return ActionResult.nothingToDo("The modified rules of " + group.id() + " are already as they were before"
                    + " the fix.");
        }
        remediator.modifyIngress(group, restore);
        return ActionResult.changed("Modified " + String.join(", ", restore.stream().map(r -> "rule " + r.ruleId()
                + " back to " + r.describe()).toList()) + " on " + group.id() + ", as it was before the fix.");
    }

    private static String personText(ResourceRef group, List<IngressRule> unknown, boolean recorded) {
        return "A rule of " + group.id() + " was modified to " + SecurityGroupActions.describe(unknown) + "; "
                + (recorded ? "Portcullis' inventory has no previous definition of it it can write back exactly"
                : "Portcullis' inventory has no record of the group from before the change")
                + ". Put it back to what it allowed before (AWS Config's history shows it: aws configservice"
                + " get-resource-config-history --resource-type AWS::EC2::SecurityGroup --resource-id " + group.id()
                + "), or revoke it if nothing needs it.";
    }

    /** What ModifySecurityGroupRules can write back exactly from the inventory's view of a rule. */
    private static boolean writableBack(IngressRule rule) {
        return rule.protocol() == IpProtocol.TCP || rule.protocol() == IpProtocol.UDP
                || rule.protocol() == IpProtocol.ALL;
    }

    private static boolean same(IngressRule a, IngressRule b) {
        return a.samePermissionAs(b) && Objects.equals(blankToNull(a.description()), blankToNull(b.description()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Optional<IngressRule> byId(List<IngressRule> rules, String ruleId) {
        return rules.stream().filter(r -> ruleId.equals(r.ruleId())).findFirst();
    }

    private static List<IngressRule> rules(JsonNode ingress) {
        if (!ingress.isArray()) {
            return List.of();
        }
        return Json.mapper().convertValue(ingress, new TypeReference<List<IngressRule>>() { });
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
