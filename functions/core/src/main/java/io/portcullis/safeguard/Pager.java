package io.portcullis.safeguard;

import java.time.Instant;

/**
 * Pages on-call: about Portcullis itself (the blast-radius breaker opened, an account's feed went silent, the kill
 * switch could not be read), and about an incident that needs a person (escalated, or its playbook failed). In AWS a page is a message on the alert queue (subscribe your
 * paging to it) and an alert in the on-call Slack channel.
 */
@FunctionalInterface
public interface Pager {

    void page(Page page);

    /**
     * @param kind       what happened: {@link #BREAKER_OPEN}, {@link #SILENT_FEED}, {@link #FEED_RESUMED},
     *                   {@link #KILL_SWITCH_UNREADABLE}
     * @param account    the account it concerns, or null
     * @param incidentId the incident it concerns, or null
     * @param text       what happened and what to do, in a sentence or two
     * @param at         when
     */
    record Page(String kind, String account, String incidentId, String text, Instant at) {
    }

    String BREAKER_OPEN = "breaker-open";
    String SILENT_FEED = "silent-feed";
    String FEED_RESUMED = "feed-resumed";
    String KILL_SWITCH_UNREADABLE = "kill-switch-unreadable";
    /** Someone wrote or deleted the kill switch parameter (the page names who, and when). */
    String KILL_SWITCH_CHANGED = "kill-switch-changed";
    /** An incident only a person can put right (no safe automatic change, or out of Portcullis' reach). */
    String NEEDS_PERSON = "needs-person";
    /** Nobody decided at an approval gate in time and the protocol says escalate. */
    String ESCALATED = "escalated";
    /** A playbook failed (AWS refused, or retries ran out): the incident is FAILED. */
    String PLAYBOOK_FAILED = "playbook-failed";

    Pager NONE = page -> { };
}
