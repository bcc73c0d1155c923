package io.portcullis.playbook;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.incident.AppliedFix;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.network.IngressRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Undo: puts back the fixes a playbook made, newest first, each through the action that made it, each only while the
 * resource is still as that fix left it. The Undo approval's payload is the list of fixes offered in Slack (an older
 * Undo of a security-group incident carries the list of revoked rules instead; it is read the same way).
 */
final class UndoFixes {

    private final ResourceActions handler;

    /** @param handler the actions of the incident's resource, bound to its account and region */
    UndoFixes(ResourceActions handler) {
        this.handler = handler;
    }

    /** What was put back (and what was not, and why), in a sentence or two. */
    String run(Incident incident, JsonNode payload) {
        List<AppliedFix> fixes = fixes(payload);
        if (fixes.isEmpty()) {
            return "there was nothing to undo on " + incident.resource().id() + ".";
        }
        List<String> said = new ArrayList<>();
        for (int i = fixes.size() - 1; i >= 0; i--) {
            AppliedFix fix = fixes.get(i);
            Optional<RemediationAction> action = RemediationAction.byKey(fix.action());
            if (action.isEmpty()) {
                said.add("Not undone: " + fix.detail() + " (action " + fix.action() + " is no longer registered).");
                continue;
            }
            ActionResult result = handler.undo(action.get(), incident, fix.undo());
            said.add(switch (result.kind()) {
                case REFUSED -> "Not undone: " + result.detail();
                default -> result.detail();
            });
        }
        return String.join(" ", said);
    }

    private static List<AppliedFix> fixes(JsonNode payload) {
        if (payload == null || !payload.isArray() || payload.isEmpty()) {
            return List.of();
        }
        if (payload.get(0).has("action")) {
            return Json.mapper().convertValue(payload, new TypeReference<List<AppliedFix>>() { });
        }
        // An Undo offered before fixes were recorded: the revoked security-group rules themselves.
        List<IngressRule> revoked = Json.mapper().convertValue(payload, new TypeReference<List<IngressRule>>() { });
        var undo = Json.mapper().createObjectNode();
        undo.set("revoked", Json.mapper().valueToTree(revoked));
        return List.of(new AppliedFix("Remediate", RemediationAction.REVOKE_INGRESS.key(), null,
                "Revoked " + SecurityGroupActions.describe(revoked) + ".", undo));
    }
}
