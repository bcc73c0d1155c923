package io.portcullis.safeguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.InMemorySafeguards;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WatchFeedsTest {

    static final Instant T0 = Instant.parse("2026-11-25T03:00:00Z");
    static final Duration WINDOW = Duration.ofHours(6);

    final InMemorySafeguards store = new InMemorySafeguards();
    final List<Pager.Page> pages = new ArrayList<>();

    WatchFeeds.Result checkAt(Instant at, Set<String> declared) {
        return new WatchFeeds(store, pages::add, WINDOW, declared, Clock.fixed(at, ZoneId.of("UTC"))).run();
    }

    WatchFeeds.Result checkAt(Instant at) {
        return checkAt(at, Set.of());
    }

    @Test
    void anAccountQuietForLessThanTheWindowIsNotSilent() {
        store.seen("111111111111", T0);

        WatchFeeds.Result result = checkAt(T0.plus(WINDOW));

        assertThat(result.silent()).isEmpty();
        assertThat(pages).isEmpty();
    }

    @Test
    void anAccountQuietForLongerPagesOnceAndAgainWhenItsEventsResume() {
        store.seen("111111111111", T0);

        WatchFeeds.Result first = checkAt(T0.plus(WINDOW).plusSeconds(1));
        WatchFeeds.Result second = checkAt(T0.plus(WINDOW).plusSeconds(301));

        assertThat(first.silent()).containsExactly("111111111111");
        assertThat(first.paged()).containsExactly("111111111111");
        assertThat(second.silent()).containsExactly("111111111111");
        assertThat(second.paged()).isEmpty();
        assertThat(pages).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Pager.SILENT_FEED);
            assertThat(p.account()).isEqualTo("111111111111");
            assertThat(p.text()).contains("No event from account 111111111111").contains("6 h")
                    .contains("the last arrived at 2026-11-25T03:00:00Z").contains("trail is logging");
        });

        Instant back = T0.plus(Duration.ofHours(8));
        store.seen("111111111111", back);
        WatchFeeds.Result third = checkAt(back.plusSeconds(60));

        assertThat(third.resumed()).containsExactly("111111111111");
        assertThat(pages).hasSize(2);
        assertThat(pages.get(1).kind()).isEqualTo(Pager.FEED_RESUMED);
        assertThat(pages.get(1).text()).contains("arriving again");

        // Silent again later: a new silence, a new page.
        checkAt(back.plus(WINDOW).plusSeconds(1));
        assertThat(pages).hasSize(3);
        assertThat(pages.get(2).kind()).isEqualTo(Pager.SILENT_FEED);
    }

    @Test
    void aDeclaredAccountThatNeverSentAnEventIsWatchedFromTheFirstCheck() {
        checkAt(T0, Set.of("333333333333"));
        assertThat(pages).isEmpty();

        WatchFeeds.Result later = checkAt(T0.plus(WINDOW).plusSeconds(1), Set.of("333333333333"));

        assertThat(later.paged()).containsExactly("333333333333");
        assertThat(pages.get(0).text()).contains("none arrived since watching began at 2026-11-25T03:00:00Z");
    }

    @Test
    void aPageThatCouldNotGoOutIsTriedAgainByTheNextCheck() {
        store.seen("111111111111", T0);
        Instant late = T0.plus(WINDOW).plusSeconds(1);

        assertThatThrownBy(() -> new WatchFeeds(store, p -> {
            throw new IllegalStateException("Slack and SQS are down");
        }, WINDOW, Set.of(), Clock.fixed(late, ZoneId.of("UTC"))).run())
                .hasMessageContaining("could not page on-call").hasMessageContaining("next check tries again");

        assertThat(checkAt(late.plusSeconds(300)).paged()).containsExactly("111111111111");
    }
}
