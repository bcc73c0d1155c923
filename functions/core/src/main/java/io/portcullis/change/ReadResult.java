package io.portcullis.change;

/** What reading one raw event gave: a change, or a refusal with a reason a person can act on. */
public sealed interface ReadResult {

    /** The event was understood. */
    record Read(Change change) implements ReadResult {
    }

    /**
     * The event was refused: never evaluated, never remediated.
     *
     * @param eventRef names the event as well as it could be read, e.g. {@code event 1f2e… (AuthorizeSecurityGroupIngress)}
     * @param reason   what is wrong, naming the field
     */
    record Refused(String eventRef, String reason) implements ReadResult {
    }
}
