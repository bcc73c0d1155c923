package io.portcullis.incident;

import java.time.Instant;

/**
 * One step in an incident's history.
 *
 * @param at     when
 * @param step   which step, e.g. {@code detected}, {@code remediated}, {@code verified}
 * @param actor  who acted: {@code portcullis-detector}, {@code portcullis-remediator}, or a person
 * @param detail what happened, in a sentence
 */
public record TimelineEntry(Instant at, String step, String actor, String detail) {
}
