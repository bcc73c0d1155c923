package io.portcullis.rule;

/** Who can reach what a finding exposes. */
public enum Exposure {
    /** Anyone on the internet ({@code 0.0.0.0/0}, {@code ::/0}, or half the address space or more). */
    INTERNET,
    /** A wide block of public addresses, but not the whole internet. */
    WIDE,
    /** Not reachable from outside the organisation's networks. */
    INTERNAL
}
