package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.json.Json;
import io.portcullis.notify.SlackThread;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The steps that wait before a fix: the approval gate (asks on-call in Slack), the low-tide window, and a scheduled
 * fix's approval gate that stays open until its window opens.
 */
record ApprovalSteps(StepContext context) {

    StepOutcome approve(StepRequest request, Incident incident) {
        Directory directory = context.directory;
        // Executions compiled before approvers were the deployment's alone may still name some in the message.
        Set<String> approvers = new LinkedHashSet<>(request.strings("approvers"));
        String group = request.text("approverGroup");
        if (group != null) {
            approvers.addAll(directory.members(group));
        }
        approvers.addAll(context.approvers().resolve(directory));
        // The actor stays on the list, marked: the interaction endpoint refuses them by name. Only sources the caller
        // cannot choose say who the actor is; when none does, two approvers must agree instead (never a failed step).
        io.portcullis.approval.ActorIdentity identity = directory.identify(incident.actor());
        Set<String> actor = identity.slackIds();
        if (approvers.stream().allMatch(actor::contains)) {
            // A gate nobody can answer fails loudly (MarkFailed alerts on-call) instead of waiting for its time-out.
            return new StepOutcome.Failed(StepOutcome.STEP_FAILED, "Nobody can approve incident "
                    + incident.incidentId() + ": " + context.approvers().whyNobody() + ".");
        }
        long seconds = request.body().path("timeoutSeconds").asLong(PlaybookInput.DEFAULT_APPROVAL.toSeconds());
        String onTimeout = Optional.ofNullable(request.text("onTimeout")).orElse("escalate");
        Instant now = context.clock.instant();
        Instant expires = now.plusSeconds(seconds);
        int needed = identity.approversNeeded();
        Approval approval = new Approval(context.ids.get(), incident.incidentId(), ApprovalStatus.PENDING, approvers,
                actor, expires, request.taskToken(), null, null, null, 1).withNeeded(needed, identity.how());
        context.approvals.create(approval);
        long eligible = approvers.stream().filter(a -> !actor.contains(a)).count();
        String fourEyes = needed == 1 ? "" : " Two approvers must agree: " + identity.how() + "."
                + (eligible < needed ? " Only " + eligible + " approver is configured, so the gate can only time out;"
                        + " " + Approvers.HOW_TO_CONFIGURE + "." : "");
        context.record(incident.incidentId(), IncidentStatus.AWAITING_APPROVAL, request.step(), ACTOR,
                "Asked on-call to approve (" + String.join(", ", approvers) + ") by " + expires
                        + "; on timeout: " + onTimeout + "." + fourEyes);
        SlackThread thread = request.slack().orElseGet(() -> context.notifier.announce(incident,
                NotifyStep.next(context.dryRun(request, incident), incident)));
        SlackThread buttons = context.notifier.askApproval(thread, incident, approval.approvalId(), approvers, expires,
                onTimeout);
        context.approvals.posted(approval.postedAs(buttons.channel(), buttons.ts()));
        if (needed > 1) {
            context.notifier.reply(buttons, "This change needs two approvers, neither of them the person who made"
                    + " it: " + identity.how() + "." + (eligible < needed ? " Only " + eligible + " approver is"
                    + " configured, so nobody can complete this approval before it times out." : ""));
        }
        return new StepOutcome.Pending(approval.approvalId());
    }

    StepOutcome window(StepRequest request, Incident incident) {
        Window window = Window.fromTree(request.body().path("window"));
        Instant now = context.clock.instant();
        Instant opens = window.nextOpening(now);
        // Rounded up: the remediation must not run before the window opens.
        long seconds = Math.max(0, (Duration.between(now, opens).toMillis() + 999) / 1000);
        String text = seconds == 0 ? "The low-tide window " + window.describe() + " is open: remediating now."
                : "Scheduled for the low-tide window " + window.describe() + ": remediation at "
                        + opens.truncatedTo(ChronoUnit.SECONDS) + " (in " + Duration.ofSeconds(seconds) + ").";
        context.record(incident.incidentId(), seconds == 0 ? null : IncidentStatus.SCHEDULED, request.step(), ACTOR,
                text);
        request.slack().ifPresent(t -> context.notifier.reply(t, text));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("seconds", seconds);
        out.put("opensAt", opens.truncatedTo(ChronoUnit.SECONDS).toString());
        return new StepOutcome.Done(out);
    }

    /**
     * A scheduled fix's approval gate: asked now, open until the low-tide window opens, at least the protocol row's
     * notice from now (a window opening sooner is skipped), unless the row approved the fix in advance. Answers the
     * gate's terms ({@code $.approval}) with {@code timeoutSeconds} until that opening.
     */
    StepOutcome approvalWindow(StepRequest request, Incident incident) {
        JsonNode terms = request.body().path("approval");
        ObjectNode out = terms instanceof ObjectNode o ? o.deepCopy() : Json.mapper().createObjectNode();
        String onTimeout = terms.path("onTimeout").asText("escalate");
        out.put("onTimeout", onTimeout);
        Window window = Window.fromTree(request.body().path("window"));
        String row = incident.decision() == null ? "" : " (row " + incident.decision().row() + ", '"
                + incident.decision().rowName() + "')";
        if (terms.path("inAdvance").asBoolean(false)) {
            out.put("inAdvance", true);
            context.record(incident.incidentId(), null, request.step(), ACTOR, "Approved in advance by the protocol"
                    + row + ": nobody is asked; the fix runs when the low-tide window " + window.describe()
                    + " opens.");
            return new StepOutcome.Done(out);
        }
        Instant now = context.clock.instant();
        Duration notice = Duration.ofSeconds(Math.max(1, terms.path("noticeSeconds")
                .asLong(io.portcullis.protocol.ProtocolRow.DEFAULT_NOTICE.toSeconds())));
        Instant opens = window.firstOpeningFrom(now.plus(notice));
        // Rounded up: the gate must not close before the window opens.
        long seconds = Math.max(1, (Duration.between(now, opens).toMillis() + 999) / 1000);
        out.put("inAdvance", false);
        out.put("timeoutSeconds", seconds);
        out.put("opensAt", opens.truncatedTo(ChronoUnit.SECONDS).toString());
        String text = "Scheduled for the low-tide window " + window.describe() + ", with on-call's approval" + row
                + ": asked now, open until the window opens at " + opens.truncatedTo(ChronoUnit.SECONDS)
                + ". Approved, the fix runs in the first window after the approval; if nobody has decided by then: "
                + onTimeout + ".";
        context.record(incident.incidentId(), null, request.step(), ACTOR, text);
        request.slack().ifPresent(t -> context.notifier.reply(t, text));
        return new StepOutcome.Done(out);
    }
}
