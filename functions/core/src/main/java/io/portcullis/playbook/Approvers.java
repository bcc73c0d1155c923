package io.portcullis.playbook;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may decide any approval gate and use Undo: the deployment's Slack users and the members of its Slack user
 * group. Slack ids belong to a workspace, so they are deployment settings, never playbook data.
 *
 * @param users Slack user ids (U…)
 * @param group a Slack user group id (S…), or null
 */
public record Approvers(Set<String> users, String group) {

    /** What to set, in the words of the deployment (template parameters) and of the function (variables). */
    public static final String HOW_TO_CONFIGURE = "set the stack's SlackApproverGroup parameter (a Slack user group"
            + " id, S…) or SlackApprovers (Slack user ids, U…), which the remediator function reads as"
            + " PORTCULLIS_APPROVER_GROUP and PORTCULLIS_APPROVERS";

    public static final Approvers NONE = new Approvers(Set.of(), null);

    public Approvers {
        users = Set.copyOf(users);
        group = group == null || group.isBlank() ? null : group.trim();
    }

    /** Whether anyone at all could be an approver. */
    public boolean configured() {
        return !users.isEmpty() || group != null;
    }

    /** The user ids, with the group's members as Slack lists them now. */
    public Set<String> resolve(Directory directory) {
        Set<String> out = new LinkedHashSet<>(new TreeSet<>(users));
        if (group != null) {
            out.addAll(new TreeSet<>(directory.members(group)));
        }
        return out;
    }

    /** Why nobody could decide, and what to do about it (for a gate that cannot be answered, or Undo not offered). */
    public String whyNobody() {
        if (!configured()) {
            return "no approver is configured: " + HOW_TO_CONFIGURE;
        }
        String named = (users.isEmpty() ? "" : "SlackApprovers " + String.join(", ", new TreeSet<>(users)))
                + (users.isEmpty() || group == null ? "" : "; ") + (group == null ? "" : "SlackApproverGroup " + group);
        return "the configured approvers (" + named + ") are nobody but the person who made the change (a group"
                + " Slack does not know, or an empty one, has no members): add people to the group or to"
                + " SlackApprovers";
    }
}
