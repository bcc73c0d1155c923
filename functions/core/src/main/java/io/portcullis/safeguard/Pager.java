package io.portcullis.safeguard;

import java.time.Instant;

/**
 * Pages on-call about Portcullis itself (not about one finding): the blast-radius breaker opened, an account's feed
 * went silent, the kill switch could not be read. In AWS a page is a message on the alert queue (subscribe your
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

    Pager NONE = page -> { };
}
