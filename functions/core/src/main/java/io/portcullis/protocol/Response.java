package io.portcullis.protocol;

import java.util.Locale;

/** What the protocol says to do about an incident. */
public enum Response {
    /** Remediate at once, then tell on-call (with Undo). */
    AUTO,
    /** Ask on-call in Slack; nothing changes until someone decides. */
    APPROVAL,
    /** Fix in the next maintenance window. */
    SCHEDULED,
    /** Record only; it appears in the weekly report. */
    RECORD;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
