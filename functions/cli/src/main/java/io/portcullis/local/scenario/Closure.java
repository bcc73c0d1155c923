package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.Resolution;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import java.util.List;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The closure rule (SPEC "Closure"), applied to one replayed sample: every finding ends fixed and verified by
 * re-reading the resource; or in front of a person who can act (a Slack message, and a page for P1/P2); or recorded
 * (P4). "No action for this" is never an end, and FAILED is never one in the emulator, where AWS does not fail. The
 * demo's exit code and the closure test both come from here.
 */
public final class Closure {

    /**
     * @param met     whether the incident reached what the protocol promises for this run
     * @param outcome where it ended, in a word or two: {@code resolved}, {@code escalated}, {@code recorded},
     *                {@code awaiting approval}, {@code rejected}, {@code dry-run}, {@code FAILED}, {@code nobody told},
     *                {@code no incident}, …
     * @param why     one or two sentences a person can act on
     */
    public record Verdict(boolean met, String outcome, String why) {
    }

    /**
     * What the run asked for.
     *
     * @param decision how approval gates were answered
     * @param dryRun   whether the deployment was in dry-run mode
     */
    public record Expectation(ScenarioRun.Decision decision, boolean dryRun) {
    }

    private Closure() {
    }

    public static Verdict judge(RunOutcome o, Expectation e) {
        Incident i = o.incident();
        if (i == null) {
            JsonNode d = o.detector();
            return new Verdict(false, "no incident", "The detector opened no incident: " + d.path("outcome").asText("?")
                    + (d.has("reason") ? " (" + d.path("reason").asText() + ")" : "") + ".");
        }
        String where = i.incidentId() + " (" + i.priority() + ", " + i.response().label() + ")";
        if (i.status() == IncidentStatus.FAILED) {
            return new Verdict(false, "FAILED", "Incident " + where + " FAILED: " + lastDetail(i) + " FAILED is allowed"
                    + " only for a real failure of AWS, never for \"no action for this\"" + (o.pages().isEmpty()
                    ? "; and nobody was paged." : "."));
        }
        if (i.response() == Response.RECORD) {
            boolean recorded = i.priority() == Priority.P4 && i.resolution() == Resolution.RECORDED;
            return new Verdict(recorded, recorded ? "recorded" : "not recorded", recorded
                    ? "Recorded for the weekly report (P4); nothing was changed."
                    : "Incident " + where + " is record-only but " + i.status() + " with resolution " + i.resolution()
                            + "; only P4 may end recorded.");
        }
        if (o.execution() == null) {
            return new Verdict(false, "nobody told", "Incident " + where + " is " + i.status() + " and no playbook"
                    + " started, so no person was told and nothing was fixed: " + i.outcome());
        }
        if (o.slack().isEmpty()) {
            return new Verdict(false, "nobody told", "Incident " + where + " ended " + i.status()
                    + " without a single Slack message about it.");
        }
        return switch (i.status()) {
            case AWAITING_APPROVAL -> awaiting(o, e, where);
            case REJECTED -> e.decision() == ScenarioRun.Decision.REJECT && o.end().equals(o.after())
                    ? new Verdict(true, "rejected", "Rejected in Slack: recorded as an accepted risk with an expiry;"
                            + " the resource is as the change left it.")
                    : new Verdict(false, "rejected", e.decision() != ScenarioRun.Decision.REJECT
                            ? "Incident " + where + " was REJECTED though nobody was asked to reject it."
                            : "Rejected, but the resource changed anyway: " + o.after() + " became " + o.end() + ".");
            case ESCALATED -> escalated(o, i, where);
            case DRY_RUN -> e.dryRun() && o.end().equals(o.after())
                    ? new Verdict(true, "dry-run", "Dry-run: decided and recorded, nothing changed.")
                    : new Verdict(false, "dry-run", e.dryRun() ? "Dry-run, but the resource changed: " + o.after()
                            + " became " + o.end() + "." : "Incident " + where + " ended DRY_RUN in an enforcing run.");
            case RESOLVED -> resolved(o, e, i, where);
            default -> new Verdict(false, i.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                    "Incident " + where + " ended " + i.status() + " with its execution " + status(o) + ": "
                            + lastDetail(i) + " A finding must end fixed, in front of a person, or recorded (P4).");
        };
    }

    private static Verdict awaiting(RunOutcome o, Expectation e, String where) {
        boolean posted = o.slack().stream().anyMatch(m -> m.kind().equals("approval"));
        if (e.decision() == ScenarioRun.Decision.NONE && posted) {
            return new Verdict(true, "awaiting approval", "Waiting at the approval gate: Approve / Reject posted to "
                    + o.slack().stream().filter(m -> m.kind().equals("approval")).findFirst().orElseThrow().channel()
                    + "; answer with --approve or --reject.");
        }
        return new Verdict(false, "awaiting approval", !posted
                ? "Incident " + where + " waits for approval but no Approve / Reject message was posted."
                : "Incident " + where + " still waits for approval after the clicks " + o.clicks() + ".");
    }

    private static Verdict escalated(RunOutcome o, Incident i, String where) {
        boolean told = o.slack().stream().anyMatch(m -> m.kind().equals("alert"));
        boolean pageNeeded = i.priority() == Priority.P1 || i.priority() == Priority.P2;
        boolean paged = !o.pages().isEmpty();
        if (told && (paged || !pageNeeded)) {
            return new Verdict(true, "escalated", "In front of a person: " + lastDetail(i)
                    + (paged ? " On-call was paged." : ""));
        }
        return new Verdict(false, "escalated", "Incident " + where + " was ESCALATED but "
                + (!told ? "no Slack alert says what happened and what to do" : "")
                + (!told && pageNeeded && !paged ? ", and " : "")
                + (pageNeeded && !paged ? "the alert queue holds no page for it" : "") + ".");
    }

    private static Verdict resolved(RunOutcome o, Expectation e, Incident i, String where) {
        if (e.decision() == ScenarioRun.Decision.REJECT) {
            return new Verdict(false, "resolved", "--reject was given, but incident " + where + " was fixed.");
        }
        if (e.dryRun()) {
            return new Verdict(false, "resolved", "Dry-run, but incident " + where + " was resolved.");
        }
        if (o.execution().status() != ExecutionStatus.SUCCEEDED || i.verifiedAt() == null) {
            return new Verdict(false, "resolved", "Incident " + where + " is RESOLVED but its execution is " + status(o)
                    + (i.verifiedAt() == null ? " and the fix was never verified by re-reading the resource." : "."));
        }
        if (!o.end().equals(o.fixed())) {
            return new Verdict(false, "resolved, not fixed", "Incident " + where + " is RESOLVED, but the resource reads "
                    + o.end() + " where the fix should leave " + o.fixed() + " (the offending part gone, everything"
                    + " else as before the change).");
        }
        if (!o.undoWanted()) {
            return new Verdict(true, "resolved", "Fixed, verified by re-reading the resource: " + i.outcome());
        }
        if (!o.undoOffered()) {
            return new Verdict(false, "resolved, no Undo", "Incident " + where + " was fixed"
                    + (i.response() == Response.AUTO ? " automatically" : "") + " but no Undo was offered in Slack.");
        }
        int status = o.clicks().stream().filter(c -> c.button().equals("undo")).mapToInt(RunOutcome.Click::status)
                .findFirst().orElse(0);
        if (status != 200 || o.afterUndo() == null || !o.afterUndo().equals(o.after())) {
            return new Verdict(false, "resolved, Undo failed", "Undo was clicked (answer " + status + ") but the"
                    + " resource reads " + o.afterUndo() + " instead of " + o.after() + " (as the fix's snapshot).");
        }
        return new Verdict(true, "resolved, undone", "Fixed and verified; Undo put the resource back as the fix's"
                + " snapshot had it.");
    }

    private static String status(RunOutcome o) {
        return o.execution().status() == null ? "missing" : o.execution().status().toString();
    }

    private static String lastDetail(Incident i) {
        List<TimelineEntry> t = i.timeline();
        return t.isEmpty() ? String.valueOf(i.outcome()) : t.get(t.size() - 1).detail();
    }
}
