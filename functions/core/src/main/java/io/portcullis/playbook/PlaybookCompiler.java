package io.portcullis.playbook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import io.portcullis.protocol.Response;
import java.util.Arrays;
import java.util.List;

/**
 * Compiles a playbook into an Amazon States Language state machine (JSONPath), one state per playbook step, named as
 * the step, so every step appears by name in the execution history.
 *
 * <p>Each step that needs Portcullis' Java code is a {@code sqs:sendMessage.waitForTaskToken} task: the message
 * (step, type, parameters, task token) goes to the step queue, the playbook worker Lambda runs it and answers with
 * {@code SendTaskSuccess}/{@code SendTaskFailure}. The approval gate is the same integration: the worker records an
 * approval holding the token and asks Slack; the Slack interaction endpoint resumes it. Locally the emulator runs
 * the state machine for real and the test harness plays Lambda's event-source mapping for the queue.
 *
 * <p>Execution input: {@code {"incidentId", "response", "dryRun", "approval": {"timeoutSeconds", "onTimeout",
 * "inAdvance", "noticeSeconds"}, "slack": {}, "decision": {}}} — see {@link PlaybookInput}. The gate's time limit and
 * timeout action are always the protocol row's; for a scheduled fix the gate is asked at once and stays open until
 * the playbook's low-tide window opens (worked out by the worker just before the gate), unless the row approved it in
 * advance.
 *
 * <p>Every task retries throttling, 5xx and lost workers with exponential backoff and jitter; anything else (or the
 * retries running out) is caught and goes to {@code MarkFailed}, which marks the incident {@code FAILED} and alerts.
 */
public final class PlaybookCompiler {

    /** Replaced by the template's {@code DefinitionSubstitutions} (and by the local deployment) with the queue URL. */
    public static final String QUEUE_URL = "${StepQueueUrl}";
    /** Where alerts go when even the worker cannot mark the incident failed. */
    public static final String ALERT_QUEUE_URL = "${AlertQueueUrl}";
    public static final String SEND_WAIT = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
    public static final String SEND = "arn:aws:states:::sqs:sendMessage";
    /** Errors the worker raises (or the integration reports) that are worth retrying. */
    public static final List<String> TRANSIENT = List.of("Portcullis.Transient", "States.Timeout",
            "SQS.SdkClientException", "SQS.AmazonSQSException", "SQS.SqsException");
    public static final String REJECTED = "Portcullis.Rejected";
    /** The worker step that works out a scheduled fix's gate (see {@link #untilWindow}). */
    public static final String APPROVAL_WINDOW = "approval-window";
    public static final int STEP_TIMEOUT_SECONDS = 300;
    public static final int STEP_HEARTBEAT_SECONDS = 120;

    private PlaybookCompiler() {
    }

    public static ObjectNode compile(Playbook playbook) {
        ObjectNode machine = Json.mapper().createObjectNode();
        machine.put("Comment", "Portcullis playbook " + playbook.name() + ": " + playbook.description()
                + " Compiled from playbooks/" + playbook.name() + ".yaml; do not edit by hand.");
        machine.put("QueryLanguage", "JSONPath");
        List<PlaybookStep> steps = playbook.steps();
        machine.put("StartAt", entry(steps, 0));
        ObjectNode states = machine.putObject("States");
        for (int i = 0; i < steps.size(); i++) {
            PlaybookStep step = steps.get(i);
            String next = i + 1 < steps.size() ? entry(steps, i + 1) : "Done";
            if (PlaybookStep.APPROVE.equals(step.type())) {
                approvalGate(states, playbook, i, next);
                continue;
            }
            if (!step.when().isEmpty()) {
                // A step that runs only for some responses is guarded by a Choice named after it.
                ObjectNode guard = states.putObject(step.name() + ".When");
                guard.put("Type", "Choice");
                guard.put("Comment", "Run " + step.name() + " only when the protocol's response is "
                        + String.join(" or ", step.when()) + ".");
                ObjectNode or = guard.putArray("Choices").addObject();
                ArrayNode any = or.putArray("Or");
                for (String response : step.when()) {
                    any.addObject().put("Variable", "$.response").put("StringEquals", response);
                }
                if (step.when().size() == 1) {
                    ObjectNode only = (ObjectNode) any.get(0);
                    or.removeAll();
                    or.setAll(only);
                }
                or.put("Next", step.name());
                guard.put("Default", next);
            }
            if (PlaybookStep.WAIT_FOR_WINDOW.equals(step.type())) {
                window(states, playbook, step, next);
            } else {
                states.set(step.name(), task(playbook, step, next, resultPath(step)));
            }
        }
        ObjectNode done = states.putObject("Done");
        done.put("Type", "Succeed");
        done.put("Comment", "The playbook finished; the incident's status says how.");
        markFailed(states, playbook);
        return machine;
    }

    private static String entry(List<PlaybookStep> steps, int i) {
        PlaybookStep s = steps.get(i);
        return guarded(s) ? s.name() + ".When" : s.name();
    }

    /** A step that does not run the same way for every response starts with a Choice named after it. */
    private static boolean guarded(PlaybookStep s) {
        return !s.when().isEmpty() || (PlaybookStep.APPROVE.equals(s.type()) && s.runsFor(Response.SCHEDULED));
    }

    private static String resultPath(PlaybookStep step) {
        return switch (step.type()) {
            case PlaybookStep.SNAPSHOT -> "$.snapshot";
            case PlaybookStep.NOTIFY -> "$.slack";
            default -> "$.last";
        };
    }

    /** A step run by the worker: message with the task token, wait for its answer. */
    private static ObjectNode task(Playbook playbook, PlaybookStep step, String next, String resultPath) {
        ObjectNode task = Json.mapper().createObjectNode();
        task.put("Type", "Task");
        task.put("Comment", comment(step));
        task.put("Resource", SEND_WAIT);
        ObjectNode params = task.putObject("Parameters");
        params.put("QueueUrl", QUEUE_URL);
        ObjectNode body = params.putObject("MessageBody");
        body.put("taskToken.$", "$$.Task.Token");
        body.put("execution.$", "$$.Execution.Id");
        body.put("incidentId.$", "$.incidentId");
        body.put("dryRun.$", "$.dryRun");
        body.put("slack.$", "$.slack");
        body.put("decision.$", "$.decision");
        body.put("playbook", playbook.name());
        body.put("step", step.name());
        body.put("type", step.type());
        if (step.action() != null) {
            body.put("action", step.action());
        }
        if (PlaybookStep.REMEDIATE.equals(step.type())) {
            body.put("snapshot.$", "$.snapshot");
        }
        task.put("TimeoutSeconds", STEP_TIMEOUT_SECONDS);
        task.put("HeartbeatSeconds", STEP_HEARTBEAT_SECONDS);
        task.put("ResultPath", resultPath);
        retry(task);
        catchAll(task);
        task.put("Next", next);
        return task;
    }

    private static String comment(PlaybookStep step) {
        return switch (step.type()) {
            case PlaybookStep.SNAPSHOT -> "Record the before-state of the resource.";
            case PlaybookStep.NOTIFY -> "Tell on-call in Slack what changed and what happens next.";
            case PlaybookStep.REMEDIATE -> "Remediate: " + step.remediationAction().map(RemediationAction::description)
                    .orElse(step.action());
            case PlaybookStep.VERIFY -> "Re-read the live state: the finding must be gone.";
            case PlaybookStep.RESOLVE -> "Close the incident and record the outcome.";
            default -> step.type();
        };
    }

    private static void retry(ObjectNode task) {
        ObjectNode retry = task.putArray("Retry").addObject();
        ArrayNode errors = retry.putArray("ErrorEquals");
        TRANSIENT.forEach(errors::add);
        retry.put("IntervalSeconds", 2);
        retry.put("MaxAttempts", 4);
        retry.put("BackoffRate", 2.0);
        retry.put("MaxDelaySeconds", 30);
        retry.put("JitterStrategy", "FULL");
    }

    private static void catchAll(ObjectNode task) {
        ObjectNode c = task.putArray("Catch").addObject();
        c.putArray("ErrorEquals").add("States.ALL");
        c.put("ResultPath", "$.error");
        c.put("Next", "MarkFailed");
    }

    /**
     * The approval gate: the worker stores the task token with a new approval and asks Slack; the interaction
     * endpoint answers. Rejection and the time limit each have their own path; the time limit and the timeout action
     * are the protocol row's ({@code $.approval}). For a scheduled fix, {@code .UntilWindow} first works out when the
     * playbook's window opens and replaces {@code $.approval} with the terms until then (or says it was approved in
     * advance, and the gate is skipped).
     */
    private static void approvalGate(ObjectNode states, Playbook playbook, int index, String next) {
        PlaybookStep step = playbook.steps().get(index);
        if (guarded(step)) {
            ObjectNode guard = states.putObject(step.name() + ".When");
            guard.put("Type", "Choice");
            List<String> now = Arrays.stream(Response.values()).filter(r -> r != Response.SCHEDULED && step.runsFor(r))
                    .map(Response::label).toList();
            guard.put("Comment", "Ask on-call for " + String.join(" or ", now.isEmpty() ? List.of("no response") : now)
                    + (step.runsFor(Response.SCHEDULED) ? "; for scheduled, until the low-tide window opens" : "")
                    + ".");
            ArrayNode choices = guard.putArray("Choices");
            if (!now.isEmpty()) {
                ObjectNode ask = choices.addObject();
                ArrayNode any = ask.putArray("Or");
                now.forEach(r -> any.addObject().put("Variable", "$.response").put("StringEquals", r));
                if (now.size() == 1) {
                    ObjectNode only = (ObjectNode) any.get(0);
                    ask.removeAll();
                    ask.setAll(only);
                }
                ask.put("Next", step.name());
            }
            if (step.runsFor(Response.SCHEDULED)) {
                choices.addObject().put("Variable", "$.response").put("StringEquals", Response.SCHEDULED.label())
                        .put("Next", step.name() + ".UntilWindow");
                untilWindow(states, playbook, index, next);
            }
            guard.put("Default", next);
        }

        ObjectNode gate = task(playbook, step, next, "$.decision");
        gate.put("Comment", "Wait for on-call's decision in Slack (approval id on the button, token kept server-side);"
                + " the time limit and the timeout action are the protocol row's.");
        ObjectNode body = (ObjectNode) gate.path("Parameters").path("MessageBody");
        body.put("timeoutSeconds.$", "$.approval.timeoutSeconds");
        body.put("onTimeout.$", "$.approval.onTimeout");
        gate.remove("HeartbeatSeconds");
        gate.remove("TimeoutSeconds");
        gate.put("TimeoutSecondsPath", "$.approval.timeoutSeconds");
        // A lost worker (States.Timeout before a decision) is not retried here: States.Timeout means on-call did
        // not answer in time, and the protocol's timeout action applies.
        ObjectNode retry = (ObjectNode) gate.path("Retry").get(0);
        ArrayNode errors = retry.putArray("ErrorEquals");
        TRANSIENT.stream().filter(e -> !e.equals("States.Timeout")).forEach(errors::add);
        ArrayNode catches = gate.putArray("Catch");
        catches.addObject().<ObjectNode>set("ErrorEquals", Json.mapper().createArrayNode().add(REJECTED))
                .put("ResultPath", "$.error").put("Next", step.name() + ".Rejected");
        catches.addObject().<ObjectNode>set("ErrorEquals", Json.mapper().createArrayNode().add("States.Timeout"))
                .put("ResultPath", "$.error").put("Next", step.name() + ".TimedOut");
        catches.addObject().<ObjectNode>set("ErrorEquals", Json.mapper().createArrayNode().add("States.ALL"))
                .put("ResultPath", "$.error").put("Next", "MarkFailed");
        states.set(step.name(), gate);

        PlaybookStep rejected = PlaybookStep.internal(step.name() + ".Rejected", "rejected");
        ObjectNode rej = task(playbook, rejected, "Done", "$.last");
        rej.put("Comment", "On-call rejected: record the reason as an exception with an expiry; change nothing.");
        ((ObjectNode) rej.path("Parameters").path("MessageBody")).put("error.$", "$.error");
        states.set(rejected.name(), rej);

        PlaybookStep timedOut = PlaybookStep.internal(step.name() + ".TimedOut", "approval-timed-out");
        ObjectNode to = task(playbook, timedOut, step.name() + ".OnTimeout", "$.last");
        to.put("Comment", "Nobody decided in time: close the approval, say so in Slack.");
        ((ObjectNode) to.path("Parameters").path("MessageBody")).put("onTimeout.$", "$.approval.onTimeout");
        states.set(timedOut.name(), to);

        ObjectNode choice = states.putObject(step.name() + ".OnTimeout");
        choice.put("Type", "Choice");
        choice.put("Comment", "The protocol row's timeout action: remediate, escalate or abort.");
        ArrayNode choices = choice.putArray("Choices");
        choices.addObject().put("Variable", "$.approval.onTimeout").put("StringEquals", "remediate").put("Next", next);
        choices.addObject().put("Variable", "$.approval.onTimeout").put("StringEquals", "abort")
                .put("Next", step.name() + ".Abort");
        choice.put("Default", step.name() + ".Escalate");
        for (String outcome : List.of("Escalate", "Abort")) {
            PlaybookStep s = PlaybookStep.internal(step.name() + "." + outcome, outcome.equals("Escalate") ? "escalate"
                    : "abort");
            ObjectNode t = task(playbook, s, "Done", "$.last");
            t.put("Comment", outcome.equals("Escalate") ? "Page the escalation contact; the incident stays open."
                    : "Stop: record that nothing was changed because nobody approved.");
            states.set(s.name(), t);
        }
    }

    /**
     * A scheduled fix's gate closes when the window opens: the worker works out when that is, on its clock, from the
     * first wait-for-window step after the gate that runs for scheduled, and answers the gate's terms.
     */
    private static void untilWindow(ObjectNode states, Playbook playbook, int index, String next) {
        PlaybookStep step = playbook.steps().get(index);
        Window window = playbook.steps().stream().skip(index + 1L)
                .filter(s -> PlaybookStep.WAIT_FOR_WINDOW.equals(s.type()) && s.runsFor(Response.SCHEDULED))
                .map(PlaybookStep::window).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("playbook " + playbook.name() + ": " + step.name()
                        + " asks for scheduled fixes, but no wait-for-window step after it runs for scheduled"));
        PlaybookStep until = PlaybookStep.internal(step.name() + ".UntilWindow", APPROVAL_WINDOW);
        ObjectNode ask = task(playbook, until, step.name() + ".InAdvance", "$.approval");
        ask.put("Comment", "Work out when the low-tide window " + window.describe() + " opens: the approval stays open"
                + " until then (or the protocol row approved the fix in advance).");
        ObjectNode body = (ObjectNode) ask.path("Parameters").path("MessageBody");
        body.set("window", windowJson(window));
        body.put("approval.$", "$.approval");
        states.set(until.name(), ask);
        ObjectNode inAdvance = states.putObject(step.name() + ".InAdvance");
        inAdvance.put("Type", "Choice");
        inAdvance.put("Comment", "Approved in advance by the protocol row: nobody is asked.");
        inAdvance.putArray("Choices").addObject().put("Variable", "$.approval.inAdvance").put("BooleanEquals", true)
                .put("Next", next);
        inAdvance.put("Default", step.name());
    }

    private static ObjectNode windowJson(Window window) {
        ObjectNode w = Json.mapper().createObjectNode();
        ArrayNode days = w.putArray("days");
        window.dayKeys().forEach(days::add);
        w.put("start", window.start().toString());
        w.put("end", window.end().toString());
        w.put("timeZone", window.zone().getId());
        return w;
    }

    /** Ask the worker when the window next opens (its clock), then sleep until then. */
    private static void window(ObjectNode states, Playbook playbook, PlaybookStep step, String next) {
        ObjectNode ask = task(playbook, step, step.name() + ".Sleep", "$.window");
        ask.put("Comment", "Work out when the low-tide window " + step.window().describe() + " next opens.");
        ((ObjectNode) ask.path("Parameters").path("MessageBody")).set("window", windowJson(step.window()));
        states.set(step.name(), ask);
        ObjectNode sleep = states.putObject(step.name() + ".Sleep");
        sleep.put("Type", "Wait");
        sleep.put("Comment", "Sleep until the window opens (seconds worked out by " + step.name() + ").");
        sleep.put("SecondsPath", "$.window.seconds");
        sleep.put("Next", next);
    }

    /** Mark the incident FAILED with the cause and alert; if the worker cannot, the alert queue still hears. */
    private static void markFailed(ObjectNode states, Playbook playbook) {
        PlaybookStep fail = PlaybookStep.internal("MarkFailed", "fail");
        ObjectNode t = task(playbook, fail, "Failed", "$.last");
        t.put("Comment", "Mark the incident FAILED with the cause, and alert on-call.");
        ((ObjectNode) t.path("Parameters").path("MessageBody")).put("error.$", "$.error");
        ObjectNode c = (ObjectNode) t.path("Catch").get(0);
        // Beside the step's error, not over it: the alert must still say why the playbook failed.
        c.put("ResultPath", "$.markFailedError");
        c.put("Next", "MarkFailed.Alert");
        states.set("MarkFailed", t);

        ObjectNode alert = states.putObject("MarkFailed.Alert");
        alert.put("Type", "Task");
        alert.put("Comment", "The worker could not mark the incident failed: leave the alert on the alert queue.");
        alert.put("Resource", SEND);
        ObjectNode params = alert.putObject("Parameters");
        params.put("QueueUrl", ALERT_QUEUE_URL);
        ObjectNode body = params.putObject("MessageBody");
        body.put("incidentId.$", "$.incidentId");
        body.put("execution.$", "$$.Execution.Id");
        body.put("playbook", playbook.name());
        body.put("error.$", "$.error");
        body.put("markFailedError.$", "$.markFailedError");
        alert.putNull("ResultPath");
        ObjectNode r = alert.putArray("Retry").addObject();
        r.putArray("ErrorEquals").add("States.ALL");
        r.put("IntervalSeconds", 2).put("MaxAttempts", 5).put("BackoffRate", 2.0).put("JitterStrategy", "FULL");
        ObjectNode last = alert.putArray("Catch").addObject();
        last.putArray("ErrorEquals").add("States.ALL");
        last.put("ResultPath", "$.alertError");
        last.put("Next", "Failed");
        alert.put("Next", "Failed");

        ObjectNode failed = states.putObject("Failed");
        failed.put("Type", "Fail");
        failed.put("Error", "Portcullis.PlaybookFailed");
        failed.put("Comment", "The incident is FAILED and on-call was alerted.");
        failed.put("Cause", "See the incident's timeline and the MarkFailed step's input for the cause.");
    }
}
