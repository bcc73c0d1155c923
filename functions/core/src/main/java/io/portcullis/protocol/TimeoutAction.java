package io.portcullis.protocol;

import java.util.Locale;

/** What happens when on-call does not decide within the protocol's time limit. */
public enum TimeoutAction {
    REMEDIATE, ESCALATE, ABORT;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
