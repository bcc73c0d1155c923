package io.portcullis.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a step message speaks for its execution: the worker acts on a step only while its execution is
 * running, waiting on exactly that step's task, and the task sent exactly this message (its task token included).
 * Anything else — a forged message, one naming another incident's execution, a copy of an old step, a redelivery of a
 * step already answered — is refused: nothing in the message is trusted until the execution vouches for it.
 *
 * <p>Undo and page messages carry no task token and no execution; they are checked where they are run (an Undo only
 * against its decided Undo record, a page only for an existing incident).
 */
public final class StepAuthority {

    /** Events that close a task: after one, the task no longer waits for this message. */
    private static final Set<String> CLOSING = Set.of("TaskSucceeded", "TaskFailed", "TaskTimedOut",
            "TaskStartFailed", "TaskSubmitFailed", "TaskStateExited", "TaskStateAborted");

    /** Accepts every message: only for tests and offline tools that run steps without an execution. */
    public static final StepAuthority UNCHECKED = new StepAuthority(null);

    private final ExecutionState executions;

    public StepAuthority(ExecutionState executions) {
        this.executions = executions;
    }

    /** Empty when the worker may act on the message; else why not, in words (logged, and on the timeline). */
    public Optional<String> refusal(StepRequest request) {
        if (executions == null || request.taskToken() == null) {
            return Optional.empty();
        }
        String arn = request.execution();
        if (arn == null || arn.isBlank()) {
            return Optional.of("the message names no execution");
        }
        Optional<ExecutionState.Execution> found = executions.read(arn);
        if (found.isEmpty()) {
            return Optional.of("there is no execution " + arn);
        }
        ExecutionState.Execution execution = found.get();
        if (!"RUNNING".equals(execution.status())) {
            return Optional.of("execution " + arn + " is " + execution.status() + ", not running");
        }
        Optional<ExecutionState.Event> entered = latest(execution, "TaskStateEntered");
        if (entered.isEmpty() || !request.step().equals(entered.get().stateName())) {
            return Optional.of("execution " + arn + " is at " + entered.map(e -> "state " + e.stateName())
                    .orElse("no task state") + ", not at step " + request.step());
        }
        Optional<ExecutionState.Event> scheduled = latest(execution, "TaskScheduled");
        if (scheduled.isEmpty() || scheduled.get().id() < entered.get().id()) {
            return Optional.of("step " + request.step() + " of execution " + arn + " has sent no message yet");
        }
        long since = scheduled.get().id();
        if (execution.events().stream().anyMatch(e -> e.id() > since && CLOSING.contains(e.type()))) {
            return Optional.of("step " + request.step() + " of execution " + arn + " was already answered");
        }
        JsonNode sent = StepContext.parse(scheduled.get().parameters()).path("MessageBody");
        if (!sent.isObject()) {
            // The history does not show what the task sent (AWS leaves out parameters past its size limit): the
            // state, the step and the incident must still agree, and the task token is checked by Step Functions.
            return request.incidentId().equals(startedFor(execution)) ? Optional.empty()
                    : Optional.of("execution " + arn + " is not incident " + request.incidentId() + "'s");
        }
        return differingField(sent, request.body()).map(field -> "the message is not what step " + request.step()
                + " of execution " + arn + " sent (" + field + " differs)");
    }

    private static Optional<ExecutionState.Event> latest(ExecutionState.Execution execution, String type) {
        return execution.events().stream().filter(e -> type.equals(e.type()))
                .max(Comparator.comparingLong(ExecutionState.Event::id));
    }

    /** The incident the execution was started for (its input's incidentId), or null. */
    private static String startedFor(ExecutionState.Execution execution) {
        return latest(execution, "ExecutionStarted").map(e -> StepContext.parse(e.parameters())
                .path("incidentId").asText(null)).orElse(null);
    }

    /**
     * The first field (by name; never its value: one is the task token) where the message differs from what the task
     * sent; empty when they are the same document. Numbers compare by value (1 and 1.0 are the same).
     */
    private static Optional<String> differingField(JsonNode sent, JsonNode received) {
        Set<String> names = new java.util.TreeSet<>();
        sent.fieldNames().forEachRemaining(names::add);
        received.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!same(sent.get(name), received.get(name))) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b || (a == null ? b.isNull() : a.isNull());
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            return differingField(a, b).isEmpty();
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<JsonNode> x = a.elements();
            Iterator<JsonNode> y = b.elements();
            while (x.hasNext()) {
                if (!same(x.next(), y.next())) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
