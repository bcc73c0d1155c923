package io.portcullis.playbook;

import java.time.Instant;
import java.util.List;

/**
 * Sessions in member accounts of the organisation: the member role of an account assumed for one incident, and the
 * resource actions built over its credentials (AWS: STS {@code AssumeRole}, see {@code StsMemberSessions}).
 */
@FunctionalInterface
public interface MemberSessions {

    /**
     * Assumes the member role of {@code place}'s account as session {@code sessionName}.
     *
     * @return the actions bound to {@code place} with the session's credentials, and when those lapse
     * @throws Refused when the account does not let Portcullis in (no member role there, a trust that does not admit
     *                 the worker, an account that left the organisation, a region switched off): nothing to retry
     */
    Session open(Place place, String sessionName);

    /** The actions of one assumed session and when its credentials expire. */
    record Session(List<ResourceActions> actions, Instant expires) {

        public Session {
            actions = List.copyOf(actions);
        }
    }

    /** The account refused the role, with AWS's reason in words. */
    final class Refused extends RuntimeException {

        public Refused(String reason) {
            super(reason);
        }
    }
}
