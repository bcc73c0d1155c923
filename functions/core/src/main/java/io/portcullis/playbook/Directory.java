package io.portcullis.playbook;

import io.portcullis.change.Actor;
import java.util.Set;

/** Who is who in Slack: the members of an approvers group, and the Slack account of the person who made a change. */
public interface Directory {

    /** The Slack user ids in a user group ({@code S…}); empty when the group is unknown. */
    Set<String> members(String userGroupId);

    /**
     * The Slack user ids of the change's actor, as far as they can be known (an SSO session named by e-mail is looked
     * up by that e-mail); they may never approve their own change.
     */
    Set<String> slackIdsOf(Actor actor);

    /** The Slack user with this e-mail, or empty when Slack has none. */
    default java.util.Optional<String> userByEmail(String email) {
        return java.util.Optional.empty();
    }

    /**
     * Who made the change, from sources the caller cannot choose ({@link io.portcullis.approval.ActorIdentities}):
     * what four-eyes rests on. {@link #slackIdsOf} may also read a session name, which is good enough to tell someone
     * about their change, never to decide who may approve it.
     */
    default io.portcullis.approval.ActorIdentity identify(Actor actor) {
        return io.portcullis.approval.ActorIdentity.unresolved("no directory of people is configured");
    }

    Directory NONE = new Directory() {
        @Override
        public Set<String> members(String userGroupId) {
            return Set.of();
        }

        @Override
        public Set<String> slackIdsOf(Actor actor) {
            return Set.of();
        }
    };
}
