package io.portcullis.incident;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ISO-8601 weeks ({@code 2026-W47}): Monday to Sunday, week 1 holding the year's first Thursday. */
public final class IsoWeek {

    private static final Pattern FORMAT = Pattern.compile("(\\d{4})-W(\\d{2})");

    private IsoWeek() {
    }

    /** The UTC week of an instant. */
    public static String of(Instant at) {
        return at == null ? null : of(at.atZone(ZoneOffset.UTC).toLocalDate());
    }

    public static String of(LocalDate day) {
        return String.format(Locale.ROOT, "%04d-W%02d", day.get(IsoFields.WEEK_BASED_YEAR),
                day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /** The Monday of a week, or an error naming the value and the expected form. */
    public static LocalDate monday(String week) {
        Matcher m = FORMAT.matcher(week == null ? "" : week.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("week '" + week + "' is not an ISO week like 2026-W47");
        }
        int year = Integer.parseInt(m.group(1));
        int number = Integer.parseInt(m.group(2));
        LocalDate mid = LocalDate.of(year, 7, 1);
        long weeks = mid.range(IsoFields.WEEK_OF_WEEK_BASED_YEAR).getMaximum();
        if (number < 1 || number > weeks) {
            throw new IllegalArgumentException("week '" + week + "': " + year + " has weeks 1 to " + weeks);
        }
        try {
            return mid.with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, number).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("week '" + week + "': " + e.getMessage(), e);
        }
    }

    /** The week {@code n} weeks before (negative: after). */
    public static String minus(String week, int n) {
        return of(monday(week).minusWeeks(n));
    }

    /** The week before the one holding {@code at} in {@code zone}: what a Monday-morning report covers. */
    public static String previous(Instant at, ZoneId zone) {
        return of(at.atZone(zone).toLocalDate().minusWeeks(1));
    }
}
