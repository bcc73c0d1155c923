package io.portcullis.approval;

import io.portcullis.change.Actor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Resolves who made a change from sources the caller cannot choose, for four-eyes:
 * <ol>
 * <li>the identity map ({@link Identities}), which the platform team keeps in git;</li>
 * <li>the session's SourceIdentity ({@code userIdentity.sessionContext.sourceIdentity}): set once when the first
 * role was assumed and carried unchanged through role chaining, an e-mail looked up in Slack;</li>
 * <li>an IAM Identity Center session: a role {@code AWSReservedSSO_*} under the path
 * {@code /aws-reserved/sso.amazonaws.com/}, which only Identity Center can create, change or assume, and whose session
 * name Identity Center sets to the user's user name — an e-mail looked up in Slack.</li>
 * </ol>
 * A session name anywhere else is whatever the caller passed to {@code AssumeRole}, so it resolves nobody.
 */
public final class ActorIdentities {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    /** Identity Center's roles, with the Region segment some accounts have in the path. */
    private static final Pattern IDENTITY_CENTER = Pattern.compile(
            "arn:aws[a-z-]*:iam::\\d{12}:role/aws-reserved/sso\\.amazonaws\\.com/(?:[a-z0-9-]+/)?AWSReservedSSO_[^/]+");

    private final Identities map;
    private final Function<String, Optional<String>> slackIdByEmail;

    /** @param slackIdByEmail the Slack user with this e-mail ({@code users.lookupByEmail}), or empty */
    public ActorIdentities(Identities map, Function<String, Optional<String>> slackIdByEmail) {
        this.map = map;
        this.slackIdByEmail = slackIdByEmail;
    }

    public ActorIdentity resolve(Actor actor) {
        if (actor == null) {
            return ActorIdentity.unresolved("the change names no actor");
        }
        Set<String> ids = new LinkedHashSet<>();
        List<String> found = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (Identities.Entry entry : map.of(actor)) {
            String source = "the identity map (" + entry.describe() + ")";
            if (entry.slack() != null) {
                ids.add(entry.slack());
                found.add(source);
            } else {
                lookUp(entry.email(), source, ids, found, missed);
            }
        }
        String sourceIdentity = actor.sourceIdentity();
        if (sourceIdentity != null && EMAIL.matcher(sourceIdentity).matches()) {
            lookUp(sourceIdentity, "its SourceIdentity", ids, found, missed);
        }
        String session = actor.sessionName();
        boolean identityCenter = actor.sessionIssuerArn() != null
                && IDENTITY_CENTER.matcher(actor.sessionIssuerArn()).matches();
        if (identityCenter && session != null && EMAIL.matcher(session).matches()) {
            lookUp(session, "its IAM Identity Center user", ids, found, missed);
        }
        if (!ids.isEmpty()) {
            return new ActorIdentity(ids, "found by " + String.join(" and ", found));
        }
        StringBuilder why = new StringBuilder("who made the change (").append(actor.displayName())
                .append(", ").append(actor.type() == null ? "unknown type" : actor.type())
                .append(") is not known for certain: no identity-map entry, SourceIdentity or IAM Identity Center"
                        + " session names them");
        if (session != null && !identityCenter) {
            why.append("; a role's session name is chosen by whoever assumes it, so it proves nothing");
        }
        if (!missed.isEmpty()) {
            why.append("; ").append(String.join("; ", missed));
        }
        return ActorIdentity.unresolved(why.toString());
    }

    private void lookUp(String email, String source, Set<String> ids, List<String> found, List<String> missed) {
        Optional<String> id;
        try {
            id = slackIdByEmail.apply(email.toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) {
            // A lookup that fails leaves the actor unknown: two approvers, never a failed gate.
            missed.add(source + " names " + email + ", but Slack could not be asked (" + e.getMessage() + ")");
            return;
        }
        if (id.isPresent()) {
            ids.add(id.get());
            found.add(source);
        } else {
            missed.add(source + " names " + email + ", who is not a Slack user");
        }
    }
}
