package io.portcullis.approval;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Actor;
import io.portcullis.policy.PolicyFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The explicit identity map ({@code functions/policy/identities.yaml}): which person an AWS principal is, for
 * four-eyes. Kept in git and reviewed like the rest of the policy, so — unlike a session name, which whoever assumes
 * a role chooses — it is a statement the platform team made.
 *
 * <pre>{@code
 * version: 1
 * identities:
 *   - arn: arn:aws:iam::123456789012:user/bob                # an IAM user
 *     slack: U0BOB
 *   - arn: arn:aws:iam::123456789012:role/BreakGlass         # every session of a role one person uses
 *     email: carol@example.com
 *   - arn: arn:aws:iam::123456789012:role/Admin              # one session name of a shared role
 *     session: alice
 *     email: alice@example.com
 *   - sourceIdentity: build-bot                              # a SourceIdentity that is not an e-mail
 *     slack: U0BUILDBOT
 * }</pre>
 */
public record Identities(List<Entry> entries) {

    public static final String RESOURCE = "identities.yaml";
    /** A file replacing the bundled map: local runs and tests only; deployed functions use the bundled file. */
    public static final String FILE_VARIABLE = "PORTCULLIS_IDENTITIES_FILE";

    public static final Identities NONE = new Identities(List.of());

    /**
     * One person's principal.
     *
     * @param arn            an IAM user's ARN, a role's ARN (its sessions; with its path), or an assumed-role ARN
     * @param session        with a role's ARN: only this session name (a shared role whose sessions name people)
     * @param sourceIdentity instead of an ARN: a SourceIdentity value
     * @param email          the person's e-mail, looked up in Slack
     * @param slack          or the person's Slack user id
     */
    public record Entry(String arn, String session, String sourceIdentity, String email, String slack) {

        boolean matches(Actor actor) {
            if (sourceIdentity != null) {
                return sourceIdentity.equals(actor.sourceIdentity());
            }
            if (arn == null) {
                return false;
            }
            if (arn.equals(actor.principalArn())) {
                return session == null;
            }
            return arn.equals(actor.sessionIssuerArn()) && (session == null || session.equals(actor.sessionName()));
        }

        String describe() {
            return sourceIdentity != null ? "SourceIdentity " + sourceIdentity
                    : arn + (session == null ? "" : " session " + session);
        }
    }

    public Identities {
        entries = List.copyOf(entries);
    }

    /** The bundled map, or the file {@value #FILE_VARIABLE} names. */
    public static Identities from(Map<String, String> environment) {
        String file = environment.get(FILE_VARIABLE);
        return fromTree(file == null || file.isBlank() ? PolicyFiles.bundled(RESOURCE) : PolicyFiles.read(Path.of(file)));
    }

    /** The map in a parsed file; an error naming the entry and field (the schema has said so already in validate). */
    public static Identities fromTree(JsonNode root) {
        JsonNode list = root.path("identities");
        if (!list.isArray()) {
            throw new IllegalArgumentException("identities: 'identities' must be a list of {arn | sourceIdentity,"
                    + " email | slack}");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            Entry entry = new Entry(text(e, "arn"), text(e, "session"), text(e, "sourceIdentity"), text(e, "email"),
                    text(e, "slack"));
            if ((entry.arn() == null) == (entry.sourceIdentity() == null)
                    || (entry.email() == null) == (entry.slack() == null)
                    || (entry.session() != null && entry.arn() == null)) {
                throw new IllegalArgumentException("identities[" + i + "]: give arn (with an optional session) or"
                        + " sourceIdentity, and email or slack");
            }
            out.add(entry);
        }
        return new Identities(out);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText().trim() : null;
    }

    /** The entries that name this actor. */
    public List<Entry> of(Actor actor) {
        return actor == null ? List.of() : entries.stream().filter(e -> e.matches(actor)).toList();
    }

    Optional<Entry> first(Actor actor) {
        return of(actor).stream().findFirst();
    }
}
