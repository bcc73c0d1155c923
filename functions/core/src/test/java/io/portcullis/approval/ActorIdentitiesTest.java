package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.change.Actor;
import io.portcullis.json.Json;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Four-eyes rests only on what the caller cannot choose: never on a session name alone. */
class ActorIdentitiesTest {

    static final String IDC_ROLE =
            "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef";

    /** Slack's users, by e-mail. */
    final Map<String, String> slack = Map.of("alice@example.com", "U0ALICE", "oncall1@example.com", "U0ONCALL1",
            "carol@example.com", "U0CAROL");

    final Identities map = Identities.fromTree(Json.mapper().valueToTree(Map.of("version", 1, "identities",
            java.util.List.of(
                    Map.of("arn", "arn:aws:iam::123456789012:user/bob", "slack", "U0BOB"),
                    Map.of("arn", "arn:aws:iam::123456789012:role/Shared", "session", "carol",
                            "email", "carol@example.com"),
                    Map.of("sourceIdentity", "build-bot", "slack", "U0BUILDBOT")))));

    final ActorIdentities identities = new ActorIdentities(map, email -> Optional.ofNullable(slack.get(email)));

    static Actor user(String arn) {
        return new Actor(arn, "IAMUser", null, false, "198.51.100.7", "aws-cli");
    }

    static Actor role(String issuer, String session, String sourceIdentity) {
        String name = issuer.substring(issuer.lastIndexOf('/') + 1);
        return new Actor("arn:aws:sts::123456789012:assumed-role/" + name + "/" + session, "AssumedRole", issuer, true,
                "198.51.100.7", "aws-cli", sourceIdentity);
    }

    @Test
    void anIamUserIsKnownOnlyThroughTheIdentityMap() {
        assertThat(identities.resolve(user("arn:aws:iam::123456789012:user/bob")).slackIds()).containsExactly("U0BOB");
        ActorIdentity unknown = identities.resolve(user("arn:aws:iam::123456789012:user/oncall1@example.com"));
        assertThat(unknown.resolved()).as("an e-mail in a user name is not trusted").isFalse();
        assertThat(unknown.approversNeeded()).isEqualTo(2);
    }

    @Test
    void aSessionNamedAfterSomeoneProvesNothing() {
        ActorIdentity named = identities.resolve(role("arn:aws:iam::123456789012:role/Admin", "oncall1@example.com",
                null));

        assertThat(named.resolved()).isFalse();
        assertThat(named.how()).contains("session name is chosen by whoever assumes it");
    }

    @Test
    void anIdentityCenterSessionIsLookedUpByItsUserName() {
        assertThat(identities.resolve(role(IDC_ROLE, "alice@example.com", null)).slackIds()).containsExactly("U0ALICE");
        assertThat(identities.resolve(role("arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
                + "AWSReservedSSO_Admin_0123456789abcdef", "alice@example.com", null)).slackIds())
                .containsExactly("U0ALICE");
    }

    @Test
    void aRoleThatOnlyLooksLikeIdentityCenterIsNot() {
        ActorIdentity lookalike = identities.resolve(role("arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_x",
                "alice@example.com", null));

        assertThat(lookalike.resolved()).as("outside the reserved path anyone may create the role").isFalse();
    }

    @Test
    void aSourceIdentityIsTrustedAsAnEmailOrThroughTheMap() {
        assertThat(identities.resolve(role("arn:aws:iam::123456789012:role/Admin", "whatever", "alice@example.com"))
                .slackIds()).containsExactly("U0ALICE");
        assertThat(identities.resolve(role("arn:aws:iam::123456789012:role/Deployer", "run-42", "build-bot"))
                .slackIds()).containsExactly("U0BUILDBOT");
    }

    @Test
    void aSharedRolesEntryWithASessionMatchesThatSessionOnly() {
        assertThat(identities.resolve(role("arn:aws:iam::123456789012:role/Shared", "carol", null)).slackIds())
                .containsExactly("U0CAROL");
        assertThat(identities.resolve(role("arn:aws:iam::123456789012:role/Shared", "dave", null)).resolved())
                .isFalse();
    }

    @Test
    void anAddressSlackDoesNotKnowLeavesTheActorUnresolvedAndSaysSo() {
        ActorIdentity missing = identities.resolve(role(IDC_ROLE, "nobody@example.com", null));

        assertThat(missing.resolved()).isFalse();
        assertThat(missing.how()).contains("nobody@example.com, who is not a Slack user");
        assertThat(identities.resolve(null).resolved()).isFalse();
    }

    @Test
    void aLookupThatFailsLeavesTheActorUnresolvedInsteadOfFailing() {
        ActorIdentities broken = new ActorIdentities(map, email -> {
            throw new IllegalStateException("users.lookupByEmail: ratelimited");
        });

        ActorIdentity identity = broken.resolve(role(IDC_ROLE, "alice@example.com", null));

        assertThat(identity.approversNeeded()).isEqualTo(2);
        assertThat(identity.how()).contains("Slack could not be asked (users.lookupByEmail: ratelimited)");
    }

    @Test
    void anEntryMustNameOnePrincipalAndOnePerson() {
        assertThatThrownBy(() -> Identities.fromTree(Json.mapper().valueToTree(Map.of("identities",
                java.util.List.of(Map.of("arn", "arn:aws:iam::123456789012:user/bob", "slack", "U0BOB",
                        "email", "bob@example.com"))))))
                .hasMessageContaining("identities[0]");
        assertThat(Identities.from(Map.of()).entries()).as("the bundled map is empty until the team fills it")
                .isEmpty();
    }
}
