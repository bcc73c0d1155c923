package io.portcullis.playbook;

/**
 * What a remediation action did.
 *
 * @param kind   changed, nothing to do (already as it should be), would change (dry-run), refused (the live
 *               state no longer matches the finding, so acting could break something nobody judged), or needs a
 *               person (no safe automatic change exists: the detail says exactly what a person must do)
 * @param detail one sentence for the incident timeline and Slack, naming what was (or would be) changed
 * @param undo   for a change that can be undone, what Undo needs to put it back (e.g. the revoked rules); else null
 * @param forPerson for a change that put right only part of the finding, what a person must do about the rest (the
 *               worker records the change, then hands the incident to a person with these words); else null
 */
public record ActionResult(Kind kind, String detail, com.fasterxml.jackson.databind.node.ObjectNode undo,
                           String forPerson) {

    public ActionResult(Kind kind, String detail, com.fasterxml.jackson.databind.node.ObjectNode undo) {
        this(kind, detail, undo, null);
    }

    public ActionResult(Kind kind, String detail) {
        this(kind, detail, null, null);
    }

    /**
     * Part of the finding put right ({@code detail}, undone by {@code undo}); the rest only a person can, e.g. a trail's
     * flags turned back on while the bucket its logs went to before is nowhere recorded. {@code whatToDo} says exactly
     * what the person must do.
     */
    public static ActionResult changedAndNeedsPerson(String detail, com.fasterxml.jackson.databind.node.ObjectNode undo,
                                                     String whatToDo) {
        return new ActionResult(Kind.CHANGED, detail, undo, whatToDo);
    }

    public static ActionResult changed(String detail, com.fasterxml.jackson.databind.node.ObjectNode undo) {
        return new ActionResult(Kind.CHANGED, detail, undo);
    }

    public enum Kind { CHANGED, NOTHING_TO_DO, WOULD_CHANGE, REFUSED, NEEDS_PERSON }

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

    /**
     * Only a person can put this right (e.g. a deleted trail, a root user's access key, an account Portcullis may not
     * act in): the incident is escalated, on-call paged and told in Slack. {@code whatToDo} says what happened and
     * exactly what the person must do, in words.
     */
    public static ActionResult needsPerson(String whatToDo) {
        return new ActionResult(Kind.NEEDS_PERSON, whatToDo);
    }
}
