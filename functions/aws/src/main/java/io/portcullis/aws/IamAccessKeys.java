package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.rule.IamPrivilegeRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * {@code deactivate-access-key}, for {@link IamActions}: the access key a finding names ({@code accessKeyId}) set to
 * Inactive, never deleted (someone may need to see what it was used for), also a key made for another user than the
 * caller. A root user's key can be changed by the root user only, so it goes to a person with what to do; so does a
 * key made for another user that CloudTrail did not name.
 *
 * <p>Undo record: {@code {"deactivated": ["AKIA…"]}}; Undo re-activates those still inactive.
 */
final class IamAccessKeys {

    private final IamClient iam;

    IamAccessKeys(IamClient iam) {
        this.iam = iam;
    }

    /** Adds {@code "accessKeys": [{"id", "status"}]} of the user. */
    void snapshot(ResourceRef user, ObjectNode out) {
        ArrayNode keys = out.putArray("accessKeys");
        iam.listAccessKeysPaginator(k -> k.userName(user.id())).accessKeyMetadata().forEach(k ->
                keys.addObject().put("id", k.accessKeyId()).put("status", k.statusAsString()));
    }

    /**
     * @param isUser whether the incident's resource is an IAM user (not the root user, a role, a group or a policy)
     * @param who    the resource in words ("user build-bot")
     */
    ActionResult deactivate(Incident incident, boolean isUser, String who, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (incident.findings().stream().anyMatch(f -> f.remediates(IamPrivilegeRule.ID_ROOT_ACCESS_KEY))) {
            // Only the root user may change the root user's keys: no role, not even an administrator's.
            return ActionResult.needsPerson("The root user of account " + r.account() + " has an access key, and only"
                    + " the root user can deactivate or delete it. Sign in to the console as the root user (with its"
                    + " MFA), open Security credentials, deactivate the access key, check in CloudTrail what it was"
                    + " used for, then delete it; use IAM roles instead of root keys.");
        }
        List<String> keys = incident.findings().stream().map(f -> f.facts().get("accessKeyId"))
                .filter(k -> k != null && !k.isBlank()).distinct().toList();
        if (keys.isEmpty() && isUser
                && incident.findings().stream().anyMatch(f -> f.remediates(IamPrivilegeRule.ID_ACCESS_KEY_FOR_OTHER))) {
            return ActionResult.needsPerson("An access key was created for " + who + " by someone else at "
                    + incident.eventTime() + ", and CloudTrail did not record which: list the user's keys (aws iam"
                    + " list-access-keys --user-name " + r.id() + "), and deactivate the one created then unless the"
                    + " user asked for it.");
        }
        if (keys.isEmpty() || !isUser) {
            return ActionResult.nothingToDo("The incident names no access key of a user, so no key is deactivated.");
        }
        List<String> active = new ArrayList<>();
        for (String key : keys) {
            Optional<AccessKeyMetadata> live = liveKey(r, key);
            if (live.isPresent() && live.get().status() == StatusType.ACTIVE) {
                active.add(key);
            }
        }
        if (active.isEmpty()) {
            return ActionResult.nothingToDo("Access key " + String.join(", ", keys) + " of " + who
                    + " is already inactive or deleted.");
        }
        if (dryRun) {
            return ActionResult.wouldChange("Would deactivate access key " + String.join(", ", active) + " of " + who
                    + " (not delete it).");
        }
        active.forEach(key -> iam.updateAccessKey(u -> u.userName(r.id()).accessKeyId(key).status(StatusType.INACTIVE)));
        ObjectNode undo = Json.mapper().createObjectNode();
        active.forEach(undo.putArray("deactivated")::add);
        return ActionResult.changed("Deactivated access key " + String.join(", ", active) + " of " + who
                + "; it is kept, so it can be re-activated.", undo);
    }

    Optional<String> stillActive(ResourceRef user, String key, String who) {
        return liveKey(user, key).filter(k -> k.status() == StatusType.ACTIVE)
                .map(k -> "access key " + key + " of " + who + " is still active");
    }

    /** Undo: re-activates the keys the fix deactivated that are still inactive; a deleted one cannot be. */
    ActionResult undo(ResourceRef r, String who, JsonNode record) {
        List<String> reactivate = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (JsonNode n : record.path("deactivated")) {
            Optional<AccessKeyMetadata> live = liveKey(r, n.asText());
            if (live.isEmpty()) {
                gone.add(n.asText());
            } else if (live.get().status() == StatusType.INACTIVE) {
                reactivate.add(n.asText());
            }
        }
        if (reactivate.isEmpty()) {
            return gone.isEmpty() ? ActionResult.nothingToDo("The access keys of " + who + " are active again"
                    + " already.") : ActionResult.refused("Access key " + String.join(", ", gone) + " of " + who
                    + " has been deleted since; it cannot be re-activated.");
        }
        reactivate.forEach(key -> iam.updateAccessKey(u -> u.userName(r.id()).accessKeyId(key).status(StatusType.ACTIVE)));
        return ActionResult.changed("Re-activated access key " + String.join(", ", reactivate) + " of " + who
                + (gone.isEmpty() ? "." : "; " + String.join(", ", gone) + " has been deleted since."));
    }

    private Optional<AccessKeyMetadata> liveKey(ResourceRef r, String key) {
        List<AccessKeyMetadata> all = new ArrayList<>();
        iam.listAccessKeysPaginator(k -> k.userName(r.id())).accessKeyMetadata().forEach(all::add);
        return all.stream().filter(k -> k.accessKeyId().equals(key)).findFirst();
    }
}
