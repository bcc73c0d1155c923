package io.portcullis.incident;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One change a playbook's remediate step made to the resource, with what Undo needs to put it back.
 *
 * <p>Example: {@code {"step": "RestoreDefaultEncryption", "action": "restore-default-encryption", "at": "…",
 * "detail": "Turned SSE-KMS (key …) back on for bucket b.", "undo": {"before": null, "after": {…}}}}.
 *
 * @param step   the playbook step that made it (its state name)
 * @param action the registered action's key, e.g. {@code revoke-ingress}
 * @param at     when it was made
 * @param detail the sentence the step recorded
 * @param undo   what the action's Undo needs: the state to put back and the state the fix left (Undo refuses when
 *               the live resource is no longer what the fix left); null when the fix cannot be undone (the detail
 *               then says why)
 */
public record AppliedFix(String step, String action, Instant at, String detail, JsonNode undo) {

    public boolean undoable() {
        return undo != null && !undo.isNull() && !undo.isMissingNode();
    }
}
