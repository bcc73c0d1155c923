package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.ApprovalStore;
import io.portcullis.aws.DynamoDbApprovalStore;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.local.ShiftableClock;
import io.portcullis.local.SlackButtons;
import io.portcullis.playbook.Playbook;
import io.portcullis.playbook.PlaybookStep;
import io.portcullis.playbook.Window;
import io.portcullis.protocol.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Replays a sample against its sandbox resource in a local deployment and follows the incident to where it ends: the
 * change made for real ({@link #stage}), the real detector, the playbook's execution driven as Lambda's event-source
 * mapping would, approval gates answered with signed Slack clicks by an on-call approver (never the person who made
 * the change), a scheduled fix's low-tide window opened a few seconds into the run (the worker's clock is placed just
 * before it), and Undo clicked and carried out when asked ({@link #drive}).
 */
public final class ScenarioRun {

    /** What to answer at an approval gate. */
    public enum Decision { APPROVE, REJECT, NONE }

    /** When to click the Undo a fix offers: never, always, or after automatic fixes only (what the protocol promises). */
    public enum Undo { NO, YES, EVERY_FIX }

    /**
     * A sample set up: its scenario, the event aimed at it (after the change was made), and the resource's state
     * before and right after the change.
     */
    public record Staged(SampleEvent sample, Scenario scenario, ObjectNode event, ObjectNode before, ObjectNode after) {
    }

    /** How long before the window opens the worker's clock is placed: the execution's Wait is about this long. */
    public static final Duration WINDOW_LEAD = Duration.ofSeconds(8);
    /** The reason given for a rejection from the demo. */
    public static final String REJECT_REASON = "accepted for the sandbox: rejected from ./portcullis demo";

    private final LocalRuntime runtime;
    private final ShiftableClock workerClock;
    private final Path root;
    private final String approver = LocalRuntime.APPROVERS.get(0);

    /**
     * @param workerClock the clock the runtime's playbook worker was deployed with ({@link LocalRuntime#deploy})
     */
    public ScenarioRun(LocalRuntime runtime, ShiftableClock workerClock, Path repositoryRoot) {
        this.runtime = runtime;
        this.workerClock = workerClock;
        this.root = repositoryRoot;
    }

    /**
     * Creates the resource in its state before the change, runs the deployment's watchdog once (its sweep records the
     * last known configuration some fixes restore from), makes the event's call, and reads the state on both sides.
     */
    public Staged stage(SampleEvent sample, Scenario scenario) {
        scenario.createBefore(sample);
        ObjectNode before = scenario.read();
        runtime.runWatchdog(Clock.systemUTC());
        ObjectNode event = scenario.aim(sample);
        if (!sample.failed()) {
            event = scenario.apply(event);
        }
        return new Staged(sample, scenario, event, before, scenario.read());
    }

    /** Sends the staged event to the detector and follows the incident until it ends or waits for a person. */
    public RunOutcome drive(Staged staged, Decision decision, Undo undo, Duration limit) {
        JsonNode answer = runtime.invokeDetector(staged.event());
        String incidentId = answer.path("incidentId").asText(null);
        String sample = relative(staged.sample().file());
        if (incidentId == null || runtime.incident(incidentId).isEmpty()) {
            ObjectNode end = staged.scenario().read();
            return new RunOutcome(sample, staged.sample().change(), staged.scenario().describe(), answer, null, null,
                    List.of(), List.of(), false, false, List.of(), List.of(), staged.before(), staged.after(), end,
                    staged.scenario().fixed(staged.before(), staged.after(), null), null);
        }
        Incident incident = runtime.incident(incidentId).orElseThrow();
        Optional<Playbook> playbook = playbookOf(incident);
        List<RunOutcome.Click> clicks = new ArrayList<>();
        LocalRuntime.Execution execution = null;
        if (answer.path("playbookStarted").asBoolean(false)) {
            try {
                if (incident.response() == Response.SCHEDULED) {
                    playbook.flatMap(p -> nextWindowOpening(p, incident.response(), Instant.now()))
                            .ifPresent(opens -> workerClock.shiftTo(opens.minus(WINDOW_LEAD)));
                }
                execution = runtime.runPlaybook(incidentId, limit);
                for (int gate = 0; gate < 4 && decision != Decision.NONE && execution.status() == ExecutionStatus.RUNNING
                        && awaitingApproval(incidentId); gate++) {
                    String action = decision == Decision.APPROVE ? "approve" : "reject";
                    Optional<SlackButtons.Button> button = SlackButtons.approval(runtime.slack(), incidentId, action);
                    if (button.isEmpty()) {
                        break;
                    }
                    // Approvers take turns: a change whose actor nobody trusted names needs two of them to agree.
                    String clicker = LocalRuntime.APPROVERS.get((LocalRuntime.APPROVERS.indexOf(approver) + gate)
                            % LocalRuntime.APPROVERS.size());
                    int status = runtime.click(SlackButtons.click(clicker, button.get(),
                            decision == Decision.REJECT ? REJECT_REASON : null), Instant.now()).getStatusCode();
                    clicks.add(new RunOutcome.Click(action, clicker, status));
                    if (status != 200) {
                        break;
                    }
                    execution = runtime.runPlaybook(incidentId, limit);
                }
            } finally {
                workerClock.reset();
            }
        }
        Incident ended = runtime.incident(incidentId).orElseThrow();
        ObjectNode end = staged.scenario().read();
        boolean undoWanted = undo == Undo.YES || (undo == Undo.EVERY_FIX && !ended.undoableFixes().isEmpty());
        Optional<SlackButtons.Button> undoButton = SlackButtons.undo(runtime.slack(), incidentId);
        ObjectNode afterUndo = null;
        if (undoWanted && ended.status() == IncidentStatus.RESOLVED && undoButton.isPresent()) {
            int status = runtime.click(SlackButtons.click(approver, undoButton.get(), null), Instant.now()).getStatusCode();
            clicks.add(new RunOutcome.Click("undo", approver, status));
            if (status == 200) {
                drainSteps(Duration.ofSeconds(20));
            }
            afterUndo = staged.scenario().read();
            ended = runtime.incident(incidentId).orElseThrow();
        }
        return new RunOutcome(sample, staged.sample().change(), staged.scenario().describe(), answer, ended,
                execution, execution == null ? List.of() : actions(execution, playbook), clicks, undoWanted,
                undoButton.isPresent(), slackAbout(incidentId), pagesAbout(incidentId), staged.before(), staged.after(),
                end, staged.scenario().fixed(staged.before(), staged.after(), ended), afterUndo);
    }

    /** The playbook of the incident's rule family, as written in {@code playbooks/}. */
    private Optional<Playbook> playbookOf(Incident incident) {
        if (incident.findings().isEmpty()) {
            return Optional.empty();
        }
        return Playbook.readAll(root.resolve("playbooks")).stream()
                .filter(p -> p.family() == incident.findings().get(0).family()).findFirst();
    }

    /** When the playbook's low-tide window for this response next opens after {@code now}; empty without one. */
    static Optional<Instant> nextWindowOpening(Playbook playbook, Response response, Instant now) {
        Optional<Window> window = playbook.steps().stream()
                .filter(s -> s.type().equals(PlaybookStep.WAIT_FOR_WINDOW) && s.window() != null
                        && (s.when().isEmpty() || s.when().contains(response.label())))
                .map(PlaybookStep::window).findFirst();
        if (window.isEmpty()) {
            return Optional.empty();
        }
        // Open right now is not "opens during the run": step past this window's close to the next real opening
        // (nextOpening answers the instant itself while a window is open).
        Instant from = now;
        for (int step = 0; step < 24 * 8 * 2; step++) {
            Instant opens = window.get().nextOpening(from);
            if (opens.isAfter(from)) {
                return Optional.of(opens);
            }
            from = from.plus(Duration.ofMinutes(30));
        }
        return Optional.empty();
    }

    private boolean awaitingApproval(String incidentId) {
        ApprovalStore approvals = new DynamoDbApprovalStore(runtime.dynamoDb(), runtime.deployment().approvalsTable(),
                Json.mapper());
        return approvals.pendingFor(incidentId).filter(a -> a.messageTs() != null).isPresent();
    }

    /** Plays the step queue's event-source mapping until what the click queued has been handled. */
    private void drainSteps(Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        int handled = 0;
        while (Instant.now().isBefore(deadline)) {
            int n = runtime.runSteps();
            handled += n;
            if (handled > 0 && n == 0) {
                return;
            }
            if (n == 0) {
                sleep(100);
            }
        }
    }

    /**
     * The remediate steps whose result changed the resource (or would have, in dry-run): each task's answer, matched
     * to the state that asked for it in the execution's history.
     */
    private static List<RunOutcome.Action> actions(LocalRuntime.Execution execution, Optional<Playbook> playbook) {
        Map<String, String> remediate = new LinkedHashMap<>();
        playbook.ifPresent(p -> p.steps().stream().filter(s -> s.type().equals(PlaybookStep.REMEDIATE))
                .forEach(s -> remediate.put(s.name(), s.action())));
        List<RunOutcome.Action> out = new ArrayList<>();
        String state = null;
        for (HistoryEvent e : execution.history()) {
            if (e.stateEnteredEventDetails() != null) {
                state = e.stateEnteredEventDetails().name();
            }
            if (e.taskSucceededEventDetails() != null && state != null && remediate.containsKey(state)) {
                JsonNode result = parse(e.taskSucceededEventDetails().output());
                String kind = result.path("result").asText("");
                if (kind.equals("changed") || kind.equals("would_change")) {
                    out.add(new RunOutcome.Action(state, remediate.get(state), kind, result.path("detail").asText("")));
                }
            }
        }
        return out;
    }

    /**
     * The Slack calls about the incident: messages naming it (its announcement, approval, Undo offer, alerts), the
     * replies in their threads, and the updates of those messages.
     */
    private List<RunOutcome.SlackMessage> slackAbout(String incidentId) {
        List<LocalSlack.Request> all = runtime.slack().requests().stream().filter(LocalSlack.Request::ok)
                .filter(r -> r.method().equals("chat.postMessage") || r.method().equals("chat.update")).toList();
        Set<String> threads = new HashSet<>();
        Set<String> named = new HashSet<>();
        for (LocalSlack.Request r : all) {
            if (r.method().equals("chat.postMessage") && mentions(r, incidentId)) {
                named.add(r.ts());
                threads.add(r.threadTs() != null ? r.threadTs() : r.ts());
            }
        }
        List<RunOutcome.SlackMessage> out = new ArrayList<>();
        for (LocalSlack.Request r : all) {
            boolean about = r.method().equals("chat.update") ? named.contains(r.ts()) || mentions(r, incidentId)
                    : mentions(r, incidentId) || (r.threadTs() != null && threads.contains(r.threadTs()));
            if (about) {
                out.add(new RunOutcome.SlackMessage(r.channel(), kind(r), firstLine(r.text())));
            }
        }
        return out;
    }

    private static boolean mentions(LocalSlack.Request r, String incidentId) {
        return (r.text() != null && r.text().contains(incidentId))
                || (r.blocks() != null && !r.blocks().isMissingNode() && r.blocks().toString().contains(incidentId));
    }

    private static String kind(LocalSlack.Request r) {
        if (r.method().equals("chat.update")) {
            return "update";
        }
        if (!r.block("actions", io.portcullis.approval.SlackAction.BLOCK_PREFIX).isMissingNode()) {
            return "approval";
        }
        if (!r.block("actions", io.portcullis.approval.SlackAction.UNDO_BLOCK_PREFIX).isMissingNode()) {
            return "undo-offer";
        }
        if (r.text() != null && r.text().startsWith(":warning: Portcullis alert")) {
            return "alert";
        }
        return r.threadTs() == null ? "announce" : "reply";
    }

    /** The alert queue's pages about the incident (each read hides the queue's messages for a moment, no longer). */
    private List<JsonNode> pagesAbout(String incidentId) {
        String queue = runtime.deployment().alertQueueUrl();
        List<JsonNode> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < 50; round++) {
            var messages = runtime.sqs().receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                    .visibilityTimeout(2)).messages();
            if (messages.isEmpty()) {
                break;
            }
            for (var m : messages) {
                JsonNode body = parse(m.body());
                if (seen.add(m.messageId()) && incidentId.equals(body.path("incidentId").asText())) {
                    out.add(body);
                }
            }
        }
        return out;
    }

    private String relative(Path file) {
        if (file == null) {
            return null;
        }
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(root.toAbsolutePath()) ? root.toAbsolutePath().relativize(absolute).toString()
                : absolute.toString();
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode n = Json.mapper().readTree(json == null ? "" : json);
            return n == null ? Json.mapper().createObjectNode() : n;
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
