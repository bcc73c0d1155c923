package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.iam.PolicyDocument;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.incident.Incident;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.rule.Finding;
import io.portcullis.rule.IamPrivilegeRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * {@code remove-inline-policy}, for {@link IamActions}: an admin-equivalent inline policy of a user, role or group
 * (an {@code iam-admin-granted} finding naming {@code policyName}, from Put*Policy or an AWS Config item) taken away.
 *
 * <p>When the inventory knew an earlier document of that policy name on that entity ({@link
 * LastKnownConfigurations#before} the change) and it is not admin-equivalent, that document is put back: the change
 * was an edit of a policy the entity needs. Otherwise the inline policy is deleted. The action refuses when the live
 * document is admin-equivalent but not the one the finding judged ({@code policyDocument}): a newer Put, with its own
 * incident. A live document that is no longer admin-equivalent is left as it is (somebody scoped it already).
 *
 * <p>Undo record: {@code {"policies": [{"policyName", "before": "<document the fix replaced>", "after": "<document it
 * put back>" | null (deleted)}]}}.
 */
final class IamInlinePolicies {

    private final IamClient iam;
    private final LastKnownConfigurations inventory;

    IamInlinePolicies(IamClient iam, LastKnownConfigurations inventory) {
        this.iam = iam;
        this.inventory = inventory;
    }

    /** The admin-equivalent inline-policy findings, by policy name. */
    static Map<String, Finding> named(Incident incident) {
        Map<String, Finding> out = new LinkedHashMap<>();
        incident.findings().stream()
                .filter(f -> f.remediates(IamPrivilegeRule.ID_ADMIN_GRANTED) && f.facts().containsKey("policyName"))
                .forEach(f -> out.putIfAbsent(f.facts().get("policyName"), f));
        return out;
    }

    /** Adds {@code "inlinePolicies": {"<name>": "<document>" | null}} for the policies the findings name. */
    void snapshot(ResourceRef r, String kind, Incident incident, ObjectNode out) {
        ObjectNode policies = out.putObject("inlinePolicies");
        for (String name : named(incident).keySet()) {
            Optional<String> doc = document(r, kind, name);
            if (doc.isPresent()) {
                policies.put(name, doc.get());
            } else {
                policies.putNull(name);
            }
        }
    }

    ActionResult apply(ResourceRef r, String kind, Incident incident, boolean dryRun) {
        Map<String, Finding> named = named(incident);
        if (named.isEmpty()) {
            return ActionResult.nothingToDo("The incident names no admin-equivalent inline policy of " + kind + " "
                    + r.id() + ", so no inline policy is changed.");
        }
        List<String> said = new ArrayList<>();
        List<Runnable> writes = new ArrayList<>();
        ArrayNode undo = Json.mapper().createArrayNode();
        for (Map.Entry<String, Finding> e : named.entrySet()) {
            String name = e.getKey();
            Optional<String> live = document(r, kind, name);
            if (live.isEmpty()) {
                said.add(capitalise(kind) + " " + r.id() + " no longer has the inline policy " + name + ".");
                continue;
            }
            Optional<String> why = adminWhy(live.get());
            if (why.isEmpty()) {
                said.add("The inline policy " + name + " of " + kind + " " + r.id() + " is no longer admin-equivalent.");
                continue;
            }
            String judged = e.getValue().facts().get("policyDocument");
            if (judged != null && !same(judged, live.get())) {
                return ActionResult.refused("The inline policy " + name + " of " + kind + " " + r.id() + " " + why.get()
                        + " in a document that is not the one the incident judged; a newer change put it, so it is"
                        + " left as it is.");
            }
            Optional<KnownConfiguration> known = inventory.before(r, incident.eventTime());
            Optional<String> previous = known.flatMap(k -> text(k.configuration().path("inlinePolicies").path(name)))
                    .filter(doc -> adminWhy(doc).isEmpty());
            ObjectNode entry = undo.addObject().put("policyName", name).put("before", live.get());
            if (previous.isPresent()) {
                entry.put("after", previous.get());
                said.add("Put back the previous document of the inline policy " + name + " of " + kind + " " + r.id()
                        + " (as the inventory saw it from " + known.get().since() + "), instead of the one that "
                        + why.get() + ".");
                writes.add(() -> put(r, kind, name, previous.get()));
            } else {
                entry.putNull("after");
                said.add("Deleted the inline policy " + name + " of " + kind + " " + r.id() + ", which " + why.get()
                        + (known.isPresent() ? " (the inventory knew no earlier document of it that was not"
                        + " admin-equivalent)." : " (no earlier document of it is known, so none was put back)."));
                writes.add(() -> delete(r, kind, name));
            }
        }
        if (writes.isEmpty()) {
            return ActionResult.nothingToDo(String.join(" ", said));
        }
        if (dryRun) {
            return ActionResult.wouldChange("Would: " + String.join(" ", said));
        }
        writes.forEach(Runnable::run);
        ObjectNode record = Json.mapper().createObjectNode();
        record.set("policies", undo);
        return ActionResult.changed(String.join(" ", said), record);
    }

    /** What is still admin-equivalent among the inline policies the findings name. */
    List<String> stillWrong(ResourceRef r, String kind, Incident incident) {
        List<String> out = new ArrayList<>();
        for (String name : named(incident).keySet()) {
            document(r, kind, name).flatMap(IamInlinePolicies::adminWhy).ifPresent(why ->
                    out.add("the inline policy " + name + " of " + kind + " " + r.id() + " still " + why));
        }
        return out;
    }

    /** Undo: each policy's document as it was before the fix, only while every one is as the fix left it. */
    ActionResult undo(ResourceRef r, String kind, JsonNode record) {
        List<JsonNode> toRestore = new ArrayList<>();
        for (JsonNode p : record.path("policies")) {
            String name = p.path("policyName").asText();
            Optional<String> live = document(r, kind, name);
            if (live.isPresent() && same(live.get(), p.path("before").asText())) {
                continue;
            }
            boolean asLeft = p.path("after").isTextual() ? live.isPresent() && same(live.get(), p.path("after").asText())
                    : live.isEmpty();
            if (!asLeft) {
                return ActionResult.refused("The inline policy " + name + " of " + kind + " " + r.id() + " has changed"
                        + " since the fix, so it is left as it is.");
            }
            toRestore.add(p);
        }
        if (toRestore.isEmpty()) {
            return ActionResult.nothingToDo("The inline policies of " + kind + " " + r.id() + " are already as they were"
                    + " before the fix.");
        }
        toRestore.forEach(p -> put(r, kind, p.path("policyName").asText(), p.path("before").asText()));
        return ActionResult.changed("Put the inline policy " + String.join(", ", toRestore.stream()
                .map(p -> p.path("policyName").asText()).toList()) + " of " + kind + " " + r.id()
                + " back as it was before the fix.");
    }

    /** The live document, as compact JSON; empty when the entity has no inline policy of that name. */
    Optional<String> document(ResourceRef r, String kind, String name) {
        try {
            String raw = switch (kind) {
                case "user" -> iam.getUserPolicy(g -> g.userName(r.id()).policyName(name)).policyDocument();
                case "role" -> iam.getRolePolicy(g -> g.roleName(r.id()).policyName(name)).policyDocument();
                default -> iam.getGroupPolicy(g -> g.groupName(r.id()).policyName(name)).policyDocument();
            };
            return Optional.of(PolicyRewrite.read(raw).toString());
        } catch (NoSuchEntityException e) {
            return Optional.empty();
        }
    }

    private void put(ResourceRef r, String kind, String name, String document) {
        switch (kind) {
            case "user" -> iam.putUserPolicy(p -> p.userName(r.id()).policyName(name).policyDocument(document));
            case "role" -> iam.putRolePolicy(p -> p.roleName(r.id()).policyName(name).policyDocument(document));
            default -> iam.putGroupPolicy(p -> p.groupName(r.id()).policyName(name).policyDocument(document));
        }
    }

    private void delete(ResourceRef r, String kind, String name) {
        switch (kind) {
            case "user" -> iam.deleteUserPolicy(d -> d.userName(r.id()).policyName(name));
            case "role" -> iam.deleteRolePolicy(d -> d.roleName(r.id()).policyName(name));
            default -> iam.deleteGroupPolicy(d -> d.groupName(r.id()).policyName(name));
        }
    }

    /** A document from the inventory: a JSON object, or its text. */
    private static Optional<String> text(JsonNode doc) {
        if (doc.isObject()) {
            return Optional.of(doc.toString());
        }
        if (doc.isTextual()) {
            try {
                return Optional.of(PolicyRewrite.read(doc.asText()).toString());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    static Optional<String> adminWhy(String document) {
        return PolicyDocument.parse(Json.mapper().getNodeFactory().textNode(document))
                .flatMap(PolicyDocument::adminEquivalence);
    }

    private static boolean same(String a, String b) {
        try {
            return PolicyRewrite.read(a).equals(PolicyRewrite.read(b));
        } catch (IllegalArgumentException e) {
            return a.equals(b);
        }
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
