package io.portcullis.safeguard;

import io.portcullis.report.Markup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The silent-feed check, run on a schedule: for every account Portcullis has heard from (and every account the
 * accounts file declares), page on-call when no event arrived for longer than the protocol's
 * {@code safeguards.silentFeedAfter}, once per silence, and say so again when events resume.
 *
 * <p>EventBridge receives CloudTrail events only while a trail is logging, and delivers them best-effort: a stopped
 * or deleted trail whose {@code StopLogging} never arrived, a broken cross-account forwarding rule and a disabled
 * detector all look like this silence.
 */
public final class WatchFeeds {

    private final HeartbeatStore store;
    private final Pager pager;
    private final Duration silentAfter;
    private final Set<String> declared;
    private final Clock clock;

    public WatchFeeds(HeartbeatStore store, Pager pager, Duration silentAfter, Set<String> declaredAccounts,
                      Clock clock) {
        this.store = store;
        this.pager = pager;
        this.silentAfter = silentAfter;
        this.declared = Set.copyOf(declaredAccounts);
        this.clock = clock;
    }

    /** What one check found. */
    public record Result(int accounts, List<String> silent, List<String> paged, List<String> resumed) {
    }

    public Result run() {
        Instant now = clock.instant();
        Map<String, HeartbeatStore.Feed> feeds = store.feeds().stream()
                .collect(Collectors.toMap(HeartbeatStore.Feed::account, Function.identity(), (a, b) -> a));
        for (String account : declared) {
            if (!feeds.containsKey(account)) {
                store.watch(account, now);
                feeds.put(account, new HeartbeatStore.Feed(account, null, now, null));
            }
        }
        List<String> silent = new ArrayList<>();
        List<String> paged = new ArrayList<>();
        List<String> resumed = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        for (HeartbeatStore.Feed feed : feeds.values().stream()
                .sorted(java.util.Comparator.comparing(HeartbeatStore.Feed::account)).toList()) {
            Instant since = feed.since();
            if (since == null) {
                continue;
            }
            Duration quiet = Duration.between(since, now);
            if (quiet.compareTo(silentAfter) > 0) {
                silent.add(feed.account());
                // Marked first, so two overlapping checks page once; un-marked if no page went out, so the next
                // check tries again.
                if (!since.equals(feed.alertedFor()) && store.markSilent(feed.account(), since)) {
                    try {
                        pager.page(new Pager.Page(Pager.SILENT_FEED, feed.account(), null, silentText(feed, quiet),
                                now));
                        paged.add(feed.account());
                    } catch (RuntimeException e) {
                        store.markResumed(feed.account(), since);
                        failures.add(e);
                    }
                }
            } else if (feed.alertedFor() != null && store.markResumed(feed.account(), feed.alertedFor())) {
                pager.page(new Pager.Page(Pager.FEED_RESUMED, feed.account(), null, "Events from account "
                        + feed.account() + " are arriving again (the last at " + at(feed.lastSeen())
                        + "; silent since " + at(feed.alertedFor()) + ").", now));
                resumed.add(feed.account());
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("could not page on-call about the silent feeds of "
                    + failures.size() + " account(s); the next check tries again");
            failures.forEach(e::addSuppressed);
            throw e;
        }
        return new Result(feeds.size(), silent, paged, resumed);
    }

    private String silentText(HeartbeatStore.Feed feed, Duration quiet) {
        String last = feed.lastSeen() != null ? "the last arrived at " + at(feed.lastSeen())
                : "none arrived since watching began at " + at(feed.watchedSince());
        return "No event from account " + feed.account() + " has reached Portcullis for "
                + Markup.duration(quiet.toSeconds()) + " (" + last + "; the protocol allows "
                + Markup.duration(silentAfter.toSeconds()) + "). Check the account's CloudTrail trail is logging"
                + " (StopLogging or DeleteTrail may never have arrived), its EventBridge forwarding rules, and the"
                + " detector's failed-events queue.";
    }

    private static String at(Instant instant) {
        return instant == null ? "—" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
