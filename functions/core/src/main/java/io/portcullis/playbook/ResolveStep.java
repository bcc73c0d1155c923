package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.incident.AppliedFix;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.notify.SlackThread;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The resolve step: closes the incident (or leaves it with its person) and offers Undo of every fix made. */
record ResolveStep(StepContext context) {

    /** How long an Undo button stays usable. */
    static final Duration UNDO_FOR = Duration.ofHours(24);

    StepOutcome run(StepRequest request, Incident incident) {
        boolean dry = context.dryRun(request, incident);
        Instant now = context.clock.instant();
        boolean escalated = incident.status() == IncidentStatus.ESCALATED;
        // An escalated incident stays in front of its person: the playbook is done, the incident is not.
        Incident resolved = escalated
                ? context.update(incident.incidentId(), i -> i.noted(new TimelineEntry(now, request.step(), ACTOR,
                        "Playbook finished; the incident stays escalated until a person has acted.")))
                : context.update(incident.incidentId(), i -> i.next(dry ? IncidentStatus.DRY_RUN
                                : IncidentStatus.RESOLVED, new TimelineEntry(now, request.step(), ACTOR, dry
                                ? "Dry-run finished: " + wouldHave(i) : "Resolved: " + i.outcome()))
                        .withRemediation(i.revokedRules(), i.remediatedAt(), i.verifiedAt(), now));
        Optional<SlackThread> thread = request.slack();
        List<AppliedFix> undoable = resolved.undoableFixes();
        // Every fix Portcullis made can be undone, approved and scheduled ones too: an approval is not proof of no harm.
        boolean offer = !dry && !undoable.isEmpty() && thread.isPresent();
        Set<String> undoers = offer ? context.approvers().resolve(context.directory) : Set.of();
        if (offer && undoers.isEmpty()) {
            thread.ifPresent(t -> context.notifier.resolved(t, resolved, resolved.outcome()
                    + " Undo is not offered: " + context.approvers().whyNobody() + "."));
        } else if (offer) {
            // Whoever a trusted source names may not undo the fix of their own change; as before, neither may anyone
            // a session name names (Undo puts a risky change back, so refusing too many is the safe side).
            Set<String> actor = new java.util.LinkedHashSet<>(context.directory.identify(resolved.actor()).slackIds());
            actor.addAll(context.directory.slackIdsOf(resolved.actor()));
            Approval undo = new Approval(context.ids.get(), resolved.incidentId(), ApprovalStatus.PENDING, undoers,
                    actor, now.plus(UNDO_FOR), null, null, null, null, 1,
                    Approval.UNDO, null, null, Json.mapper().valueToTree(undoable).toString());
            context.approvals.create(undo);
            String done = String.join(" ", undoable.stream().map(AppliedFix::detail).toList())
                    + (escalated ? "" : " Verified by re-reading " + resolved.resource().id() + ".");
            SlackThread message = context.notifier.offerUndo(thread.get(), resolved, undo.approvalId(), done);
            context.approvals.posted(undo.postedAs(message.channel(), message.ts()));
            // Offering Undo is not an outcome: the incident's outcome stays what was done.
            String offered = "Offered Undo in Slack until " + now.plus(UNDO_FOR).truncatedTo(ChronoUnit.SECONDS) + " ("
                    + undoable.size() + (undoable.size() == 1 ? " change" : " changes") + ").";
            context.update(resolved.incidentId(), i -> i.noted(new TimelineEntry(now, "undo-offered", ACTOR, offered)));
        } else if (!escalated) {
            thread.ifPresent(t -> context.notifier.resolved(t, resolved, resolved.outcome()));
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("status", resolved.status().name());
        return new StepOutcome.Done(out);
    }

    /** What the dry-run's remediate steps said they would do. */
    private static String wouldHave(Incident incident) {
        List<String> would = incident.timeline().stream().map(TimelineEntry::detail)
                .filter(d -> d.startsWith("Dry-run: would")).toList();
        return would.isEmpty() ? "nothing would have been changed." : String.join(" ", would);
    }
}
