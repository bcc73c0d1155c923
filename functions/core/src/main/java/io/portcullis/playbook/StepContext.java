package io.portcullis.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.approval.ApprovalStore;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IncidentStore;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.notify.Notifier;
import io.portcullis.safeguard.KillSwitch;
import io.portcullis.safeguard.Pager;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every playbook step works with: the stores, Slack, the clock, the deployment's settings, and the incident's
 * optimistic-lock update. One per playbook worker; its {@code with…} methods set the safeguards and approvers here.
 */
final class StepContext {

    /** The timeline's actor for what the playbook did (the worker's public ACTOR). */
    static final String ACTOR = "portcullis-playbook";

    final IncidentStore incidents;
    final ApprovalStore approvals;
    final Notifier notifier;
    final Directory directory;
    final Clock clock;
    final RemediationMode mode;
    final Supplier<String> ids;
    private final Set<String> defaultApprovers;
    private String approverGroup;
    private KillSwitch killSwitch = KillSwitch.NONE;
    private Pager pager = Pager.NONE;
    private Reach reach;
    private io.portcullis.safeguard.BlastRadiusBreaker breaker;

    StepContext(IncidentStore incidents, ApprovalStore approvals, Notifier notifier, Directory directory,
                List<ResourceActions> actions, Clock clock, RemediationMode mode, Set<String> defaultApprovers,
                Supplier<String> ids) {
        this.incidents = incidents;
        this.approvals = approvals;
        this.notifier = notifier;
        this.directory = directory;
        this.reach = Reach.everywhere(actions);
        this.clock = clock;
        this.mode = mode;
        this.defaultApprovers = Set.copyOf(defaultApprovers);
        this.ids = ids;
    }

    void approverGroup(String group) {
        this.approverGroup = group;
    }

    void killSwitch(KillSwitch killSwitch) {
        this.killSwitch = killSwitch;
    }

    void pager(Pager pager) {
        this.pager = pager;
    }

    void breaker(io.portcullis.safeguard.BlastRadiusBreaker breaker) {
        this.breaker = breaker;
    }

    /** The blast-radius breaker, or empty when the deployment has none (no safeguards table). */
    Optional<io.portcullis.safeguard.BlastRadiusBreaker> breaker() {
        return Optional.ofNullable(breaker);
    }

    void reach(Reach reach) {
        this.reach = reach;
    }

    /** Who may approve any gate and use Undo, as the deployment configured it. */
    Approvers approvers() {
        return new Approvers(defaultApprovers, approverGroup);
    }

    KillSwitch killSwitch() {
        return killSwitch;
    }

    Pager pager() {
        return pager;
    }

    /**
     * The actions where the incident's resource lives (its account and region), or why Portcullis cannot act there.
     * Every step that reads or changes the resource asks here first.
     */
    Reach.Result reach(Incident incident) {
        return reach.at(Place.of(incident.resource()), incident.incidentId());
    }

    boolean dryRun(StepRequest request, Incident incident) {
        return request.dryRun() || mode == RemediationMode.DRY_RUN || incident.mode() == RemediationMode.DRY_RUN;
    }

    /**
     * The first of the place's actions that handles the incident's resource; whatever none handles goes to a person,
     * never to "no action for this".
     */
    static ResourceActions handler(Reach.Within within, Incident incident) {
        return within.actions().stream().filter(a -> a.handles(incident)).findFirst()
                .orElseGet(PersonOnlyActions::new);
    }

    /** Appends a timeline entry (and moves the status, unless null). */
    void record(String incidentId, IncidentStatus status, String step, String actor, String detail) {
        Instant now = clock.instant();
        update(incidentId, i -> i.next(status == null ? i.status() : status, new TimelineEntry(now, step, actor, detail)));
    }

    /** An optimistic-lock update, retried when someone else wrote in between. */
    Incident update(String incidentId, Function<Incident, Incident> change) {
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

    /** A JSON text as a tree; an empty object where there is none or it does not parse. */
    static JsonNode parse(String json) {
        try {
            JsonNode n = Json.mapper().readTree(json == null ? "" : json);
            return n == null ? Json.mapper().createObjectNode() : n;
        } catch (java.io.IOException e) {
            return Json.mapper().createObjectNode();
        }
    }
}
