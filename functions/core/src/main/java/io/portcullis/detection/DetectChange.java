package io.portcullis.detection;

import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.ReadResult;
import io.portcullis.change.OversizedItems;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IncidentStore;
import io.portcullis.incident.Resolution;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.protocol.Decision;
import io.portcullis.protocol.Environment;
import io.portcullis.protocol.Response;
import io.portcullis.playbook.PlaybookInput;
import io.portcullis.playbook.PlaybookStarter;
import io.portcullis.remediation.ResourceTags;
import io.portcullis.remediation.PolicyVersions;
import io.portcullis.remediation.SecurityGroupInspector;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.Finding;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import io.portcullis.exception.SuppressedFinding;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The detector's use case: read an event, judge it, record an incident once per CloudTrail event id, and start the
 * playbook of every incident the protocol does not merely record (auto, approval, scheduled).
 */
public final class DetectChange {

    public static final String ACTOR = "portcullis-detector";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DetectChange.class);
    /** Attempts to attach a repeat to an incident that other deliveries keep writing (optimistic concurrency). */
    private static final int ATTACH_ATTEMPTS = 12;
    private static final long ATTACH_BACKOFF_BASE_MS = 5;
    private static final long ATTACH_BACKOFF_CAP_MS = 250;

    private final CloudTrailEventReader reader;
    private PolicyEngine engine;
    private final SecurityGroupInspector inspector;
    private final ResourceTags resourceTags;
    private OversizedItems oversized = OversizedItems.NONE;
    private PolicyVersions policyVersions = PolicyVersions.NONE;
    private io.portcullis.remediation.MfaDevices mfaDevices = io.portcullis.remediation.MfaDevices.NONE;
    private String homeAccount;
    private String homeRegion;
    /** Where the engine's accounts come from; null: the engine's own, fixed (offline tools, unit tests). */
    private io.portcullis.protocol.AccountDirectory directory;
    /** Whether events from accounts that are not members are refused (the detector function sets it). */
    private boolean admitting;
    private String ownAccount;
    private boolean organisation;
    private final IncidentStore incidents;
    private final PlaybookStarter playbooks;
    private final Clock clock;
    private final RemediationMode mode;
    private final Set<String> ownRoleArns;
    private String workerFunctionName;
    private String killSwitchParameter;
    private io.portcullis.safeguard.KillSwitch killSwitch = io.portcullis.safeguard.KillSwitch.NONE;
    private io.portcullis.safeguard.BlastRadiusBreaker breaker;
    private io.portcullis.safeguard.ThrottledHeartbeat heartbeat;
    private io.portcullis.safeguard.Pager pager = io.portcullis.safeguard.Pager.NONE;

    /**
     * @param ownRoleArns the roles Portcullis itself acts with: changes their functions make are never judged, so
     *                    Portcullis cannot fight its own remediation or Undo (see {@link #withWorkerFunction})
     */
    public DetectChange(CloudTrailEventReader reader, PolicyEngine engine, SecurityGroupInspector inspector,
                        ResourceTags resourceTags,
                        IncidentStore incidents, PlaybookStarter playbooks, Clock clock, RemediationMode mode,
                        Set<String> ownRoleArns) {
        this.reader = reader;
        this.engine = engine;
        this.inspector = inspector;
        this.resourceTags = resourceTags;
        this.incidents = incidents;
        this.playbooks = playbooks;
        this.clock = clock;
        this.mode = mode;
        this.ownRoleArns = Set.copyOf(ownRoleArns);
    }

    public DetectionResult handle(byte[] rawEvent) {
        ReadResult read = reader.read(rawEvent);
        if (read instanceof ReadResult.Refused && oversized != OversizedItems.NONE) {
            read = readOversized(rawEvent, read);
        }
        if (read instanceof ReadResult.Refused refused) {
            return new DetectionResult.Refused(refused.eventRef(), refused.reason());
        }
        Change change = ((ReadResult.Read) read).change();
        io.portcullis.protocol.Accounts accounts = accounts();
        String stranger = admitting ? stranger(change, accounts) : null;
        if (stranger != null) {
            return new DetectionResult.Refused(change.eventId(), stranger);
        }
        // Any readable event of a member proves the account's feed is alive, whatever becomes of it.
        if (heartbeat != null) {
            heartbeat.seen(change.resource().account(), clock.instant());
        }
        if (change.failed()) {
            return new DetectionResult.Ignored(change.eventId(),
                    "the call failed with " + change.errorCode() + ", so it changed nothing");
        }
        // Whoever flips a kill switch, Portcullis' own roles included, on-call hears of it. Only the hub's own
        // parameters are switches: a member account writing a parameter of the same name in its own account changes
        // nothing Portcullis reads, so it pages nobody.
        if (killSwitchParameter != null && home(change) && KillSwitchChange.concerns(change, killSwitchParameter)) {
            return pageKillSwitchChange(change);
        }
        String borrowed = null;
        if (usesOwnRole(change)) {
            borrowed = borrowedRoleNote(change);
            if (borrowed == null) {
                return new DetectionResult.Ignored(change.eventId(), "the change was made by Portcullis' own role "
                        + ownRole(change) + " in its function's session " + change.actor().displayName());
            }
            LOG.warn("Judging event {} like any other: {}", change.eventId(), borrowed);
        }
        if (change.kind() == ChangeKind.OTHER) {
            return new DetectionResult.Ignored(change.eventId(),
                    change.eventName() + " from " + change.eventSource() + " is not judged by this release");
        }
        if (change.kind() == ChangeKind.RULES_MODIFIED) {
            change = onlyIngress(change);
        }
        if ("SetDefaultPolicyVersion".equals(change.eventName())) {
            change = withPolicyDocument(change);
        }
        if ("iam.amazonaws.com".equals(change.eventSource()) && change.eventName().endsWith("LoginProfile")) {
            change = withMfaDevices(change);
        }
        List<Finding> findings = ConfigVerdictEvidence.complete(change, engine.findings(change), inspector, engine);
        if (findings.isEmpty()) {
            return new DetectionResult.Compliant(change.eventId());
        }
        String incidentId = Incident.idFor(change.eventId());
        Optional<Incident> existing = incidents.find(incidentId);
        if (existing.isPresent()) {
            requeueIfStranded(existing.get(), change);
            return new DetectionResult.Duplicate(incidentId);
        }
        // A redelivered repeat: a duplicate of the incident it was attached to, even once that incident has finished.
        Optional<String> attachedTo = incidents.attachedTo(change.eventId());
        if (attachedTo.isPresent()) {
            return duplicateOfAttached(attachedTo.get(), change);
        }
        // A repeat of a problem an incident already holds open is attached at once: no need to judge it again.
        List<Incident> history = incidents.forResource(Incident.resourceKeyOf(change.resource()));
        String problem = Incident.problemKeyOf(change.resource(), findings);
        Optional<Incident> holder = history.stream().filter(i -> !i.status().isFinal() && i.problemKey().equals(problem))
                .findFirst();
        if (holder.isPresent()) {
            DetectionResult attached = attach(holder.get().incidentId(), change, clock.instant());
            if (attached != null) {
                return attached;
            }
            // The holder finished in the meantime: the problem is back, and this event opens a new incident.
        }
        // The live resource's tags decide its environment and may carry exceptions.
        Map<String, String> tags = ResourceRef.SECURITY_GROUP.equals(change.resource().type())
                ? inspector.describe(change.resource()).map(SecurityGroupState::tags).orElse(Map.of())
                : resourceTags.tags(change.resource());
        Environment tagged = Environment.fromTags(tags);
        Environment environment = engine.environment(change, tagged);
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<SuppressedFinding> suppressed = new java.util.ArrayList<>(engine.suppressed(findings, tags, today));
        suppressed.addAll(acceptedRisks(findings, suppressed, history, today));
        List<Finding> active = findings.stream()
                .filter(f -> suppressed.stream().noneMatch(x -> x.finding() == f)).toList();
        // All suppressed: the incident is still recorded (and reported), judged on what was suppressed.
        List<Finding> judged = active.isEmpty() ? findings : active;
        Finding worst = PolicyEngine.worst(judged);
        Decision decision = engine.decide(change, judged, environment);
        // The mode in force now: the deployment's, unless the operator's kill switch says dry-run.
        io.portcullis.safeguard.KillSwitch.Position position = io.portcullis.safeguard.KillSwitch.effective(mode,
                killSwitch, change.resource().account());
        RemediationMode incidentMode = position.mode();
        boolean automatic = !active.isEmpty() && decision.response() == Response.AUTO && remediable(change);
        io.portcullis.safeguard.BlastRadiusBreaker.Admission admission = null;
        if (automatic && incidentMode == RemediationMode.ENFORCE && breaker != null) {
            admission = breaker.admit(change.resource().account(), incidentId, now);
            if (admission instanceof io.portcullis.safeguard.BlastRadiusBreaker.Held held) {
                Map<String, String> inputs = new java.util.LinkedHashMap<>(decision.inputs());
                inputs.put("breaker", breaker.heldNote(held));
                decision = new Decision(decision.priority(), Response.APPROVAL, decision.row(), decision.rowName(),
                        inputs);
                automatic = false;
            }
        }

        String summary = worst.explanation() + " Protocol row " + decision.row() + " (" + decision.rowName() + "): "
                + decision.priority() + ", " + decision.response().label()
                + (incidentMode == RemediationMode.DRY_RUN ? "; dry-run mode" + (mode == RemediationMode.DRY_RUN ? ""
                        : " (" + position.reason() + ")") + ", nothing will be changed." : ".")
                + (decision.inputs().containsKey("breaker") ? " " + decision.inputs().get("breaker") : "")
                + (!active.isEmpty() && decision.response() != Response.RECORD && !remediable(change)
                ? " Portcullis may not act in account " + change.resource().account() + " / "
                        + change.resource().region() + ": on-call is asked to act."
                : "")
                + suppressed.stream().map(x -> " Suppressed " + x.finding().ruleId() + " by " + x.exception().source()
                        + " (owner " + x.exception().owner() + ", until " + x.exception().expires() + ": "
                        + x.exception().reason() + ").").collect(java.util.stream.Collectors.joining());
        summary += repeatNote(change.resource(), active, history);
        if (tagged == Environment.NON_PRODUCTION && environment != Environment.NON_PRODUCTION) {
            summary += " The resource's environment tag says non-production, but account "
                    + change.resource().account() + " is marked production: a tag may make the environment stricter,"
                    + " never weaker.";
        }
        if (borrowed != null) {
            summary += " " + borrowed;
        }
        Resolution resolution = active.isEmpty() || decision.response() == Response.RECORD ? Resolution.RECORDED
                : automatic ? Resolution.AUTOMATIC : null;
        Incident incident = new Incident(incidentId, 1, active.isEmpty() ? IncidentStatus.SUPPRESSED : IncidentStatus.OPEN,
                incidentMode, change.eventId(), change.eventName(), change.eventTime(), change.actor(), change.origin(),
                change.resource(), environment.label(), active, decision.priority(), decision.response(), decision, now,
                null, null, null, null, resolution == null ? null : now, resolution, List.of(), summary,
                List.of(new TimelineEntry(now, active.isEmpty() ? "suppressed" : "detected", ACTOR, summary)), suppressed,
                autoRules(change, active, environment), 1, null)
                .withAccount(accounts.names().get(change.resource().account()),
                        accounts.units().get(change.resource().account()));
        IncidentStore.Creation creation;
        try {
            creation = incidents.create(incident);
        } catch (RuntimeException e) {
            // Not recorded: its breaker slot goes back (the retry asks again).
            if (admission != null) {
                breaker.release(admission);
            }
            throw e;
        }
        if (!creation.created()) {
            if (admission != null) {
                breaker.release(admission);
            }
            Change judgedChange = change;
            if (creation.openIncidentId() != null) {
                DetectionResult attached = attach(creation.openIncidentId(), judgedChange, now);
                if (attached == null) {
                    // Finished between the claim check and now: Lambda retries the event, which then opens one.
                    throw new IllegalStateException("incident " + creation.openIncidentId() + " finished while event "
                            + change.eventId() + " was being recorded; the event is retried");
                }
                return attached;
            }
            incidents.find(incidentId).ifPresent(other -> requeueIfStranded(other, judgedChange));
            return new DetectionResult.Duplicate(incidentId);
        }
        // Every incident that is not merely recorded gets its playbook, also one Portcullis may not act on (another
        // account or region): the playbook then puts it in front of a person instead of changing anything.
        boolean started = !active.isEmpty() && decision.response() != Response.RECORD
                && playbooks.start(incident, input(incident));
        if (admission instanceof io.portcullis.safeguard.BlastRadiusBreaker.Held held && held.tripped()) {
            pageBreakerOpen(incident, held, now);
        }
        return new DetectionResult.Opened(incident, started);
    }

    /**
     * The incident that found the breaker open pages on-call, once per window. A page that cannot be sent is logged,
     * not retried: the incident is recorded and its approval request reaches on-call in Slack all the same.
     */
    private void pageBreakerOpen(Incident incident, io.portcullis.safeguard.BlastRadiusBreaker.Held held,
                                 Instant now) {
        String account = incident.resource().account();
        String text = breaker.heldNote(held) + " " + breaker.openedNote(held) + " Look at what is changing so much: a"
                + " burst of real changes, a bad rule or protocol change, or someone steering Portcullis. First held"
                + " back: "
                + incident.incidentId() + " on " + incident.resource().id() + ".";
        try {
            pager.page(new io.portcullis.safeguard.Pager.Page(io.portcullis.safeguard.Pager.BREAKER_OPEN, account,
                    incident.incidentId(), text, now));
        } catch (RuntimeException e) {
            LOG.error("Could not page on-call that the blast-radius breaker opened for account {}: {}", account,
                    e.toString());
        }
    }

    /**
     * Another event about a problem an open incident already holds: noted on that incident (counted, with who and
     * when) and its event id claimed in the same write, so a redelivery of it is a duplicate however many repeats came
     * before; the playbook is handed over again if it was stranded. No second incident, no second playbook. Null when
     * that incident has finished since it was found open: a repeat is never written onto a finished incident (so the
     * detector only ever writes open incidents, and never gives up a problem's claim: its role has no DeleteItem).
     */
    private DetectionResult attach(String openIncidentId, Change change, Instant now) {
        String note = "Repeated: " + change.eventName() + " by " + change.actor().displayName() + " ("
                + change.origin().label() + ") at " + change.eventTime() + ", event " + change.eventId() + ".";
        for (int attempt = 0; attempt < ATTACH_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                backOff(attempt);
            }
            Optional<Incident> open = incidents.find(openIncidentId);
            if (open.isEmpty()) {
                break;
            }
            // A redelivery of the incident's own event, or of a repeat noted on its timeline by a release that kept
            // no claim per repeat: a duplicate, not counted.
            if (open.get().sourceEventId().equals(change.eventId()) || open.get().timeline().stream()
                    .anyMatch(t -> t.detail().contains("event " + change.eventId() + "."))) {
                requeueIfStranded(open.get(), change);
                return new DetectionResult.Duplicate(openIncidentId);
            }
            if (open.get().status().isFinal()) {
                return null;
            }
            Incident repeated = open.get().repeated(new TimelineEntry(now, "repeated", ACTOR, note));
            switch (incidents.attach(repeated, open.get().version(), change.eventId(), now)) {
                case ATTACHED -> {
                    requeueIfStranded(repeated, change);
                    return new DetectionResult.Attached(openIncidentId, change.eventId());
                }
                // Another delivery of the same event got there first (the claim is checked before the version).
                case ALREADY_ATTACHED -> {
                    return duplicateOfAttached(incidents.attachedTo(change.eventId()).orElse(openIncidentId), change);
                }
                case STALE -> {
                    // Someone else wrote the incident since it was read: read it again.
                }
            }
        }
        throw new IllegalStateException("could not attach event " + change.eventId() + " to open incident "
                + openIncidentId + ": it kept changing");
    }

    /**
     * Between two attempts to attach to an incident someone else just wrote: a random pause up to a doubling cap (full
     * jitter), so concurrent deliveries of a burst spread out instead of colliding again on the next read.
     */
    private static void backOff(int attempt) {
        long cap = Math.min(ATTACH_BACKOFF_CAP_MS, ATTACH_BACKOFF_BASE_MS << Math.min(attempt, 10));
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while attaching a repeat", e);
        }
    }

    /**
     * A redelivery of a repeat already attached to an incident: not counted again, and that incident's playbook handed
     * over if it was stranded (as for a redelivery of the incident's own event).
     */
    private DetectionResult duplicateOfAttached(String incidentId, Change change) {
        incidents.find(incidentId).ifPresent(incident -> requeueIfStranded(incident, change));
        return new DetectionResult.Duplicate(incidentId);
    }

    /**
     * When the same resource was remediated before, say so: a change that keeps coming back is usually
     * infrastructure-as-code re-applying it, and the fix belongs in the code.
     */
    private String repeatNote(ResourceRef resource, List<Finding> active, List<Incident> history) {
        if (active.isEmpty()) {
            return "";
        }
        List<Incident> before = history.stream().filter(i -> i.remediatedAt() != null).toList();
        if (before.isEmpty()) {
            return "";
        }
        return " " + resource.id() + " was remediated " + before.size() + (before.size() == 1 ? " time" : " times")
                + " before (last: " + before.get(0).incidentId() + ", " + before.get(0).origin().label()
                + "): if infrastructure-as-code keeps re-applying this change, fix it in the code.";
    }

    /**
     * Findings on-call already accepted as a risk by rejecting the fix in Slack, while that exception is in force:
     * the same rule on the same resource and, for security groups, no permission the rejected incident did not have
     * (accepting SSH from one block accepts nothing wider).
     */
    private static List<SuppressedFinding> acceptedRisks(List<Finding> findings, List<SuppressedFinding> already,
                                                         List<Incident> history, LocalDate today) {
        List<SuppressedFinding> out = new java.util.ArrayList<>();
        for (Finding f : findings) {
            if (already.stream().anyMatch(x -> x.finding() == f)) {
                continue;
            }
            for (Incident rejected : history) {
                io.portcullis.exception.PolicyException risk = rejected.acceptedRisk();
                if (risk == null || !risk.activeOn(today)
                        || !java.util.Arrays.asList(risk.rule().split(",\\s*")).contains(f.ruleId())) {
                    continue;
                }
                boolean covered = f.evidence().stream().allMatch(rule -> rejected.findings().stream()
                        .flatMap(x -> x.evidence().stream()).anyMatch(rule::samePermissionAs));
                if (covered) {
                    out.add(new SuppressedFinding(f, new io.portcullis.exception.PolicyException(f.ruleId(),
                            risk.resource(), null, null, List.of(), risk.owner(), risk.reason(), risk.expires(),
                            risk.source())));
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Runs an event through everything that needs no AWS call — reading, the rules, the protocol — and returns the
     * decision (or why the event was refused). A snapshot's priming hook calls it, so a restored function starts with
     * these paths loaded and compiled.
     */
    public String prime(byte[] sample) {
        ReadResult read = reader.read(sample);
        if (read instanceof ReadResult.Refused refused) {
            return "refused: " + refused.reason();
        }
        Change change = ((ReadResult.Read) read).change();
        List<Finding> findings = engine.findings(change);
        if (findings.isEmpty()) {
            return "compliant";
        }
        Decision decision = engine.decide(change, findings, Environment.PRODUCTION);
        return decision.priority() + " " + decision.response().label() + " (row " + decision.row() + ")";
    }

    /** The evidence of the findings whose own decision is automatic remediation. */
    private List<io.portcullis.network.IngressRule> autoRules(Change change, List<Finding> active, Environment environment) {
        List<io.portcullis.network.IngressRule> rules = new java.util.ArrayList<>();
        for (Finding f : active) {
            Decision own = engine.decide(change, List.of(f), environment);
            if (own != null && own.response() == Response.AUTO) {
                rules.addAll(f.evidence());
            }
        }
        return rules;
    }

    /**
     * A redelivery of an event whose incident was recorded but never handed to remediation (the queue send failed,
     * or the function died in between) hands it over now. Remediation claims incidents with a conditional write, so
     * a second hand-over can never act twice.
     */
    private void requeueIfStranded(Incident incident, Change change) {
        boolean playbookRan = incident.timeline().stream()
                .anyMatch(t -> io.portcullis.playbook.PlaybookWorker.ACTOR.equals(t.actor()));
        if (incident.status() == IncidentStatus.OPEN && !playbookRan && incident.response() != Response.RECORD
                && !incident.findings().isEmpty()) {
            playbooks.start(incident, input(incident));
        }
    }

    /** The execution input, with the approval gate's terms from the row that decided. */
    private com.fasterxml.jackson.databind.node.ObjectNode input(Incident incident) {
        io.portcullis.protocol.ProtocolRow row = engine.row(incident.decision());
        if (breaker != null && row != null && row.response() == Response.AUTO
                && incident.response() == Response.APPROVAL) {
            // Held back by the blast-radius breaker: the breaker's approval gate, not the (automatic) row's.
            return PlaybookInput.of(incident, breaker.config().approvalWithin(), breaker.config().onTimeout());
        }
        return PlaybookInput.of(incident, row);
    }

    /**
     * The deployment's own account and region. A single-account deployment's worker may act only there (its role is
     * scoped to them): incidents elsewhere (forwarded from other accounts or regions) get their playbook, which hands
     * them to a person, and are never remediated automatically. An organisation's hub ({@link #acrossOrganisation})
     * acts in every member account and region.
     */
    public DetectChange withJurisdiction(String account, String region) {
        this.homeAccount = account;
        this.homeRegion = region;
        return this;
    }

    /**
     * The deployment is an organisation's hub: its worker assumes each member account's remediation role and acts in
     * the incident's own account and region, so an incident anywhere in the organisation is remediated like one in
     * the hub's own account. Whether the account is a member at all is settled before an event is judged.
     */
    public DetectChange acrossOrganisation() {
        this.organisation = true;
        return this;
    }

    /**
     * The safeguards (the detector function sets all of them; offline tools none): the operator's kill switch, read
     * before each incident is recorded; the blast-radius breaker, asked before each automatic remediation; the
     * heartbeat of every readable event's account; and the pager the breaker pages through.
     */
    public DetectChange withSafeguards(io.portcullis.safeguard.KillSwitch killSwitch,
                                       io.portcullis.safeguard.BlastRadiusBreaker breaker,
                                       io.portcullis.safeguard.ThrottledHeartbeat heartbeat,
                                       io.portcullis.safeguard.Pager pager) {
        this.killSwitch = killSwitch;
        this.breaker = breaker;
        this.heartbeat = heartbeat;
        this.pager = pager;
        return this;
    }

    /** Read policy versions with this, to judge SetDefaultPolicyVersion (the detector function does). */
    public DetectChange withPolicyVersions(PolicyVersions versions) {
        this.policyVersions = versions;
        return this;
    }

    private Change withPolicyDocument(Change change) {
        String arn = change.request().path("policyArn").asText("");
        String version = change.request().path("versionId").asText("");
        return policyVersions.document(arn, version).map(doc -> {
            com.fasterxml.jackson.databind.node.ObjectNode completed = change.request().deepCopy();
            completed.put("policyDocument", doc);
            return change.withRequest(completed);
        }).orElse(change);
    }

    /** Read users' MFA devices with this, to judge a console password (the detector function does). */
    public DetectChange withMfaDevices(io.portcullis.remediation.MfaDevices devices) {
        this.mfaDevices = devices;
        return this;
    }

    /** The user's MFA devices, read now, in the request; whatever the event itself said under that name is dropped. */
    private Change withMfaDevices(Change change) {
        com.fasterxml.jackson.databind.node.ObjectNode completed = change.request().deepCopy();
        completed.remove(io.portcullis.rule.IamPrivilegeRule.LIVE_MFA_DEVICES);
        String user = change.request().path("userName").asText("");
        if (!user.isBlank()) {
            mfaDevices.count(change.resource().account(), user)
                    .ifPresent(n -> completed.put(io.portcullis.rule.IamPrivilegeRule.LIVE_MFA_DEVICES, n));
        }
        return change.withRequest(completed);
    }

    /** Fetch oversized AWS Config items from S3 with this (the detector function does; offline tools do not). */
    public DetectChange withOversizedItems(OversizedItems items) {
        this.oversized = items;
        return this;
    }

    private ReadResult readOversized(byte[] raw, ReadResult refused) {
        JsonNode root;
        try {
            root = io.portcullis.json.Json.mapper().readTree(raw);
        } catch (java.io.IOException | RuntimeException e) {
            return refused;
        }
        // A failing S3 read propagates: Lambda retries the event instead of dropping it. An item too large to read
        // stays too large, so it is refused (and kept for replay) instead.
        JsonNode expanded;
        try {
            expanded = reader.expandOversized(root, oversized);
        } catch (OversizedItems.TooLarge e) {
            return new ReadResult.Refused(((ReadResult.Refused) refused).eventRef(), e.getMessage());
        }
        return expanded == root ? refused : reader.read(expanded);
    }

    /**
     * A modification names rule ids only: the live group says which are ingress. If the group is gone the rules are
     * kept (judged as ingress): a missing group is no reason to stay quiet.
     */
    private Change onlyIngress(Change change) {
        Optional<SecurityGroupState> live = inspector.describe(change.resource());
        if (live.isEmpty()) {
            return change;
        }
        Set<String> ingressIds = live.get().ingress().stream().map(r -> r.ruleId()).collect(java.util.stream.Collectors.toSet());
        return change.withRules(change.rules().stream().filter(r -> ingressIds.contains(r.ruleId())).toList());
    }

    /**
     * Whether Portcullis' playbooks may change the resource: anywhere in an organisation (the worker assumes the
     * member account's role), else only in its own account and region (its roles are scoped to them). Elsewhere the
     * playbook still runs, and hands the incident to a person.
     */
    private boolean remediable(Change change) {
        return organisation || home(change);
    }

    /** In the stack's account, and in its region (IAM is global: its resources belong to every region). */
    private boolean home(Change change) {
        String region = change.resource().region();
        return (homeAccount == null || homeAccount.equals(change.resource().account()))
                && (homeRegion == null || homeRegion.equals(region) || "global".equals(region));
    }

    /** Whether the change was made with one of Portcullis' own roles, by whoever holds it. */
    private boolean usesOwnRole(Change change) {
        return ownRole(change) != null;
    }

    private String ownRole(Change change) {
        String issuer = change.actor().sessionIssuerArn();
        String principal = change.actor().principalArn();
        return issuer != null && ownRoleArns.contains(issuer) ? issuer
                : principal != null && ownRoleArns.contains(principal) ? principal : null;
    }

    /**
     * Null when a change made with an own role came from the worker function itself; else why it is judged. Lambda
     * names an execution role's session after the function, and nobody else can run as that function, so the role's
     * session with the function's name is Portcullis; the same role in any other session (another function given the
     * role, or an AssumeRole with a session name of the caller's choosing) is someone borrowing Portcullis' power.
     */
    private String borrowedRoleNote(Change change) {
        if (workerFunctionName == null) {
            return null;
        }
        String issuer = change.actor().sessionIssuerArn();
        String principal = change.actor().principalArn();
        String session = principal != null && principal.contains(":assumed-role/") ? change.actor().displayName() : null;
        if (issuer != null && ownRoleArns.contains(issuer) && workerFunctionName.equals(session)) {
            return null;
        }
        return "Portcullis' own role " + ownRole(change) + " was used outside its function (session "
                + (session == null ? "none" : "'" + session + "'") + ", not '" + workerFunctionName + "'): someone"
                + " holding the role made this change, so it is judged like any other.";
    }

    /**
     * The worker function's name: only changes from that function's session count as Portcullis' own (the detector
     * function sets it from {@code PORTCULLIS_WORKER_FUNCTION_NAME}). Unset (offline tools, local runs that predate
     * it), every change made with an own role is Portcullis' own, whoever holds the role.
     */
    public DetectChange withWorkerFunction(String functionName) {
        this.workerFunctionName = functionName == null || functionName.isBlank() ? null : functionName.trim();
        return this;
    }

    /**
     * The kill switch's parameter name: a change to it (PutParameter, DeleteParameter, DeleteParameters) pages
     * on-call with who changed it and when, instead of being judged. Null: no switch, nothing to watch.
     */
    public DetectChange watchingKillSwitch(String parameterName) {
        this.killSwitchParameter = parameterName == null || parameterName.isBlank() ? null : parameterName.trim();
        return this;
    }

    /**
     * These accounts, fixed, instead of the directory's (tests and offline tools): their environments, names and
     * units, the organisation of the trust-policy rule and, when members are admitted, the members besides this
     * account.
     */
    public DetectChange withAccounts(io.portcullis.protocol.Accounts accounts) {
        this.engine = engine.withAccounts(accounts);
        this.directory = io.portcullis.protocol.AccountDirectory.fixed(accounts, "the accounts given");
        return this;
    }

    /**
     * Admit only events from members: the directory's accounts (AWS Organizations with accounts.yaml over it, or
     * accounts.yaml alone in a single-account deployment) and this account. Anything else is refused with the reason,
     * not judged, not retried. The directory also gives every judgement its environments, the trust-policy rule its
     * organisation, and each incident its account's name and unit; the engine is rebuilt when it changes.
     *
     * @param ownAccount the deployment's own account; null admits every account (local and offline runs only)
     */
    public DetectChange withMembership(io.portcullis.protocol.AccountDirectory directory, String ownAccount) {
        this.directory = directory;
        this.ownAccount = ownAccount == null || ownAccount.isBlank() ? null : ownAccount.trim();
        this.admitting = this.ownAccount != null;
        return this;
    }

    /** The directory's accounts now; the engine follows them (a new read rebuilds the rules once). */
    private io.portcullis.protocol.Accounts accounts() {
        if (directory == null) {
            return engine.accounts();
        }
        io.portcullis.protocol.Accounts now = directory.current();
        if (now != engine.accounts() && !now.equals(engine.accounts())) {
            engine = engine.withAccounts(now);
        }
        return now;
    }

    /** Why the change's account may not be judged here, or null when it is a member. */
    private String stranger(Change change, io.portcullis.protocol.Accounts accounts) {
        String account = change.resource().account();
        if (account == null || account.isBlank()) {
            return "the event names no account, so its membership cannot be checked; it is not judged";
        }
        if (account.equals(ownAccount) || accounts.contains(account)) {
            return null;
        }
        return "account " + account + " is not a member of this deployment (this account " + ownAccount + "; "
                + directory.source() + "): the event is not judged";
    }

    /**
     * Pages on-call that the kill switch changed: who, what it now says (when the event carries it), when. A page
     * that cannot be sent fails the event, so Lambda retries it: a silent flip is what this exists to prevent.
     */
    private DetectionResult pageKillSwitchChange(Change change) {
        String text = KillSwitchChange.describe(change, killSwitchParameter);
        // The page names the account the switch governs: the account's own switch, else the hub's (the global one).
        String governed = KillSwitchChange.targets(change, killSwitchParameter).stream()
                .filter(t -> t.account() == null).findFirst().map(t -> change.resource().account())
                .orElseGet(() -> KillSwitchChange.targets(change, killSwitchParameter).get(0).account());
        pager.page(new io.portcullis.safeguard.Pager.Page(io.portcullis.safeguard.Pager.KILL_SWITCH_CHANGED,
                governed, null, text, change.eventTime()));
        return new DetectionResult.KillSwitchChanged(change.eventId(), change.actor().principalArn(), text);
    }

    /** Exposed for the handler's log line. */
    public static Map<String, Object> describe(DetectionResult result) {
        return switch (result) {
            case DetectionResult.Refused r -> Map.of("outcome", r.outcome(), "event", r.eventRef(), "reason", r.reason());
            case DetectionResult.Ignored i -> Map.of("outcome", i.outcome(), "eventId", i.eventId(), "reason", i.reason());
            case DetectionResult.KillSwitchChanged k -> Map.of("outcome", k.outcome(), "eventId", k.eventId(),
                    "actor", k.actor() == null ? "unknown" : k.actor(), "page", k.page());
            case DetectionResult.Compliant c -> Map.of("outcome", c.outcome(), "eventId", c.eventId());
            case DetectionResult.Duplicate d -> Map.of("outcome", d.outcome(), "incidentId", d.incidentId());
            case DetectionResult.Attached a -> Map.of("outcome", a.outcome(), "incidentId", a.incidentId(),
                    "eventId", a.eventId());
            case DetectionResult.Opened o -> Map.of("outcome", o.outcome(), "incidentId", o.incident().incidentId(),
                    "priority", o.incident().priority().name(), "response", o.incident().response().label(),
                    "playbookStarted", o.queued());
        };
    }
}
