package io.portcullis.playbook;

import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.incident.Incident;
import io.portcullis.notify.SlackThread;
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
        String detail = new UndoFixes(context.actions).run(incident, StepContext.parse(found.get().payload()));
        context.record(incident.incidentId(), null, "undone", "slack:" + by, "Undo by " + by + ": " + detail);
        if (found.get().channel() != null) {
            context.notifier.reply(new SlackThread(found.get().channel(), found.get().messageTs()), "Undo by <@" + by
                    + ">: " + detail);
        }
        return new StepOutcome.Finished(detail);
    }
}
