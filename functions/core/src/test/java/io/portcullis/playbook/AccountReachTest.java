package io.portcullis.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Where the worker acts and with which credentials: the hub's own account with its own role, a member account with a
 * session of that account's member role kept per account, region and incident, never lent to another account or
 * another incident, renewed before it lapses; a refusal goes to a person and is not asked again at every step.
 */
class AccountReachTest {

    static final String HUB = "123456789012";
    static final String B = "111122223333";
    static final String C = "444455556666";

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    final List<String> opened = new ArrayList<>();
    final List<ResourceActions> own = List.of(new Named("hub"));

    /** A member session per open, its actions named after the account, region and session they were opened for. */
    final MemberSessions members = (place, sessionName) -> {
        opened.add(place.account() + "/" + place.region() + "/" + sessionName);
        if (place.account().equals(C)) {
            throw new MemberSessions.Refused("AssumeRole on arn:aws:iam::" + C + ":role/portcullis-remediation was"
                    + " refused (AccessDenied)");
        }
        return new MemberSessions.Session(List.of(new Named(place.account() + "/" + place.region() + "/" + sessionName)),
                clock.instant().plus(Duration.ofMinutes(15)));
    };

    final AccountReach organisation = AccountReach.organisation(HUB, own, members, clock);

    @Test
    void theHubsOwnAccountUsesTheWorkersOwnRoleInEveryRegionWithoutAssumingAnything() {
        assertThat(names(organisation.at(new Place(HUB, "eu-west-1"), "inc-1"))).containsExactly("hub");
        assertThat(names(organisation.at(new Place(HUB, "global"), "inc-2"))).containsExactly("hub");
        assertThat(opened).isEmpty();
    }

    @Test
    void aMemberAccountGetsASessionNamedAfterTheIncidentKeptForEveryStepOfThatIncident() {
        Reach.Result snapshot = organisation.at(new Place(B, "eu-west-1"), "inc-1");
        Reach.Result remediate = organisation.at(new Place(B, "eu-west-1"), "inc-1");
        Reach.Result verify = organisation.at(new Place(B, "eu-west-1"), "inc-1");

        assertThat(names(snapshot)).containsExactly(B + "/eu-west-1/portcullis-inc-1");
        assertThat(remediate).isSameAs(snapshot);
        assertThat(verify).isSameAs(snapshot);
        assertThat(opened).containsExactly(B + "/eu-west-1/portcullis-inc-1");
    }

    @Test
    void sessionsAreNeverSharedAcrossAccountsRegionsOrIncidents() {
        Reach.Result first = organisation.at(new Place(B, "eu-west-1"), "inc-1");
        Reach.Result otherIncident = organisation.at(new Place(B, "eu-west-1"), "inc-2");
        Reach.Result otherRegion = organisation.at(new Place(B, "us-east-1"), "inc-1");
        Reach.Result otherAccount = organisation.at(new Place("555566667777", "eu-west-1"), "inc-1");

        assertThat(names(otherIncident)).containsExactly(B + "/eu-west-1/portcullis-inc-2");
        assertThat(names(otherRegion)).containsExactly(B + "/us-east-1/portcullis-inc-1");
        assertThat(names(otherAccount)).containsExactly("555566667777/eu-west-1/portcullis-inc-1");
        assertThat(List.of(otherIncident, otherRegion, otherAccount)).doesNotContain(first);
        assertThat(opened).hasSize(4);
    }

    @Test
    void iamsGlobalResourcesAreReachedThroughUsEast1() {
        assertThat(names(organisation.at(new Place(B, "global"), "inc-1")))
                .containsExactly(B + "/us-east-1/portcullis-inc-1");
        assertThat(organisation.at(new Place(B, "us-east-1"), "inc-1")).as("the same place, the same session")
                .isInstanceOf(Reach.Within.class);
        assertThat(opened).hasSize(1);
    }

    @Test
    void aSessionIsReplacedShortlyBeforeItsCredentialsExpire() {
        Reach.Result first = organisation.at(new Place(B, "eu-west-1"), "inc-1");
        clock.advance(Duration.ofMinutes(15).minus(AccountReach.RENEW_BEFORE).minusSeconds(1));
        assertThat(organisation.at(new Place(B, "eu-west-1"), "inc-1")).isSameAs(first);

        clock.advance(Duration.ofSeconds(1));
        Reach.Result renewed = organisation.at(new Place(B, "eu-west-1"), "inc-1");

        assertThat(renewed).isNotSameAs(first);
        assertThat(opened).hasSize(2);
    }

    @Test
    void aRefusedRoleSendsTheIncidentToAPersonWithTheReasonAndIsNotAskedAgainAtEveryStep() {
        Reach.Result snapshot = organisation.at(new Place(C, "eu-west-1"), "inc-9");
        Reach.Result remediate = organisation.at(new Place(C, "eu-west-1"), "inc-9");

        assertThat(snapshot).isInstanceOfSatisfying(Reach.Outside.class, o -> assertThat(o.why())
                .isEqualTo("Portcullis could not act in account " + C + " / eu-west-1: AssumeRole on arn:aws:iam::"
                        + C + ":role/portcullis-remediation was refused (AccessDenied)"));
        assertThat(remediate).isEqualTo(snapshot);
        assertThat(opened).hasSize(1);

        clock.advance(AccountReach.REFUSAL_KEPT);
        organisation.at(new Place(C, "eu-west-1"), "inc-9");
        assertThat(opened).as("asked again once the refusal is old").hasSize(2);
    }

    @Test
    void aSingleAccountDeploymentActsOnlyInItsAccountAndRegionAndAssumesNothing() {
        AccountReach single = AccountReach.singleAccount(HUB, "us-east-1", own);

        assertThat(names(single.at(new Place(HUB, "us-east-1"), "inc-1"))).containsExactly("hub");
        assertThat(names(single.at(new Place(HUB, "global"), "inc-1"))).containsExactly("hub");
        assertThat(single.at(new Place(B, "us-east-1"), "inc-1")).isEqualTo(new Reach.Outside("Portcullis may not"
                + " act in account " + B + " / us-east-1 (its role is scoped to account " + HUB + ", region us-east-1)"));
        assertThat(single.at(new Place(HUB, "eu-west-1"), "inc-1")).isInstanceOf(Reach.Outside.class);
        assertThat(opened).isEmpty();
    }

    @Test
    void anEventWithoutAnAccountIsNotGuessedAt() {
        assertThat(organisation.at(new Place(null, "eu-west-1"), "inc-1")).isInstanceOf(Reach.Outside.class);
        assertThat(opened).isEmpty();
    }

    @Test
    void theSessionNameKeepsToWhatStsAcceptsAndStillNamesTheIncident() {
        assertThat(AccountReach.sessionName("inc-2026-12-03-abc")).isEqualTo("portcullis-inc-2026-12-03-abc");
        assertThat(AccountReach.sessionName("inc:a/b c#é")).isEqualTo("portcullis-inc-a-b-c--");
        String long64 = AccountReach.sessionName("x".repeat(100));
        assertThat(long64).hasSize(64).startsWith("portcullis-xxx").matches("[\\w+=,.@-]+");
    }

    private static List<String> names(Reach.Result result) {
        assertThat(result).isInstanceOf(Reach.Within.class);
        return ((Reach.Within) result).actions().stream().map(a -> ((Named) a).name).toList();
    }

    /** Actions that only say where they were built for: nothing here reads or changes a resource. */
    record Named(String name) implements ResourceActions {

        @Override
        public boolean handles(Incident incident) {
            return true;
        }

        @Override
        public ObjectNode snapshot(Incident incident) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> stillWrong(Incident incident) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ActionResult undo(RemediationAction action, Incident incident, JsonNode undo) {
            throw new UnsupportedOperationException();
        }
    }

    static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
