package io.portcullis.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.local.LocalRuntime;
import io.portcullis.playbook.Playbook;
import io.portcullis.protocol.Response;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Where the run places the worker's clock for a scheduled fix: just before the playbook's next low-tide window. */
class ScenarioRunTest {

    // s3-exposure: scheduled fixes wait for TUE, WED, THU 02:00-04:00 Europe/London.
    final Playbook s3 = Playbook.readAll(LocalRuntime.repositoryRoot().resolve("playbooks")).stream()
            .filter(p -> p.name().equals("s3-exposure")).findFirst().orElseThrow();

    @Test
    void aScheduledFixWaitsForTheNextOpeningOfItsPlaybooksWindow() {
        // Thursday 3 December 2026, 09:26 UTC: Thursday's window has closed; the next opens on Tuesday.
        assertThat(ScenarioRun.nextWindowOpening(s3, Response.SCHEDULED, Instant.parse("2026-12-03T09:26:00Z")))
                .contains(Instant.parse("2026-12-08T02:00:00Z"));
    }

    @Test
    void aWindowOpenNowIsNotOneThatOpensDuringTheRun() {
        assertThat(ScenarioRun.nextWindowOpening(s3, Response.SCHEDULED, Instant.parse("2026-12-08T02:30:00Z")))
                .contains(Instant.parse("2026-12-09T02:00:00Z"));
    }

    @Test
    void aResponseThePlaybooksWindowDoesNotApplyToWaitsForNothing() {
        assertThat(ScenarioRun.nextWindowOpening(s3, Response.APPROVAL, Instant.parse("2026-12-03T09:26:00Z"))).isEmpty();
    }
}
