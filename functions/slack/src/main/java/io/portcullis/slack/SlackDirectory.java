package io.portcullis.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import io.portcullis.change.Actor;
import io.portcullis.playbook.Directory;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who is who, from Slack's Web API: a user group's members ({@code usergroups.users.list}, scope
 * {@code usergroups:read}) and the Slack account of the person who made a change, found by e-mail
 * ({@code users.lookupByEmail}, scope {@code users:read.email}) when their AWS session is named by e-mail, as IAM
 * Identity Center sessions are ({@code arn:aws:sts::…:assumed-role/AWSReservedSSO_Admin_…/alice@example.com}).
 */
public final class SlackDirectory implements Directory {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private final MethodsClient methods;

    public SlackDirectory(MethodsClient methods) {
        this.methods = methods;
    }

    @Override
    public Set<String> members(String userGroupId) {
        try {
            var response = methods.usergroupsUsersList(r -> r.usergroup(userGroupId));
            if (!response.isOk()) {
                if ("no_such_subteam".equals(response.getError())) {
                    return Set.of();
                }
                throw new SlackException("usergroups.users.list", response.getError());
            }
            return response.getUsers() == null ? Set.of() : Set.copyOf(response.getUsers());
        } catch (IOException | SlackApiException e) {
            throw new SlackException("usergroups.users.list", e.getClass().getSimpleName());
        }
    }

    @Override
    public Set<String> slackIdsOf(Actor actor) {
        Set<String> out = new LinkedHashSet<>();
        for (String email : emails(actor)) {
            try {
                var response = methods.usersLookupByEmail(r -> r.email(email));
                if (response.isOk() && response.getUser() != null) {
                    out.add(response.getUser().getId());
                } else if (!"users_not_found".equals(response.getError())) {
                    throw new SlackException("users.lookupByEmail", response.getError());
                }
            } catch (IOException | SlackApiException e) {
                throw new SlackException("users.lookupByEmail", e.getClass().getSimpleName());
            }
        }
        return out;
    }

    private static Set<String> emails(Actor actor) {
        Set<String> out = new LinkedHashSet<>();
        if (actor == null || actor.principalArn() == null) {
            return out;
        }
        Matcher m = EMAIL.matcher(actor.principalArn());
        while (m.find()) {
            out.add(m.group().toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }
}
