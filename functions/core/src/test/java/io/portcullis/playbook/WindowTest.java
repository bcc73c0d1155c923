package io.portcullis.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WindowTest {

    static final Window LONDON_NIGHTS = new Window(Set.of(DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY),
            LocalTime.of(2, 0), LocalTime.of(4, 0), ZoneId.of("Europe/London"));
    static final Window WEEKEND_OVERNIGHT = new Window(Set.of(DayOfWeek.SATURDAY), LocalTime.of(22, 0),
            LocalTime.of(2, 0), ZoneId.of("America/New_York"));

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @CsvSource(textBlock = """
            Monday afternoon waits for Tuesday 02:00,         2026-11-30T15:00:00Z, 2026-12-01T02:00:00Z
            just before the window,                           2026-12-01T01:59:59Z, 2026-12-01T02:00:00Z
            inside the window is now,                         2026-12-01T03:30:00Z, 2026-12-01T03:30:00Z
            at the closing minute waits for the next night,   2026-12-01T04:00:00Z, 2026-12-02T02:00:00Z
            Thursday after closing waits for next Tuesday,    2026-12-03T05:00:00Z, 2026-12-08T02:00:00Z
            summer time is one hour ahead of UTC,             2026-06-29T12:00:00Z, 2026-06-30T01:00:00Z
            """)
    void theNextOpeningOfANightlyWindow(String what, Instant now, Instant opens) {
        assertThat(LONDON_NIGHTS.nextOpening(now)).as(what).isEqualTo(opens);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            Saturday evening before 22:00 New York,           2026-12-05T20:00:00Z, 2026-12-06T03:00:00Z
            Sunday 01:00 New York is still Saturday's window, 2026-12-06T06:00:00Z, 2026-12-06T06:00:00Z
            Sunday 02:00 New York has closed,                 2026-12-06T07:00:00Z, 2026-12-13T03:00:00Z
            """)
    void aWindowPastMidnightBelongsToTheDayItOpens(String what, Instant now, Instant opens) {
        assertThat(WEEKEND_OVERNIGHT.nextOpening(now)).as(what).isEqualTo(opens);
    }

    /** A scheduled fix's approval closes at an opening, never inside a window already open. */
    @ParameterizedTest(name = "{0}: {1} → {2}")
    @CsvSource(textBlock = """
            Monday afternoon: Tuesday 02:00,                  2026-11-30T15:00:00Z, 2026-12-01T02:00:00Z
            exactly at an opening is that opening,            2026-12-01T02:00:00Z, 2026-12-01T02:00:00Z
            inside the window: the next night's opening,      2026-12-01T02:00:01Z, 2026-12-02T02:00:00Z
            Thursday inside the window: next Tuesday,         2026-12-03T03:00:00Z, 2026-12-08T02:00:00Z
            summer time is one hour ahead of UTC,             2026-06-29T12:00:00Z, 2026-06-30T01:00:00Z
            """)
    void theFirstOpeningFromAMoment(String what, Instant from, Instant opens) {
        assertThat(LONDON_NIGHTS.firstOpeningFrom(from)).as(what).isEqualTo(opens);
    }
}
