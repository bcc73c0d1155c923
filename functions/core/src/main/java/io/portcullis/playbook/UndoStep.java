package io.portcullis.playbook;

import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.notify.SlackThread;
import io.portcullis.safeguard.KillSwitch;
import java.util.Optional;

/** Undo, sent by the Slack interaction endpoint once a person pressed it: puts back the fixes it was offered for. */
record UndoStep(StepContext context) {

    StepOutcome run(StepRequest request, Incident incident) {
        String undoId = Optional.ofNullable(request.text("undoId")).orElse("");
        Optional<Approval> found = context.approvals.find(undoId);
        if (found.isEmpty() || !found.get().isUndo() || found.get().status() != ApprovalStatus.APPROVED
                || !found.get().incidentId().equals(incident.incidentId())) {
            return new StepOutcome.Failed(StepOutcome.REFUSED, "undo " + undoId + " is not a decided Undo of "
                    + incident.incidentId());
        }
        if (incident.timeline().stream().anyMatch(t -> t.step().equals("undone"))) {
            return new StepOutcome.Finished("already undone");
        }
        String by = found.get().decidedBy();
        // Undo changes the account too: with enforcement switched off it changes nothing, like every other step.
        KillSwitch.Position position = KillSwitch.effective(context.mode, context.killSwitch(),
                incident.resource().account());
        if (position.mode() != RemediationMode.ENFORCE) {
            String why = "Undo by " + by + " was not run: " + position.reason() + ", so Portcullis changes nothing"
                    + " in the account; nothing was undone. Put the fixes back by hand if they must go.";
            context.record(incident.incidentId(), null, "undo-refused", "slack:" + by, why);
            if (found.get().channel() != null) {
                context.notifier.reply(new SlackThread(found.get().channel(), found.get().messageTs()), why);
            }
            return new StepOutcome.Finished(why);
        }
        Reach.Result reach = context.reach(incident);
        // Undo puts back what was changed where it was changed: the incident's account and region.
        String detail = reach instanceof Reach.Within within
                ? new UndoFixes(StepContext.handler(within, incident)).run(incident,
                        StepContext.parse(found.get().payload()))
                : "nothing was undone: " + ((Reach.Outside) reach).why() + ". Put the fixes back by hand if they must"
                        + " go.";
        context.record(incident.incidentId(), null, "undone", "slack:" + by, "Undo by " + by + ": " + detail);
        if (found.get().channel() != null) {
            context.notifier.reply(new SlackThread(found.get().channel(), found.get().messageTs()), "Undo by <@" + by
                    + ">: " + detail);
        }
        return new StepOutcome.Finished(detail);
    }
}
