package io.portcullis.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class IncidentLifecycleTest {

    @Test
    void theHappyPathsAreAllowed() {
        assertThat(IncidentLifecycle.allowed(IncidentStatus.OPEN, IncidentStatus.AWAITING_APPROVAL)).isTrue();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.AWAITING_APPROVAL, IncidentStatus.OPEN)).isTrue();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.AWAITING_APPROVAL, IncidentStatus.REJECTED)).isTrue();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.OPEN, IncidentStatus.SCHEDULED)).isTrue();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.SCHEDULED, IncidentStatus.REMEDIATING)).isTrue();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.REMEDIATING, IncidentStatus.RESOLVED)).isTrue();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.ESCALATED, IncidentStatus.REMEDIATING)).isTrue();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.REMEDIATING, IncidentStatus.ESCALATED))
                .as("a remediate step that finds only a person can put it right").isTrue();
    }

    @Test
    void aRemediateStepThatNeedsAPersonEscalatesFromWhereverItRuns() {
        // The worker notes "remediation started" (REMEDIATING) before an action runs; the action may then hand the
        // incident to a person (a root user's key), also in the low-tide window (SCHEDULED).
        assertThat(IncidentLifecycle.allowed(IncidentStatus.REMEDIATING, IncidentStatus.ESCALATED)).isTrue();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.SCHEDULED, IncidentStatus.ESCALATED)).isTrue();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.OPEN, IncidentStatus.ESCALATED)).isTrue();
    }

    @Test
    void finalStatusesGoNowhereButAMoveToTheSameStatusOnlyAddsToTheTimeline() {
        for (IncidentStatus last : EnumSet.of(IncidentStatus.RESOLVED, IncidentStatus.FAILED, IncidentStatus.REJECTED,
                IncidentStatus.ABORTED, IncidentStatus.SUPPRESSED, IncidentStatus.DRY_RUN)) {
            assertThat(last.isFinal()).as(last.name()).isTrue();
            assertThat(IncidentLifecycle.next(last)).as(last.name()).isEmpty();
            assertThat(IncidentLifecycle.allowed(last, last)).isTrue();
        }
        for (IncidentStatus s : EnumSet.of(IncidentStatus.OPEN, IncidentStatus.AWAITING_APPROVAL,
                IncidentStatus.SCHEDULED, IncidentStatus.REMEDIATING, IncidentStatus.ESCALATED)) {
            assertThat(s.isFinal()).as(s.name()).isFalse();
        }
    }

    @Test
    void aForbiddenMoveIsRefusedNamingTheIncidentAndWhereItMayGo() {
        assertThat(IncidentLifecycle.allowed(IncidentStatus.RESOLVED, IncidentStatus.REMEDIATING)).isFalse();
        assertThat(IncidentLifecycle.allowed(IncidentStatus.REMEDIATING, IncidentStatus.AWAITING_APPROVAL)).isFalse();
        assertThatThrownBy(() -> IncidentLifecycle.check("inc-1", IncidentStatus.REJECTED, IncidentStatus.RESOLVED))
                .hasMessageContaining("incident inc-1 cannot go from REJECTED to RESOLVED")
                .hasMessageContaining("nothing (final)");
    }

    @Test
    void isoWeeksFollowIso8601() {
        assertThat(IsoWeek.of(Instant.parse("2026-11-23T00:00:00Z"))).isEqualTo("2026-W48");
        assertThat(IsoWeek.of(Instant.parse("2026-11-22T23:59:59Z"))).isEqualTo("2026-W47");
        assertThat(IsoWeek.of(Instant.parse("2021-01-03T12:00:00Z"))).as("ISO year 2020 had 53 weeks").isEqualTo("2020-W53");
        assertThat(IsoWeek.minus("2026-W02", 3)).isEqualTo("2025-W51");
    }
}
