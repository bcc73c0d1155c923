package io.portcullis.playbook;

import io.portcullis.change.Actor;
import io.portcullis.incident.Incident;
import io.portcullis.incident.Resolution;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.notify.Notifier;
import io.portcullis.notify.SlackThread;
import io.portcullis.protocol.Response;
import io.portcullis.rule.Advice;
import io.portcullis.rule.Finding;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Tells the person who made a risky change, not only on-call, in one paragraph: what was risky (the findings'
 * explanations), what Portcullis did or will do, and how to make the change safely (the platform team's advice in
 * rules.yaml). Security is everyone's job; this is where people learn it.
 *
 * <p>The person is found in Slack with {@link Directory#slackIdsOf}. When they cannot be (an IAM user, a role session
 * not named by an e-mail, a failed lookup), on-call's message says so and carries the advice to pass on. They are told
 * once per incident: the message is claimed on the incident's timeline before it is sent, so a redelivered notify step
 * never sends it twice (a worker dying between the claim and the send loses it, which is the better failure). A
 * message Slack refuses (a deactivated account, an app not allowed to write to them) does not fail the step: it is
 * recorded, and on-call is asked in the incident's thread to tell them.
 */
final class TellTheActor {

    /** Timeline steps: the direct message claimed (and sent), refused by Slack, or nobody to send it to. */
    static final String TOLD = "actor-told";
    static final String NOT_DELIVERED = "actor-not-told";
    static final String UNKNOWN = "actor-unknown";

    /** What the person reads when the rules file has no advice for a finding (validation forbids it). */
    static final String NO_ADVICE = "Ask the platform team how to make this change safely.";

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** The worker's optimistic-lock update of the incident being notified. */
    @FunctionalInterface
    interface Timeline {
        Incident update(Function<Incident, Incident> change);
    }

    /**
     * The person who made the change, as Slack knows them.
     *
     * @param slackIds       their Slack user ids; empty when unknown
     * @param unknownBecause why they are unknown (for on-call); null when found
     */
    record Found(Set<String> slackIds, String unknownBecause) {
        boolean known() {
            return !slackIds.isEmpty();
        }
    }

    private final Notifier notifier;
    private final Directory directory;
    private final Supplier<Advice> adviceSource;
    private final Clock clock;
    private Advice advice;

    /** @param advice read on first use: a cold worker parses the rules file after containing, not before */
    TellTheActor(Notifier notifier, Directory directory, Supplier<Advice> advice, Clock clock) {
        this.notifier = notifier;
        this.directory = directory;
        this.adviceSource = advice;
        this.clock = clock;
    }

    /** Looks the person up; a failed lookup makes them unknown rather than failing the step. */
    Found find(Incident incident) {
        try {
            Set<String> ids = directory.slackIdsOf(incident.actor());
            return ids.isEmpty() ? new Found(Set.of(), "no Slack account matches it")
                    : new Found(Set.copyOf(ids), null);
        } catch (RuntimeException e) {
            return new Found(Set.of(), "looking it up in Slack failed: " + why(e));
        }
    }

    /** What on-call's message says about the person: null when they are told directly. */
    String forOnCall(Incident incident, Found found) {
        if (found.known()) {
            return null;
        }
        return "Portcullis could not tell who made this change in Slack (principal " + principal(incident) + "; "
                + found.unknownBecause() + "): tell them how to make it safely: " + advice(incident);
    }

    /**
     * Tells the person once per incident, after on-call was told in {@code thread}; records an unknown person once.
     *
     * @param undoOffered whether on-call will get an Undo for an automatic fix (the worker has approvers for it)
     */
    void tell(Incident incident, Found found, SlackThread thread, boolean dryRun, boolean undoOffered,
              Timeline timeline) {
        if (incident.timeline().stream().anyMatch(t -> t.step().equals(TOLD) || t.step().equals(UNKNOWN))) {
            return;
        }
        Instant now = clock.instant();
        if (!found.known()) {
            timeline.update(i -> has(i, UNKNOWN) ? i : i.noted(new TimelineEntry(now, UNKNOWN,
                    StepContext.ACTOR, "Portcullis could not tell who made this change in Slack (principal "
                            + principal(i) + "; " + found.unknownBecause() + "); on-call was asked to tell them how"
                            + " to make it safely.")));
            return;
        }
        String to = String.join(", ", found.slackIds().stream().sorted().toList());
        boolean[] claimed = {false};
        timeline.update(i -> {
            claimed[0] = !has(i, TOLD);
            return claimed[0] ? i.noted(new TimelineEntry(now, TOLD, StepContext.ACTOR, "Direct message to the"
                    + " person who made the change (Slack " + to + "): what was risky, what Portcullis did, and how"
                    + " to make it safely.")) : i;
        });
        if (!claimed[0]) {
            return;
        }
        String text = paragraph(incident, dryRun, undoOffered);
        for (String id : found.slackIds().stream().sorted().toList()) {
            try {
                notifier.tellActor(id, incident, text);
            } catch (RuntimeException e) {
                notDelivered(incident, id, why(e), thread, timeline);
            }
        }
    }

    /** Records a refused direct message and asks on-call to pass the advice on; neither may fail the step. */
    private void notDelivered(Incident incident, String id, String why, SlackThread thread, Timeline timeline) {
        String asked;
        try {
            notifier.reply(thread, "Portcullis could not send the person who made this change (Slack user " + id
                    + ") a direct message (" + why + "): tell them how to make it safely: " + advice(incident));
            asked = "on-call was asked in the thread to tell them";
        } catch (RuntimeException e) {
            asked = "asking on-call in the thread failed too (" + why(e) + ")";
        }
        String said = asked;
        Instant at = clock.instant();
        timeline.update(i -> i.noted(new TimelineEntry(at, NOT_DELIVERED, StepContext.ACTOR,
                "The direct message to " + id + " failed (" + why + "); " + said + ".")));
    }

    private static String why(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The direct message: what was risky, what Portcullis did or will do, how to make the change safely. */
    String paragraph(Incident incident, boolean dryRun, boolean undoOffered) {
        String resource = incident.resource() == null ? "a resource" : incident.resource().id();
        StringBuilder text = new StringBuilder("Portcullis here, about your ").append(incident.eventName())
                .append(" on ").append(resource);
        if (incident.eventTime() != null) {
            text.append(" at ").append(UTC.format(incident.eventTime()));
        }
        text.append(". What was risky: ");
        for (Finding f : incident.findings()) {
            text.append(sentence(f.explanation())).append(' ');
        }
        text.append(whatPortcullisDid(incident, resource, dryRun, undoOffered)).append(' ')
                .append("How to make this change safely: ").append(advice(incident)).append(' ')
                .append("Questions? Ask on-call about incident ").append(incident.incidentId()).append('.');
        return text.toString();
    }

    private static String whatPortcullisDid(Incident incident, String resource, boolean dryRun, boolean undoOffered) {
        if (dryRun) {
            return "Portcullis runs in dry-run mode here, so it changed nothing; on-call has been told.";
        }
        if (incident.remediatedAt() != null) {
            String what = incident.revokedRules().isEmpty() ? "reversed the risky part on " + resource
                    : "revoked " + SecurityGroupActions.describe(incident.revokedRules()) + " from " + resource;
            boolean undo = undoOffered && !incident.undoableFixes().isEmpty();
            String when = incident.resolution() == Resolution.APPROVED ? " once on-call approved it,"
                    : incident.resolution() == Resolution.TIMED_OUT ? " when nobody answered in time (as the protocol says),"
                    : incident.response() == Response.SCHEDULED ? " in the maintenance window"
                    : incident.response() == Response.AUTO ? " at once" : "";
            return "Portcullis " + what + when + " and checked that it is gone"
                    + (undo ? "; if you need it back, ask on-call, who can undo it in Slack." : ".");
        }
        if (incident.verifiedAt() != null) {
            return "It was already gone when Portcullis looked, so nothing was changed.";
        }
        return switch (incident.response() == null ? Response.APPROVAL : incident.response()) {
            case AUTO -> "Portcullis is reversing the risky part now and has told on-call.";
            case APPROVAL -> "Portcullis has changed nothing yet: on-call has been asked to approve reversing the risky"
                    + " part, and until they decide it stays as you left it.";
            case SCHEDULED -> "Portcullis has changed nothing yet: it will reverse the risky part in the next"
                    + " maintenance window, unless it is made safe before then.";
            case RECORD -> "Portcullis recorded it for the weekly security report and changed nothing.";
        };
    }

    /** The advice for each distinct rule of the incident's findings, in order. */
    String advice(Incident incident) {
        Set<String> said = new LinkedHashSet<>();
        Advice known = advice();
        for (Finding f : incident.findings()) {
            said.add(known.of(f).orElse(NO_ADVICE));
        }
        return said.isEmpty() ? NO_ADVICE : String.join(" ", said);
    }

    private synchronized Advice advice() {
        if (advice == null) {
            advice = adviceSource.get();
        }
        return advice;
    }

    private static String principal(Incident incident) {
        Actor actor = incident.actor();
        return actor == null || actor.principalArn() == null ? "unknown" : actor.principalArn();
    }

    private static boolean has(Incident incident, String step) {
        return incident.timeline().stream().anyMatch(t -> t.step().equals(step));
    }

    private static String sentence(String text) {
        String t = text == null ? "" : text.strip();
        return t.isEmpty() || t.endsWith(".") ? t : t + ".";
    }
}
