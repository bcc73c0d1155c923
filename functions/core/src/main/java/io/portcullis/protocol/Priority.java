package io.portcullis.protocol;

/** P1 contain now · P2 on-call approval · P3 next low-tide window · P4 record. */
public enum Priority {
    P1, P2, P3, P4
}
