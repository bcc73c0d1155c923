package io.portcullis.playbook;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.approval.ApprovalStore;
import io.portcullis.incident.AppliedFix;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentLifecycle;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IncidentStore;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.Resolution;
import java.time.LocalDate;
import java.time.ZoneOffset;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.network.IngressRule;
import io.portcullis.notify.Notifier;
import io.portcullis.notify.SlackThread;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The playbook worker's use case: run one step a playbook execution sent over the step queue, record it in the
 * incident's timeline, tell Slack, and say how it ended. Also runs Undo, sent by the Slack interaction endpoint.
 *
 * <p>Errors from AWS or Slack propagate: the Lambda handler reports retryable ones as {@code Portcullis.Transient}
 * (the state machine retries with backoff) and the rest as failures (caught: the incident is marked FAILED).
 */
public final class PlaybookWorker {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlaybookWorker.class);

    public static final String ACTOR = "portcullis-playbook";
    /** How long an Undo button stays usable. */
    public static final Duration UNDO_FOR = Duration.ofHours(24);
    /** How long a rejection's exception lasts. */
    public static final Duration EXCEPTION_FOR = Duration.ofDays(30);

    private final IncidentStore incidents;
    private final ApprovalStore approvals;
    private final Notifier notifier;
    private final Directory directory;
    private final List<ResourceActions> actions;
    private final Clock clock;
    private final RemediationMode mode;
    private final Set<String> defaultApprovers;
    private final Supplier<String> ids;
    private final TellTheActor tellTheActor;
    private io.portcullis.safeguard.KillSwitch killSwitch = io.portcullis.safeguard.KillSwitch.NONE;
    private io.portcullis.safeguard.Pager pager = io.portcullis.safeguard.Pager.NONE;
    private Jurisdiction jurisdiction = Jurisdiction.ANYWHERE;
    private String approverGroup;

    /**
     * @param defaultApprovers Slack user ids who may approve any gate and use Undo (and the group's members, see
     *                         {@link #withApproverGroup})
     * @param ids              makes opaque, unguessable approval ids
     */
    public PlaybookWorker(IncidentStore incidents, ApprovalStore approvals, Notifier notifier, Directory directory,
                          SecurityGroupActions securityGroups, List<ResourceActions> otherActions, Clock clock,
                          RemediationMode mode, Set<String> defaultApprovers, Supplier<String> ids) {
        this.incidents = incidents;
        this.approvals = approvals;
        this.notifier = notifier;
        this.directory = directory;
        List<ResourceActions> all = new ArrayList<>();
        all.add(securityGroups);
        all.addAll(otherActions);
        // Last: whatever no action handles goes to a person, never to "no action for this".
        all.add(new PersonOnlyActions());
        this.actions = List.copyOf(all);
        this.clock = clock;
        this.mode = mode;
        this.defaultApprovers = Set.copyOf(defaultApprovers);
        this.ids = ids;
        this.tellTheActor = new TellTheActor(notifier, directory, io.portcullis.rule.Advice::defaults, clock);
    }

    /** The deployment's Slack user group whose members may approve any gate and use Undo, besides the users. */
    public PlaybookWorker withApproverGroup(String group) {
        this.approverGroup = group;
        return this;
    }

    /** Who may approve any gate and use Undo, as the deployment configured it. */
    public Approvers approvers() {
        return new Approvers(defaultApprovers, approverGroup);
    }

    /** The operator's kill switch, read before every playbook step (the remediator function sets it). */
    public PlaybookWorker withKillSwitch(io.portcullis.safeguard.KillSwitch killSwitch) {
        this.killSwitch = killSwitch;
        return this;
    }

    /**
     * Where pages go (the alert queue, in AWS): an incident escalated to a person, a failed playbook. Slack is told
     * besides, in the incident's thread.
     */
    public PlaybookWorker withPager(io.portcullis.safeguard.Pager pager) {
        this.pager = pager;
        return this;
    }

    /** The account and region this worker may act in (its role's scope); incidents elsewhere go to a person. */
    public PlaybookWorker withJurisdiction(Jurisdiction jurisdiction) {
        this.jurisdiction = jurisdiction;
        return this;
    }

    public StepOutcome run(StepRequest request) {
        Optional<Incident> found = incidents.find(request.incidentId());
        if (found.isEmpty()) {
            return new StepOutcome.Failed(StepOutcome.STEP_FAILED, "no incident " + request.incidentId());
        }
        Incident incident = recordDecision(request, found.get());
        incident = obeyKillSwitch(request, incident);
        return switch (request.type()) {
            case PlaybookStep.SNAPSHOT -> snapshot(request, incident);
            case PlaybookStep.NOTIFY -> notify(request, incident);
            case PlaybookStep.APPROVE -> approve(request, incident);
            case PlaybookStep.WAIT_FOR_WINDOW -> window(request, incident);
            case PlaybookCompiler.APPROVAL_WINDOW -> approvalWindow(request, incident);
            case PlaybookStep.REMEDIATE -> remediate(request, incident);
            case PlaybookStep.VERIFY -> verify(request, incident);
            case PlaybookStep.RESOLVE -> resolve(request, incident);
            case "rejected" -> rejected(request, incident);
            case "approval-timed-out" -> timedOut(request, incident);
            case "escalate" -> escalate(request, incident);
            case "abort" -> abort(request, incident);
            case "fail" -> fail(request, incident);
            case "undo" -> undo(request, incident);
            case StepRequest.PAGE -> page(request, incident);
            default -> new StepOutcome.Failed(StepOutcome.STEP_FAILED, "unknown step type '" + request.type() + "'");
        };
    }

    /**
     * The first step after an approval records who approved and when (the interaction endpoint only writes the
     * approval; the execution carries the decision on).
     */
    private Incident recordDecision(StepRequest request, Incident incident) {
        JsonNode decision = request.body().path("decision");
        if (!"approved".equals(decision.path("decision").asText())
                || incident.timeline().stream().anyMatch(t -> t.step().equals("approved"))) {
            return incident;
        }
        String by = decision.path("by").asText("on-call");
        Instant at = decision.path("at").isTextual() ? Instant.parse(decision.path("at").asText()) : clock.instant();
        return update(incident.incidentId(), i -> i.next(IncidentStatus.OPEN, new TimelineEntry(at, "approved",
                "slack:" + by, "Approved in Slack by " + by + " at " + at.truncatedTo(ChronoUnit.SECONDS) + "."))
                .decided(Resolution.APPROVED, at));
    }

    /**
     * With the kill switch at dry-run (or unreadable), an incident whose playbook has changed nothing yet turns
     * dry-run for good: every later step reads the incident's mode, so remediate, verify and resolve agree. One that
     * already changed the resource finishes what it started. Undo is a person's decision and is not held back.
     */
    private Incident obeyKillSwitch(StepRequest request, Incident incident) {
        if ("undo".equals(request.type()) || StepRequest.PAGE.equals(request.type())) {
            return incident;
        }
        // Read at every step, even of a dry-run incident: an unreadable switch raises the alarm from here too.
        io.portcullis.safeguard.KillSwitch.Position position = killSwitch.position();
        if (position.mode() != RemediationMode.DRY_RUN || incident.mode() == RemediationMode.DRY_RUN
                || mode == RemediationMode.DRY_RUN || incident.remediatedAt() != null || incident.status().isFinal()) {
            return incident;
        }
        Instant now = clock.instant();
        return update(incident.incidentId(), i -> i.mode() == RemediationMode.DRY_RUN || i.remediatedAt() != null ? i
                : i.withMode(RemediationMode.DRY_RUN).next(i.status(), new TimelineEntry(now, "kill-switch", ACTOR,
                        "Dry-run from here on: " + position.reason() + ". Nothing will be changed.")));
    }

    /** A page the detector raised about this incident (the blast-radius breaker opened), posted to on-call once. */
    private StepOutcome page(StepRequest request, Incident incident) {
        String kind = Optional.ofNullable(request.text("kind")).orElse(StepRequest.PAGE);
        String text = Optional.ofNullable(request.text("text")).orElse("");
        if (incident.timeline().stream().anyMatch(t -> t.step().equals("paged") && t.detail().startsWith(kind + ":"))) {
            return new StepOutcome.Finished("on-call was already paged (" + kind + ")");
        }
        notifier.alert(null, incident, text);
        record(incident.incidentId(), null, "paged", ACTOR, kind + ": " + text);
        return new StepOutcome.Finished("paged on-call (" + kind + ")");
    }

    private boolean dryRun(StepRequest request, Incident incident) {
        return request.dryRun() || mode == RemediationMode.DRY_RUN || incident.mode() == RemediationMode.DRY_RUN;
    }

    private Optional<ResourceActions> actionsFor(Incident incident) {
        return actions.stream().filter(a -> a.handles(incident)).findFirst();
    }

    private StepOutcome snapshot(StepRequest request, Incident incident) {
        if (!jurisdiction.covers(incident.resource())) {
            // Nothing to read: this worker's role has no access there. The remediate steps hand it to a person.
            record(incident.incidentId(), null, request.step(), ACTOR, "No before-state recorded: "
                    + jurisdiction.outside(incident.resource()) + ".");
            return new StepOutcome.Done(Json.mapper().createObjectNode().put("outOfReach", true));
        }
        Optional<ResourceActions> a = actionsFor(incident);
        if (a.isEmpty()) {
            return new StepOutcome.Failed(StepOutcome.STEP_FAILED, "no remediation actions for "
                    + incident.resource().type());
        }
        ObjectNode before = a.get().snapshot(incident);
        record(incident.incidentId(), null, request.step(), ACTOR,
                "Recorded the before-state of " + incident.resource().id() + ".");
        return new StepOutcome.Done(before);
    }

    private StepOutcome notify(StepRequest request, Incident incident) {
        TellTheActor.Found actor = tellTheActor.find(incident);
        SlackThread thread = notifier.announce(incident, next(request, incident), tellTheActor.forOnCall(incident, actor));
        Instant now = clock.instant();
        // Telling on-call is not an outcome: the incident's outcome stays what was found or done.
        Incident told = update(incident.incidentId(), i -> i.noted(new TimelineEntry(now, request.step(), ACTOR,
                "Told on-call in Slack (" + thread.channel() + ").")).acknowledged(now));
        // The person who made the change hears it after on-call, from the same step (once per incident).
        tellTheActor.tell(told, actor, thread, dryRun(request, incident), approvers().configured(),
                change -> update(incident.incidentId(), change));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("channel", thread.channel());
        out.put("ts", thread.ts());
        return new StepOutcome.Done(out);
    }

    /** What will happen and when, for the first message. */
    private String next(StepRequest request, Incident incident) {
        String target = incident.resource().id();
        String dry = dryRun(request, incident) ? " Dry-run mode: nothing will be changed, only reported." : "";
        if (incident.status() == IncidentStatus.ESCALATED) {
            return "Portcullis could not put " + target + " right by itself and paged on-call: " + incident.outcome()
                    + (incident.remediatedAt() != null ? " What it could undo, it undid and verified; Undo below." : "");
        }
        return switch (incident.response()) {
            case AUTO -> (incident.remediatedAt() != null
                    ? "Portcullis removed the offending change on " + target + " and verified it is gone; Undo below."
                    : incident.verifiedAt() != null
                    // Events arrive out of order: someone had already taken the change back when the playbook ran.
                    ? "The offending change on " + target + " was already gone when Portcullis looked; nothing was"
                            + " changed."
                    : "Portcullis is removing the offending change on " + target + " now; Undo will be offered here.")
                    + dry;
            case APPROVAL -> "Waiting for on-call's approval before changing " + target + "." + dry;
            case SCHEDULED -> "The fix for " + target + " is scheduled for the next low-tide window." + dry;
            case RECORD -> "Recorded for the weekly report; nothing will be changed.";
        };
    }

    private StepOutcome approve(StepRequest request, Incident incident) {
        // Executions compiled before approvers were the deployment's alone may still name some in the message.
        Set<String> approvers = new LinkedHashSet<>(request.strings("approvers"));
        String group = request.text("approverGroup");
        if (group != null) {
            approvers.addAll(directory.members(group));
        }
        approvers.addAll(approvers().resolve(directory));
        // The actor stays on the list, marked: the interaction endpoint refuses them by name.
        Set<String> actor = directory.slackIdsOf(incident.actor());
        if (approvers.stream().allMatch(actor::contains)) {
            // A gate nobody can answer fails loudly (MarkFailed alerts on-call) instead of waiting for its time-out.
            return new StepOutcome.Failed(StepOutcome.STEP_FAILED, "Nobody can approve incident "
                    + incident.incidentId() + ": " + approvers().whyNobody() + ".");
        }
        long seconds = request.body().path("timeoutSeconds").asLong(PlaybookInput.DEFAULT_APPROVAL.toSeconds());
        String onTimeout = Optional.ofNullable(request.text("onTimeout")).orElse("escalate");
        Instant now = clock.instant();
        Instant expires = now.plusSeconds(seconds);
        Approval approval = new Approval(ids.get(), incident.incidentId(), ApprovalStatus.PENDING, approvers, actor,
                expires, request.taskToken(), null, null, null, 1);
        approvals.create(approval);
        record(incident.incidentId(), IncidentStatus.AWAITING_APPROVAL, request.step(), ACTOR,
                "Asked on-call to approve (" + String.join(", ", approvers) + ") by " + expires
                        + "; on timeout: " + onTimeout + ".");
        SlackThread thread = request.slack().orElseGet(() -> notifier.announce(incident, next(request, incident)));
        SlackThread buttons = notifier.askApproval(thread, incident, approval.approvalId(), approvers, expires, onTimeout);
        approvals.posted(approval.postedAs(buttons.channel(), buttons.ts()));
        return new StepOutcome.Pending(approval.approvalId());
    }

    private StepOutcome window(StepRequest request, Incident incident) {
        Window window = Window.fromTree(request.body().path("window"));
        Instant now = clock.instant();
        Instant opens = window.nextOpening(now);
        // Rounded up: the remediation must not run before the window opens.
        long seconds = Math.max(0, (Duration.between(now, opens).toMillis() + 999) / 1000);
        String text = seconds == 0 ? "The low-tide window " + window.describe() + " is open: remediating now."
                : "Scheduled for the low-tide window " + window.describe() + ": remediation at "
                        + opens.truncatedTo(ChronoUnit.SECONDS) + " (in " + Duration.ofSeconds(seconds) + ").";
        record(incident.incidentId(), seconds == 0 ? null : IncidentStatus.SCHEDULED, request.step(), ACTOR, text);
        request.slack().ifPresent(t -> notifier.reply(t, text));
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
    private StepOutcome approvalWindow(StepRequest request, Incident incident) {
        JsonNode terms = request.body().path("approval");
        ObjectNode out = terms instanceof ObjectNode o ? o.deepCopy() : Json.mapper().createObjectNode();
        String onTimeout = terms.path("onTimeout").asText("escalate");
        out.put("onTimeout", onTimeout);
        Window window = Window.fromTree(request.body().path("window"));
        String row = incident.decision() == null ? "" : " (row " + incident.decision().row() + ", '"
                + incident.decision().rowName() + "')";
        if (terms.path("inAdvance").asBoolean(false)) {
            out.put("inAdvance", true);
            record(incident.incidentId(), null, request.step(), ACTOR, "Approved in advance by the protocol" + row
                    + ": nobody is asked; the fix runs when the low-tide window " + window.describe() + " opens.");
            return new StepOutcome.Done(out);
        }
        Instant now = clock.instant();
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
        record(incident.incidentId(), null, request.step(), ACTOR, text);
        request.slack().ifPresent(t -> notifier.reply(t, text));
        return new StepOutcome.Done(out);
    }

    private StepOutcome remediate(StepRequest request, Incident incident) {
        Optional<RemediationAction> action = RemediationAction.byKey(Optional.ofNullable(request.text("action")).orElse(""));
        Optional<ResourceActions> a = actionsFor(incident);
        if (action.isEmpty() || a.isEmpty()) {
            return new StepOutcome.Failed(StepOutcome.STEP_FAILED, "no action '" + request.text("action") + "' for "
                    + incident.resource().type());
        }
        if (action.get().family() != incident.findings().stream().findFirst().map(f -> f.family()).orElse(null)) {
            return new StepOutcome.Failed(StepOutcome.REFUSED, action.get().key() + " does not remediate "
                    + incident.resource().type());
        }
        if (!jurisdiction.covers(incident.resource())) {
            return needsPerson(request, incident, capitalise(jurisdiction.outside(incident.resource())) + ". "
                    + whatToUndo(incident));
        }
        JsonNode snap = request.body().path("snapshot");
        boolean dry = dryRun(request, incident);
        // Write-ahead: the incident says a change is under way before it is made. If this attempt dies between the
        // change and the write that records it (a crash, a timeout, DynamoDB throttled past the retry budget), the
        // next attempt of the step (SQS redelivery or the state machine's retry) finds the change made, and this
        // entry tells it that the change was most likely its own, so it records it instead of reporting nothing.
        boolean resumed = startedBefore(incident, request.step());
        if (!dry && !resumed) {
            Instant started = clock.instant();
            // An incident already in front of a person stays there: a later step's work does not take it back.
            update(incident.incidentId(), i -> i.next(i.status() != IncidentStatus.ESCALATED
                    && IncidentLifecycle.allowed(i.status(), IncidentStatus.REMEDIATING) ? IncidentStatus.REMEDIATING
                            : i.status(),
                    new TimelineEntry(started, request.step(), ACTOR, STARTED + action.get().key() + " on "
                            + i.resource().id() + ".")));
        }
        ActionResult result = a.get().apply(action.get(), incident,
                snap instanceof ObjectNode o ? o : Json.mapper().createObjectNode(), dry);
        Instant now = clock.instant();
        switch (result.kind()) {
            case REFUSED -> {
                record(incident.incidentId(), null, request.step(), ACTOR, "Refused: " + result.detail());
                return new StepOutcome.Failed(StepOutcome.REFUSED, result.detail());
            }
            case NEEDS_PERSON -> {
                return needsPerson(request, incident, result.detail());
            }
            case CHANGED -> {
                update(incident.incidentId(), i -> i.next(
                                i.status() == IncidentStatus.ESCALATED ? IncidentStatus.ESCALATED : IncidentStatus.REMEDIATING,
                                new TimelineEntry(now, request.step(), ACTOR, result.detail()))
                        .withRemediation(withRevoked(i.revokedRules(), result), now, i.verifiedAt(), i.resolvedAt())
                        .withFix(new AppliedFix(request.step(), action.get().key(), now, result.detail(), result.undo())));
                if (result.forPerson() != null) {
                    // What was put right is recorded (and undoable); the rest goes in front of a person.
                    request.slack().ifPresent(t -> notifier.reply(t, result.detail()));
                    return needsPerson(request, incident, result.forPerson());
                }
            }
            case WOULD_CHANGE -> update(incident.incidentId(), i -> i.next(IncidentStatus.DRY_RUN,
                    new TimelineEntry(now, request.step(), ACTOR, result.detail())));
            case NOTHING_TO_DO -> update(incident.incidentId(), i -> {
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
        request.slack().ifPresent(t -> notifier.reply(t, result.detail()));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("result", result.kind().name().toLowerCase(java.util.Locale.ROOT));
        out.put("detail", result.detail());
        return new StepOutcome.Done(out);
    }

    /** The start of the timeline entry that says a remediate step began changing the resource. */
    static final String STARTED = "Remediation started: ";

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

    private StepOutcome verify(StepRequest request, Incident incident) {
        ObjectNode out = Json.mapper().createObjectNode();
        if (dryRun(request, incident)) {
            out.put("verified", false);
            record(incident.incidentId(), null, request.step(), ACTOR, "Dry-run: nothing was changed, nothing to verify.");
            return new StepOutcome.Done(out);
        }
        if (!jurisdiction.covers(incident.resource())) {
            out.put("verified", false);
            record(incident.incidentId(), null, request.step(), ACTOR, "Not verified: "
                    + jurisdiction.outside(incident.resource()) + "; a person was asked to act.");
            return new StepOutcome.Done(out);
        }
        Optional<ResourceActions> a = actionsFor(incident);
        Optional<String> wrong = a.flatMap(x -> x.stillWrong(incident));
        Instant now = clock.instant();
        if (wrong.isPresent() && incident.status() == IncidentStatus.ESCALATED) {
            // A person was asked to act on what no action could change: what is still wrong is theirs to put right.
            out.put("verified", false);
            record(incident.incidentId(), null, request.step(), ACTOR, "Re-read " + incident.resource().id()
                    + ": " + wrong.get() + " Waiting for the person on-call was asked to act.");
            return new StepOutcome.Done(out);
        }
        if (wrong.isPresent()) {
            record(incident.incidentId(), null, request.step(), ACTOR, "Verification failed: " + wrong.get() + ".");
            return new StepOutcome.Failed(StepOutcome.VERIFY_FAILED, wrong.get());
        }
        update(incident.incidentId(), i -> i.next(i.status(), new TimelineEntry(now, request.step(), ACTOR,
                        i.remediatedAt() == null && i.revokedRules().isEmpty()
                                ? "Re-read " + i.resource().id() + ": the offending change is not there (it was gone"
                                        + " before Portcullis acted); Portcullis changed nothing."
                                : "Re-read " + i.resource().id() + ": the offending change is gone; nothing else was"
                                        + " touched."))
                .withRemediation(i.revokedRules(), i.remediatedAt(), now, i.resolvedAt()));
        out.put("verified", true);
        return new StepOutcome.Done(out);
    }

    private StepOutcome resolve(StepRequest request, Incident incident) {
        boolean dry = dryRun(request, incident);
        Instant now = clock.instant();
        boolean escalated = incident.status() == IncidentStatus.ESCALATED;
        // An escalated incident stays in front of its person: the playbook is done, the incident is not.
        Incident resolved = escalated
                ? update(incident.incidentId(), i -> i.noted(new TimelineEntry(now, request.step(), ACTOR,
                        "Playbook finished; the incident stays escalated until a person has acted.")))
                : update(incident.incidentId(), i -> i.next(dry ? IncidentStatus.DRY_RUN : IncidentStatus.RESOLVED,
                        new TimelineEntry(now, request.step(), ACTOR, dry ? "Dry-run finished: " + wouldHave(i)
                                : "Resolved: " + i.outcome()))
                .withRemediation(i.revokedRules(), i.remediatedAt(), i.verifiedAt(), now));
        Optional<SlackThread> thread = request.slack();
        List<AppliedFix> undoable = resolved.undoableFixes();
        // Every fix Portcullis made can be undone, approved and scheduled ones too: an approval is not proof of no harm.
        boolean offer = !dry && !undoable.isEmpty() && thread.isPresent();
        Set<String> undoers = offer ? approvers().resolve(directory) : Set.of();
        if (offer && undoers.isEmpty()) {
            thread.ifPresent(t -> notifier.reply(t, resolved.outcome() + " Undo is not offered: "
                    + approvers().whyNobody() + "."));
        } else if (offer) {
            Approval undo = new Approval(ids.get(), resolved.incidentId(), ApprovalStatus.PENDING, undoers,
                    directory.slackIdsOf(resolved.actor()), now.plus(UNDO_FOR), null, null, null, null, 1,
                    Approval.UNDO, null, null, Json.mapper().valueToTree(undoable).toString());
            approvals.create(undo);
            String done = String.join(" ", undoable.stream().map(AppliedFix::detail).toList())
                    + (escalated ? "" : " Verified by re-reading " + resolved.resource().id() + ".");
            SlackThread message = notifier.offerUndo(thread.get(), resolved, undo.approvalId(), done);
            approvals.posted(undo.postedAs(message.channel(), message.ts()));
            // Offering Undo is not an outcome: the incident's outcome stays what was done.
            String offered = "Offered Undo in Slack until " + now.plus(UNDO_FOR).truncatedTo(ChronoUnit.SECONDS) + " ("
                    + undoable.size() + (undoable.size() == 1 ? " change" : " changes") + ").";
            update(resolved.incidentId(), i -> i.noted(new TimelineEntry(now, "undo-offered", ACTOR, offered)));
        } else if (!escalated) {
            thread.ifPresent(t -> notifier.reply(t, resolved.outcome()));
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("status", resolved.status().name());
        return new StepOutcome.Done(out);
    }

    /**
     * No action can safely put this right: the incident goes in front of a person — escalated, on-call told in Slack
     * what happened and exactly what to do, and paged. Once per incident: a second step that also needs a person only
     * adds its words to the timeline and the thread.
     */
    private StepOutcome needsPerson(StepRequest request, Incident incident, String whatToDo) {
        Instant now = clock.instant();
        boolean first = incident.status() != IncidentStatus.ESCALATED;
        String text = "A person must act on " + incident.resource().id() + " (" + incident.priority() + "): "
                + whatToDo;
        update(incident.incidentId(), i -> i.next(IncidentStatus.ESCALATED, new TimelineEntry(now, request.step(),
                ACTOR, "Escalated to a person: " + whatToDo)));
        if (first) {
            notifier.alert(request.slack().orElse(null), incident, text);
            page(incident, io.portcullis.safeguard.Pager.NEEDS_PERSON, text, now);
        } else {
            request.slack().ifPresent(t -> notifier.reply(t, whatToDo));
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("result", "needs-person");
        out.put("detail", whatToDo);
        return new StepOutcome.Done(out);
    }

    /** What the person should put back, from the findings, for an incident no action here can reach. */
    private static String whatToUndo(Incident incident) {
        return incident.findings().stream().map(io.portcullis.rule.Finding::explanation).distinct()
                .reduce((a, b) -> a + " " + b).orElse("Check " + incident.resource().id() + " by hand.");
    }

    /** A page about one incident; a page that cannot go out is logged, the Slack alert has been sent anyway. */
    private void page(Incident incident, String kind, String text, Instant now) {
        try {
            pager.page(new io.portcullis.safeguard.Pager.Page(kind, incident.resource().account(),
                    incident.incidentId(), text, now));
            record(incident.incidentId(), null, "paged", ACTOR, kind + ": " + text);
        } catch (RuntimeException e) {
            LOG.error("Could not page on-call about incident {} ({}): {}", incident.incidentId(), kind, e.toString());
        }
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** What the dry-run's remediate steps said they would do. */
    private static String wouldHave(Incident incident) {
        List<String> would = incident.timeline().stream().map(TimelineEntry::detail)
                .filter(d -> d.startsWith("Dry-run: would")).toList();
        return would.isEmpty() ? "nothing would have been changed." : String.join(" ", would);
    }

    private StepOutcome rejected(StepRequest request, Incident incident) {
        // The decision as the interaction endpoint wrote it (the failure's Cause carries it too, but is not relied on).
        Optional<Approval> decision = approvals.ofIncident(incident.incidentId()).stream()
                .filter(a -> !a.isUndo() && a.status() == ApprovalStatus.REJECTED)
                .max(java.util.Comparator.comparing(Approval::decidedAt));
        JsonNode cause = parse(request.body().path("error").path("Cause").asText(""));
        String by = decision.map(Approval::decidedBy).orElse(cause.path("by").asText("on-call"));
        String reason = decision.map(Approval::reason).orElse(cause.path("reason").asText("no reason given"));
        Instant now = clock.instant();
        Instant until = now.plus(EXCEPTION_FOR);
        String rules = String.join(", ", incident.findings().stream().map(f -> f.ruleId()).distinct().toList());
        String text = "Rejected by " + by + ": " + reason + ". Recorded as an exception for " + rules + " on "
                + incident.resource().id() + " (owner " + by + ") until " + until.truncatedTo(ChronoUnit.SECONDS)
                + "; nothing was changed.";
        io.portcullis.exception.PolicyException exception = new io.portcullis.exception.PolicyException(rules,
                incident.resource().id(), null, null, List.of(), by, reason, LocalDate.ofInstant(until, ZoneOffset.UTC),
                "Slack rejection of " + incident.incidentId());
        update(incident.incidentId(), i -> i.next(IncidentStatus.REJECTED, new TimelineEntry(now, "exception",
                "slack:" + by, text)).decided(Resolution.REJECTED, decision.map(Approval::decidedAt).orElse(now))
                .withAcceptedRisk(exception));
        request.slack().ifPresent(t -> notifier.reply(t, text));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("exceptionUntil", until.truncatedTo(ChronoUnit.SECONDS).toString());
        out.put("owner", by);
        return new StepOutcome.Done(out);
    }

    private StepOutcome timedOut(StepRequest request, Incident incident) {
        String onTimeout = Optional.ofNullable(request.text("onTimeout")).orElse("escalate");
        Instant now = clock.instant();
        String text = "Nobody decided in time; the protocol's timeout action: " + onTimeout + ".";
        approvals.pendingFor(incident.incidentId()).ifPresent(a -> {
            if (approvals.decide(a.decided(ApprovalStatus.EXPIRED, null, now, "timed out")) && a.channel() != null) {
                notifier.decided(new SlackThread(a.channel(), a.messageTs()), "Timed out at "
                        + now.truncatedTo(ChronoUnit.SECONDS) + ". " + text);
            }
        });
        update(incident.incidentId(), i -> i.next(IncidentStatus.OPEN, new TimelineEntry(now, request.step(), ACTOR,
                text)).decided(Resolution.TIMED_OUT, now));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("onTimeout", onTimeout);
        return new StepOutcome.Done(out);
    }

    private StepOutcome escalate(StepRequest request, Incident incident) {
        String text = "Nobody approved in time: escalated. The change on " + incident.resource().id()
                + " is still in place; a person must decide.";
        record(incident.incidentId(), IncidentStatus.ESCALATED, request.step(), ACTOR, text);
        notifier.alert(request.slack().orElse(null), incident, text);
        page(incident, io.portcullis.safeguard.Pager.ESCALATED, text, clock.instant());
        return new StepOutcome.Done(Json.mapper().createObjectNode().put("escalated", true));
    }

    private StepOutcome abort(StepRequest request, Incident incident) {
        String text = "Nobody approved in time: aborted, nothing was changed on " + incident.resource().id() + ".";
        record(incident.incidentId(), IncidentStatus.ABORTED, request.step(), ACTOR, text);
        request.slack().ifPresent(t -> notifier.reply(t, text));
        return new StepOutcome.Done(Json.mapper().createObjectNode().put("aborted", true));
    }

    private StepOutcome fail(StepRequest request, Incident incident) {
        JsonNode error = request.body().path("error");
        String cause = error.path("Error").asText("unknown error") + ": " + error.path("Cause").asText("");
        String text = "Playbook " + request.playbook() + " failed: " + cause + " A person must look; nothing more will"
                + " be done automatically.";
        record(incident.incidentId(), IncidentStatus.FAILED, "failed", ACTOR, text);
        notifier.alert(request.slack().orElse(null), incident, text);
        page(incident, io.portcullis.safeguard.Pager.PLAYBOOK_FAILED, text, clock.instant());
        return new StepOutcome.Done(Json.mapper().createObjectNode().put("failed", true));
    }

    private StepOutcome undo(StepRequest request, Incident incident) {
        String undoId = Optional.ofNullable(request.text("undoId")).orElse("");
        Optional<Approval> found = approvals.find(undoId);
        if (found.isEmpty() || !found.get().isUndo() || found.get().status() != ApprovalStatus.APPROVED
                || !found.get().incidentId().equals(incident.incidentId())) {
            return new StepOutcome.Failed(StepOutcome.REFUSED, "undo " + undoId + " is not a decided Undo of "
                    + incident.incidentId());
        }
        if (incident.timeline().stream().anyMatch(t -> t.step().equals("undone"))) {
            return new StepOutcome.Finished("already undone");
        }
        String by = found.get().decidedBy();
        String detail = new UndoFixes(actions).run(incident, parse(found.get().payload()));
        record(incident.incidentId(), null, "undone", "slack:" + by, "Undo by " + by + ": " + detail);
        if (found.get().channel() != null) {
            notifier.reply(new SlackThread(found.get().channel(), found.get().messageTs()), "Undo by <@" + by + ">: "
                    + detail);
        }
        return new StepOutcome.Finished(detail);
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode n = Json.mapper().readTree(json == null ? "" : json);
            return n == null ? Json.mapper().createObjectNode() : n;
        } catch (java.io.IOException e) {
            return Json.mapper().createObjectNode();
        }
    }

    /** Appends a timeline entry (and moves the status, unless null). */
    private void record(String incidentId, IncidentStatus status, String step, String actor, String detail) {
        Instant now = clock.instant();
        update(incidentId, i -> i.next(status == null ? i.status() : status, new TimelineEntry(now, step, actor, detail)));
    }

    /** An optimistic-lock update, retried when someone else wrote in between. */
    private Incident update(String incidentId, Function<Incident, Incident> change) {
        for (int attempt = 0; attempt < 8; attempt++) {
            Incident current = incidents.find(incidentId).orElseThrow(
                    () -> new IllegalStateException("incident " + incidentId + " disappeared"));
            Incident next = change.apply(current).withVersion(current.version() + 1);
            if (incidents.replace(next, current.version())) {
                return next;
            }
        }
        throw new IllegalStateException("incident " + incidentId + " kept changing under the playbook worker");
    }
}
