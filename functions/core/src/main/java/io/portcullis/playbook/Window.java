package io.portcullis.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A low-tide window: on these days, from {@code start} to {@code end} local time in {@code zone}. A window whose end
 * is not after its start runs past midnight (22:00–02:00 opens on the listed day and closes the next).
 */
public record Window(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {

    public Window {
        days = days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days);
    }

    static Window fromTree(JsonNode w) {
        List<DayOfWeek> days = new ArrayList<>();
        for (JsonNode d : w.path("days")) {
            days.add(day(d.asText()));
        }
        return new Window(Set.copyOf(days), LocalTime.parse(w.path("start").asText()),
                LocalTime.parse(w.path("end").asText()), ZoneId.of(w.path("timeZone").asText()));
    }

    private static DayOfWeek day(String abbreviation) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(abbreviation.toUpperCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("not a day: " + abbreviation);
    }

    /** The three-letter spellings, as in the playbook. */
    public List<String> dayKeys() {
        return days.stream().sorted().map(d -> d.name().substring(0, 3)).toList();
    }

    private Duration length() {
        Duration d = Duration.between(start, end);
        return d.isNegative() || d.isZero() ? d.plusDays(1) : d;
    }

    /**
     * When the remediation may run: {@code now} if a window is open now, else the next opening. Daylight-saving
     * gaps move the opening to the first valid local time, as {@link ZonedDateTime#of} does.
     */
    public Instant nextOpening(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        // Yesterday's window may still be open (one that runs past midnight).
        for (int offset = -1; offset <= 8; offset++) {
            LocalDate date = local.toLocalDate().plusDays(offset);
            if (!days.contains(date.getDayOfWeek())) {
                continue;
            }
            ZonedDateTime opens = ZonedDateTime.of(date, start, zone);
            Instant closes = opens.toInstant().plus(length());
            if (!now.isBefore(closes)) {
                continue;
            }
            return now.isBefore(opens.toInstant()) ? opens.toInstant() : now;
        }
        throw new IllegalStateException("no opening within a week for " + this);
    }

    /**
     * The first time the window opens at or after {@code notBefore} (a window already open then does not count: its
     * opening has passed). Daylight-saving gaps move the opening as {@link #nextOpening} does.
     */
    public Instant firstOpeningFrom(Instant notBefore) {
        LocalDate from = notBefore.atZone(zone).toLocalDate();
        for (int offset = -1; offset <= 8; offset++) {
            LocalDate date = from.plusDays(offset);
            if (days.contains(date.getDayOfWeek())) {
                Instant opens = ZonedDateTime.of(date, start, zone).toInstant();
                if (!opens.isBefore(notBefore)) {
                    return opens;
                }
            }
        }
        throw new IllegalStateException("no opening within a week for " + this);
    }

    /** "TUE, WED, THU 02:00–04:00 Europe/London" */
    public String describe() {
        return String.join(", ", dayKeys()) + " " + start + "–" + end + " " + zone.getId();
    }
}
