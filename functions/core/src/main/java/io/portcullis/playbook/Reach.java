package io.portcullis.playbook;

import java.util.List;

/**
 * The playbook worker's port to the places it acts in: the resource actions (snapshot, remediate, verify, Undo) bound
 * to one account and region, with whatever credentials reach there, or why Portcullis cannot act there. Every step
 * asks for its incident's place ({@link Place#of}) before it reads or changes anything.
 */
@FunctionalInterface
public interface Reach {

    /**
     * The actions that act in {@code place} on behalf of incident {@code incidentId}, or why there are none. Never
     * throws for a place Portcullis may not or cannot act in; errors worth retrying (throttling, a service error
     * past the SDK's retries) propagate.
     */
    Result at(Place place, String incidentId);

    /** The same actions everywhere: one account's worth of clients (tests, offline tools, the local runtime). */
    static Reach everywhere(List<ResourceActions> actions) {
        Within within = new Within(actions);
        return (place, incidentId) -> within;
    }

    /** What a step may use in a place. */
    sealed interface Result permits Within, Outside {
    }

    /** The actions bound to the place, first match wins ({@link ResourceActions#handles}). */
    record Within(List<ResourceActions> actions) implements Result {

        public Within {
            actions = List.copyOf(actions);
        }
    }

    /**
     * Portcullis cannot act there: the deployment's reach ends before it (a single-account deployment), or the
     * member account refused the role. The playbook hands the incident to a person with {@code why}.
     */
    record Outside(String why) implements Result {
    }
}
