package io.portcullis.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import io.portcullis.approval.ActorIdentities;
import io.portcullis.approval.ActorIdentity;
import io.portcullis.approval.Identities;
import io.portcullis.change.Actor;
import io.portcullis.playbook.Directory;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who is who, from Slack's Web API: a user group's members ({@code usergroups.users.list}, scope
 * {@code usergroups:read}) and the Slack account of a person, found by e-mail ({@code users.lookupByEmail}, scope
 * {@code users:read.email}). Who made a change, for four-eyes, is {@link #identify}: the identity map, SourceIdentity
 * and IAM Identity Center sessions only ({@link ActorIdentities}). {@link #slackIdsOf} also reads an e-mail in any
 * session name, which only says whom to tell about a change.
 */
public final class SlackDirectory implements Directory {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private final java.util.function.Supplier<MethodsClient> client;
    private final ActorIdentities identities;

    /** With the identity map bundled in the function ({@code functions/policy/identities.yaml}). */
    public SlackDirectory(MethodsClient methods) {
        this(() -> methods, Identities.from(java.util.Map.of()));
    }

    public SlackDirectory(MethodsClient methods, Identities map) {
        this(() -> methods, map);
    }

    /** @param client the Web API client for the bot token as it is now ({@link CurrentSlack#methods()}) */
    public SlackDirectory(java.util.function.Supplier<MethodsClient> client, Identities map) {
        this.client = client;
        this.identities = new ActorIdentities(map, this::userByEmail);
    }

    @Override
    public ActorIdentity identify(Actor actor) {
        return identities.resolve(actor);
    }

    @Override
    public java.util.Optional<String> userByEmail(String email) {
        try {
            var response = client.get().usersLookupByEmail(r -> r.email(email));
            if (response.isOk() && response.getUser() != null) {
                return java.util.Optional.of(response.getUser().getId());
            }
            if ("users_not_found".equals(response.getError())) {
                return java.util.Optional.empty();
            }
            throw new SlackException("users.lookupByEmail", response.getError());
        } catch (IOException | SlackApiException e) {
            throw new SlackException("users.lookupByEmail", e.getClass().getSimpleName());
        }
    }

    @Override
    public Set<String> members(String userGroupId) {
        try {
            var response = client.get().usergroupsUsersList(r -> r.usergroup(userGroupId));
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
                var response = client.get().usersLookupByEmail(r -> r.email(email));
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
