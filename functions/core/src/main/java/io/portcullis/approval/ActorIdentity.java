package io.portcullis.approval;

import java.util.Set;

/**
 * Who made a change, in Slack, as far as a source Portcullis trusts says: the identity map, a SourceIdentity, or an
 * IAM Identity Center session. Unresolved when none does; a session name alone never resolves anyone.
 *
 * @param slackIds the actor's Slack user ids (empty: unresolved)
 * @param how      how they were found, or why they could not be (for the timeline and the Slack message)
 */
public record ActorIdentity(Set<String> slackIds, String how) {

    /** Approvers a gate needs when the actor is unknown: two, neither of them the actor, is still four eyes. */
    public static final int UNRESOLVED_APPROVERS = 2;

    public ActorIdentity {
        slackIds = Set.copyOf(slackIds);
    }

    public static ActorIdentity unresolved(String why) {
        return new ActorIdentity(Set.of(), why);
    }

    public boolean resolved() {
        return !slackIds.isEmpty();
    }

    /** How many distinct approvers, none of them the actor, must agree before the gate resumes. */
    public int approversNeeded() {
        return resolved() ? 1 : UNRESOLVED_APPROVERS;
    }
}
