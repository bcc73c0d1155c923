package io.portcullis.playbook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;

/**
 * The live-resource side of a playbook for one kind of resource: record the before-state, apply a registered
 * {@link RemediationAction}, and re-read to verify. Implementations talk to AWS; each action undoes only the
 * offending part, is idempotent (a second run finds nothing to do), and refuses when the live state no longer
 * matches the finding.
 */
public interface ResourceActions {

    /** Whether this handles the incident's resource type. */
    boolean handles(Incident incident);

    /** The before-state of the incident's resource, as read now (stored for the remediate steps and for Undo). */
    ObjectNode snapshot(Incident incident);

    /**
     * Applies {@code action} to the incident's resource.
     *
     * @param snapshot what {@link #snapshot} recorded before any step changed anything
     * @param dryRun   read and report what would change, change nothing
     */
    ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun);

    /** Re-reads the live state: empty when the incident's findings are gone, else what is still wrong. */
    java.util.Optional<String> stillWrong(Incident incident);

    /**
     * Undo of one fix this made: puts back exactly what the fix changed, as the fix's {@code undo} record says, and
     * only if the live resource is still as the fix left it (else {@link ActionResult#refused}: somebody changed it
     * since, and putting the old state back would overwrite that). Already back as before: nothing to do. Makes only
     * the calls of {@link RemediationAction#undoPermissions()} and the action's reads.
     */
    ActionResult undo(RemediationAction action, Incident incident, com.fasterxml.jackson.databind.JsonNode undo);
}
