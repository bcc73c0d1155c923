package io.portcullis.playbook;

/**
 * What a remediation action did.
 *
 * @param kind   changed, nothing to do (already as it should be), would change (dry-run), or refused (the live
 *               state no longer matches the finding, so acting could break something nobody judged)
 * @param detail one sentence for the incident timeline and Slack, naming what was (or would be) changed
 * @param undo   for a change that can be undone, what Undo needs to put it back (e.g. the revoked rules); else null
 */
public record ActionResult(Kind kind, String detail, com.fasterxml.jackson.databind.node.ObjectNode undo) {

    public ActionResult(Kind kind, String detail) {
        this(kind, detail, null);
    }

    public static ActionResult changed(String detail, com.fasterxml.jackson.databind.node.ObjectNode undo) {
        return new ActionResult(Kind.CHANGED, detail, undo);
    }

    public enum Kind { CHANGED, NOTHING_TO_DO, WOULD_CHANGE, REFUSED }

    public static ActionResult changed(String detail) {
        return new ActionResult(Kind.CHANGED, detail);
    }

    public static ActionResult nothingToDo(String detail) {
        return new ActionResult(Kind.NOTHING_TO_DO, detail);
    }

    /**
     * Nothing to do now, and {@code goneSinceSnapshot} (in the shape of {@code undo}, or null) names what the
     * snapshot step saw and is gone now. The worker records it as revoked when its own earlier attempt of the same
     * step had started (and died before recording the change); otherwise it is somebody else's change and ignored.
     */
    public static ActionResult alreadyDone(String detail, com.fasterxml.jackson.databind.node.ObjectNode goneSinceSnapshot) {
        return new ActionResult(Kind.NOTHING_TO_DO, detail, goneSinceSnapshot);
    }

    public static ActionResult wouldChange(String detail) {
        return new ActionResult(Kind.WOULD_CHANGE, detail);
    }

    public static ActionResult refused(String detail) {
        return new ActionResult(Kind.REFUSED, detail);
    }
}
