package io.portcullis.playbook;

import static io.portcullis.playbook.StepContext.ACTOR;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.AppliedFix;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentLifecycle;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.network.IngressRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The remediate step: applies one registered action through the resource's actions, records the fix (undoable) or
 * what it would have done, and hands to a person what no action can put right.
 */
record RemediateStep(StepContext context, OnCall onCall) {

    /** The start of the timeline entry that says a remediate step began changing the resource. */
    static final String STARTED = "Remediation started: ";

    StepOutcome run(StepRequest request, Incident incident) {
        Optional<RemediationAction> action = RemediationAction.byKey(Optional.ofNullable(request.text("action")).orElse(""));
        if (action.isEmpty()) {
            return new StepOutcome.Failed(StepOutcome.STEP_FAILED, "no action '" + request.text("action") + "' for "
                    + incident.resource().type());
        }
        if (action.get().family() != incident.findings().stream().findFirst().map(f -> f.family()).orElse(null)) {
            return new StepOutcome.Failed(StepOutcome.REFUSED, action.get().key() + " does not remediate "
                    + incident.resource().type());
        }
        Reach.Result reach = context.reach(incident);
        if (reach instanceof Reach.Outside outside) {
            return onCall.needsPerson(request, incident, capitalise(outside.why()) + ". " + whatToUndo(incident));
        }
        ResourceActions actions = StepContext.handler((Reach.Within) reach, incident);
        JsonNode snap = request.body().path("snapshot");
        boolean dry = context.dryRun(request, incident);
        // Write-ahead: the incident says a change is under way before it is made. If this attempt dies between the
        // change and the write that records it (a crash, a timeout, DynamoDB throttled past the retry budget), the
        // next attempt of the step (SQS redelivery or the state machine's retry) finds the change made, and this
        // entry tells it that the change was most likely its own, so it records it instead of reporting nothing.
        boolean resumed = startedBefore(incident, request.step());
        if (!dry && !resumed) {
            Optional<String> paused = claimBreakerSlot(incident);
            if (paused.isPresent()) {
                return onCall.needsPerson(request, incident, paused.get());
            }
            Instant started = context.clock.instant();
            // An incident already in front of a person stays there: a later step's work does not take it back.
            context.update(incident.incidentId(), i -> i.next(i.status() != IncidentStatus.ESCALATED
                    && IncidentLifecycle.allowed(i.status(), IncidentStatus.REMEDIATING) ? IncidentStatus.REMEDIATING
                            : i.status(),
                    new TimelineEntry(started, request.step(), ACTOR, STARTED + action.get().key() + " on "
                            + i.resource().id() + ".")));
        }
        ActionResult result = actions.apply(action.get(), incident,
                snap instanceof ObjectNode o ? o : Json.mapper().createObjectNode(), dry);
        Instant now = context.clock.instant();
        switch (result.kind()) {
            case REFUSED -> {
                context.record(incident.incidentId(), null, request.step(), ACTOR, "Refused: " + result.detail());
                return new StepOutcome.Failed(StepOutcome.REFUSED, result.detail());
            }
            case NEEDS_PERSON -> {
                return onCall.needsPerson(request, incident, result.detail());
            }
            case CHANGED -> {
                context.update(incident.incidentId(), i -> i.next(
                                i.status() == IncidentStatus.ESCALATED ? IncidentStatus.ESCALATED : IncidentStatus.REMEDIATING,
                                new TimelineEntry(now, request.step(), ACTOR, result.detail()))
                        .withRemediation(withRevoked(i.revokedRules(), result), now, i.verifiedAt(), i.resolvedAt())
                        .withFix(new AppliedFix(request.step(), action.get().key(), now, result.detail(), result.undo())));
                if (result.forPerson() != null) {
                    // What was put right is recorded (and undoable); the rest goes in front of a person.
                    request.slack().ifPresent(t -> context.notifier.reply(t, result.detail()));
                    return onCall.needsPerson(request, incident, result.forPerson());
                }
            }
            case WOULD_CHANGE -> context.update(incident.incidentId(), i -> i.next(IncidentStatus.DRY_RUN,
                    new TimelineEntry(now, request.step(), ACTOR, result.detail())));
            case NOTHING_TO_DO -> context.update(incident.incidentId(), i -> {
                List<IngressRule> claimed = resumed ? withRevoked(i.revokedRules(), result) : i.revokedRules();
                if (claimed.size() == i.revokedRules().size()) {
                    return i.next(i.status(), new TimelineEntry(now, request.step(), ACTOR, result.detail()));
                }
                // An earlier attempt of this step revoked these and stopped before recording it: record it now, so
                // the incident, the report and Undo know what was changed.
                List<IngressRule> theirs = claimed.subList(i.revokedRules().size(), claimed.size());
                String detail = "Revoked " + SecurityGroupActions.describe(theirs) + " from " + i.resource().id()
                        + ": an earlier attempt of this step made the change and stopped before recording it.";
                ObjectNode undo = Json.mapper().createObjectNode();
                undo.set("revoked", Json.mapper().valueToTree(theirs));
                return i.next(i.status() == IncidentStatus.ESCALATED ? IncidentStatus.ESCALATED
                                : IncidentStatus.REMEDIATING, new TimelineEntry(now, request.step(), ACTOR, detail))
                        .withRemediation(claimed, i.remediatedAt() != null ? i.remediatedAt() : now, i.verifiedAt(),
                                i.resolvedAt())
                        .withFix(new AppliedFix(request.step(), action.get().key(), now, detail, undo));
            });
        }
        request.slack().ifPresent(t -> context.notifier.reply(t, result.detail()));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("result", result.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.put("detail", result.detail());
        return new StepOutcome.Done(out);
    }

    /**
     * Every change Portcullis makes takes a slot of the account's blast-radius breaker, whatever the protocol's
     * response: automatic, approved, remediated on an approval's time-out, or queued for a low-tide window. An
     * automatic incident already took its slot when it was detected; claiming again for the same incident keeps that
     * slot. With no slot free the change is not made: the incident is paused in front of a person (empty: go ahead).
     */
    private Optional<String> claimBreakerSlot(Incident incident) {
        Optional<io.portcullis.safeguard.BlastRadiusBreaker> breaker = context.breaker();
        if (breaker.isEmpty()) {
            return Optional.empty();
        }
        String account = incident.resource().account();
        Instant now = context.clock.instant();
        if (breaker.get().admit(account, incident.incidentId(), now)
                instanceof io.portcullis.safeguard.BlastRadiusBreaker.Held held) {
            String note = breaker.get().pausedNote(held);
            if (held.tripped()) {
                onCall.page(incident, io.portcullis.safeguard.Pager.BREAKER_OPEN, note, now);
            }
            return Optional.of(note);
        }
        return Optional.empty();
    }

    /** Whether an earlier attempt of this step began changing the resource (its write-ahead entry is there). */
    private static boolean startedBefore(Incident incident, String step) {
        return incident.timeline().stream().anyMatch(t -> ACTOR.equals(t.actor()) && step.equals(t.step())
                && t.detail().startsWith(STARTED));
    }

    /** The revoked rules so far, with those the result names that are not among them yet (by rule id). */
    private static List<IngressRule> withRevoked(List<IngressRule> already, ActionResult result) {
        List<IngressRule> revoked = new ArrayList<>(already);
        if (result.undo() != null && result.undo().has("revoked")) {
            List<IngressRule> named = Json.mapper().convertValue(result.undo().path("revoked"),
                    new TypeReference<List<IngressRule>>() { });
            for (IngressRule rule : named) {
                if (revoked.stream().noneMatch(r -> java.util.Objects.equals(r.ruleId(), rule.ruleId())
                        && r.samePermissionAs(rule))) {
                    revoked.add(rule);
                }
            }
        }
        return revoked;
    }

    /** What the person should put back, from the findings, for an incident no action here can reach. */
    private static String whatToUndo(Incident incident) {
        return incident.findings().stream().map(io.portcullis.rule.Finding::explanation).distinct()
                .reduce((a, b) -> a + " " + b).orElse("Check " + incident.resource().id() + " by hand.");
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
