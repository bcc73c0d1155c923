package io.portcullis.playbook;

import io.portcullis.approval.ApprovalStore;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStore;
import io.portcullis.incident.RemediationMode;
import io.portcullis.notify.Notifier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The playbook worker's use case: run one step a playbook execution sent over the step queue, record it in the
 * incident's timeline, tell Slack, and say how it ended. Also runs Undo, sent by the Slack interaction endpoint.
 * The worker dispatches: each step type is its own class, sharing one {@link StepContext}.
 *
 * <p>Errors from AWS or Slack propagate: the Lambda handler reports retryable ones as {@code Portcullis.Transient}
 * (the state machine retries with backoff) and the rest as failures (caught: the incident is marked FAILED).
 */
public final class PlaybookWorker {

    public static final String ACTOR = StepContext.ACTOR;
    /** How long an Undo button stays usable. */
    public static final Duration UNDO_FOR = ResolveStep.UNDO_FOR;
    /** How long a rejection's exception lasts. */
    public static final Duration EXCEPTION_FOR = EndingSteps.EXCEPTION_FOR;
    /** The timeline step of a refused step message. */
    public static final String REFUSED_STEP = "refused-step";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlaybookWorker.class);

    private final StepContext context;
    private final BeforeEveryStep beforeEveryStep;
    private final SnapshotStep snapshot;
    private final NotifyStep notify;
    private final ApprovalSteps approval;
    private final RemediateStep remediate;
    private final VerifyStep verify;
    private final ResolveStep resolve;
    private final EndingSteps endings;
    private final UndoStep undo;
    private final OnCall onCall;
    private StepAuthority authority = StepAuthority.UNCHECKED;

    /**
     * @param defaultApprovers Slack user ids who may approve any gate and use Undo (and the group's members, see
     *                         {@link #withApproverGroup})
     * @param ids              makes opaque, unguessable approval ids
     */
    public PlaybookWorker(IncidentStore incidents, ApprovalStore approvals, Notifier notifier, Directory directory,
                          SecurityGroupActions securityGroups, List<ResourceActions> otherActions, Clock clock,
                          RemediationMode mode, Set<String> defaultApprovers, Supplier<String> ids) {
        List<ResourceActions> all = new ArrayList<>();
        all.add(securityGroups);
        all.addAll(otherActions);
        this.context = new StepContext(incidents, approvals, notifier, directory, all, clock, mode, defaultApprovers,
                ids);
        this.beforeEveryStep = new BeforeEveryStep(context);
        this.onCall = new OnCall(context);
        this.snapshot = new SnapshotStep(context);
        this.notify = new NotifyStep(context);
        this.approval = new ApprovalSteps(context);
        this.remediate = new RemediateStep(context, onCall);
        this.verify = new VerifyStep(context);
        this.resolve = new ResolveStep(context);
        this.endings = new EndingSteps(context, onCall);
        this.undo = new UndoStep(context);
    }

    /** The deployment's Slack user group whose members may approve any gate and use Undo, besides the users. */
    public PlaybookWorker withApproverGroup(String group) {
        context.approverGroup(group);
        return this;
    }

    /** Who may approve any gate and use Undo, as the deployment configured it. */
    public Approvers approvers() {
        return context.approvers();
    }

    /** The operator's kill switch, read before every playbook step (the remediator function sets it). */
    public PlaybookWorker withKillSwitch(io.portcullis.safeguard.KillSwitch killSwitch) {
        context.killSwitch(killSwitch);
        return this;
    }

    /**
     * Where pages go (the alert queue, in AWS): an incident escalated to a person, a failed playbook. Slack is told
     * besides, in the incident's thread.
     */
    public PlaybookWorker withPager(io.portcullis.safeguard.Pager pager) {
        context.pager(pager);
        return this;
    }

    /**
     * Where this worker acts and with which credentials ({@link AccountReach}): every step reads and changes the
     * incident's resource in its own account and region, or hands the incident to a person when it cannot act there.
     * Without it the actions given to the constructor act everywhere (tests and offline tools).
     */
    public PlaybookWorker withReach(Reach reach) {
        context.reach(reach);
        return this;
    }

    /**
     * Who vouches for step messages: the execution each names (in AWS, its Step Functions history). Without it every
     * message is believed, which only tests and offline tools may do.
     */
    public PlaybookWorker withStepAuthority(StepAuthority authority) {
        this.authority = authority;
        return this;
    }

    /** The blast-radius breaker every remediation claims a slot of, whatever the protocol's response. */
    public PlaybookWorker withBreaker(io.portcullis.safeguard.BlastRadiusBreaker breaker) {
        context.breaker(breaker);
        return this;
    }

    public StepOutcome run(StepRequest request) {
        Optional<String> refused = authority.refusal(request);
        if (refused.isPresent()) {
            return refuse(request, refused.get());
        }
        Optional<Incident> found = context.incidents.find(request.incidentId());
        if (found.isEmpty()) {
            return new StepOutcome.Failed(StepOutcome.STEP_FAILED, "no incident " + request.incidentId());
        }
        Incident incident = beforeEveryStep.prepare(request, found.get());
        return switch (request.type()) {
            case PlaybookStep.SNAPSHOT -> snapshot.run(request, incident);
            case PlaybookStep.NOTIFY -> notify.run(request, incident);
            case PlaybookStep.APPROVE -> approval.approve(request, incident);
            case PlaybookStep.WAIT_FOR_WINDOW -> approval.window(request, incident);
            case PlaybookCompiler.APPROVAL_WINDOW -> approval.approvalWindow(request, incident);
            case PlaybookStep.REMEDIATE -> remediate.run(request, incident);
            case PlaybookStep.VERIFY -> verify.run(request, incident);
            case PlaybookStep.RESOLVE -> resolve.run(request, incident);
            case "rejected" -> endings.rejected(request, incident);
            case "approval-timed-out" -> endings.timedOut(request, incident);
            case "escalate" -> endings.escalate(request, incident);
            case "abort" -> endings.abort(request, incident);
            case "fail" -> endings.fail(request, incident);
            case "undo" -> undo.run(request, incident);
            case StepRequest.PAGE -> onCall.page(request, incident);
            default -> new StepOutcome.Failed(StepOutcome.STEP_FAILED, "unknown step type '" + request.type() + "'");
        };
    }

    /**
     * A step message its execution does not vouch for: not run, logged, and put on the incident's timeline (if there
     * is such an incident) so whoever reads the incident sees that someone tried.
     */
    private StepOutcome refuse(StepRequest request, String why) {
        LOG.error("Refused step {} ({}) of incident {}: {}; the message was not acted on", request.step(),
                request.type(), request.incidentId(), why);
        if (context.incidents.find(request.incidentId()).isPresent()) {
            context.record(request.incidentId(), null, REFUSED_STEP, ACTOR, "Refused a " + request.type()
                    + " message for step " + request.step() + ": " + why + ". Nothing was done.");
        }
        return new StepOutcome.Refused(why);
    }
}
