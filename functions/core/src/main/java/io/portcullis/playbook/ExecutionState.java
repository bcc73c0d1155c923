package io.portcullis.playbook;

import java.util.List;
import java.util.Optional;

/**
 * What the playbook engine (Step Functions, in AWS) says an execution is doing: its status and its history. The
 * worker asks before it acts on a step message, because anyone who may send to the step queue can write a message;
 * only the execution can say which step it is waiting on.
 */
@FunctionalInterface
public interface ExecutionState {

    /** The execution, or empty when there is no such execution. */
    Optional<Execution> read(String executionArn);

    /**
     * @param status RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, …
     * @param events its history, in any order (each event's id orders them)
     */
    record Execution(String status, List<Event> events) {
        public Execution {
            events = List.copyOf(events);
        }
    }

    /**
     * One history event.
     *
     * @param id         ordinal in the history (later events have higher ids)
     * @param type       e.g. TaskStateEntered, TaskScheduled, TaskSucceeded
     * @param stateName  the state's name, for a state-entered event; else null
     * @param parameters a TaskScheduled event's resolved parameters as JSON (with the message body the task sent), an
     *                   ExecutionStarted event's input; else null
     */
    record Event(long id, String type, String stateName, String parameters) {
    }
}
