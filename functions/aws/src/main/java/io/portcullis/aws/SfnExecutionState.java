package io.portcullis.aws;

import io.portcullis.playbook.ExecutionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;

/**
 * An execution as Step Functions tells it: {@code DescribeExecution} for its status, {@code GetExecutionHistory}
 * (newest first) for the events the worker checks a step message against.
 *
 * <p>Only the newest events are read: with {@code reverseOrder} the first page holds the state the execution is in,
 * and reading stops at the first page that shows a task state entered and its task scheduled. The emulator (moto 5.2.5) ignores
 * {@code reverseOrder} and {@code maxResults} and answers the whole history oldest first in one page; the events
 * carry their ids, so the order they come in does not matter.
 */
public final class SfnExecutionState implements ExecutionState {

    /** A page of the newest events; an execution at a gate has a few dozen in all. */
    private static final int PAGE = 100;
    /** Enough for any playbook's history; a history longer than this is not read to its start. */
    private static final int MAX_PAGES = 10;

    private final Supplier<SfnClient> sfn;

    public SfnExecutionState(Supplier<SfnClient> sfn) {
        this.sfn = new Lazy<>(sfn);
    }

    @Override
    public Optional<Execution> read(String executionArn) {
        String status;
        try {
            status = sfn.get().describeExecution(r -> r.executionArn(executionArn)).statusAsString();
        } catch (ExecutionDoesNotExistException | InvalidArnException e) {
            return Optional.empty();
        }
        List<Event> events = new ArrayList<>();
        String next = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            String token = next;
            GetExecutionHistoryResponse response = sfn.get().getExecutionHistory(r -> r.executionArn(executionArn)
                    .reverseOrder(true).maxResults(PAGE).includeExecutionData(true).nextToken(token));
            boolean scheduled = false;
            boolean entered = false;
            for (HistoryEvent e : response.events()) {
                events.add(event(e));
                scheduled |= "TaskScheduled".equals(e.typeAsString());
                entered |= "TaskStateEntered".equals(e.typeAsString());
            }
            next = response.nextToken();
            if (next == null || (scheduled && entered && newestFirst(response.events()))) {
                break;
            }
        }
        return Optional.of(new Execution(status, events));
    }

    private static boolean newestFirst(List<HistoryEvent> events) {
        return events.size() < 2 || events.get(0).id() > events.get(events.size() - 1).id();
    }

    private static Event event(HistoryEvent e) {
        String state = e.stateEnteredEventDetails() == null ? null : e.stateEnteredEventDetails().name();
        String parameters = e.taskScheduledEventDetails() != null ? e.taskScheduledEventDetails().parameters()
                : e.executionStartedEventDetails() != null ? e.executionStartedEventDetails().input() : null;
        return new Event(e.id(), e.typeAsString(), state, parameters);
    }
}
