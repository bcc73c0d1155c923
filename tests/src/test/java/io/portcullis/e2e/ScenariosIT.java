package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ReadResult;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.ShiftableClock;
import io.portcullis.local.scenario.SampleEvent;
import io.portcullis.local.scenario.Scenario;
import io.portcullis.local.scenario.ScenarioAws;
import io.portcullis.local.scenario.ScenarioRun;
import io.portcullis.local.scenario.Scenarios;
import io.portcullis.local.scenario.UnsupportedSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenario library against the emulator, for every sample of a supported kind (with a finding or not): the
 * resource is created, the event's call is made for real (so for a change with a finding the state read after
 * differs from the state before; it is the same when the call failed, the Config verdict is COMPLIANT, or nobody but
 * root could make it: {@link Scenario#makesTheChange}), and the aimed event (unless its call failed), read by the
 * detector's own reader, is about the sandbox resource and no longer the sample's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScenariosIT {

    final Path root = LocalRuntime.repositoryRoot();
    final AwsConnection aws = Emulator.connection();
    final CloudTrailEventReader reader = new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of()));
    final com.fasterxml.jackson.databind.JsonNode verdicts = io.portcullis.policy.PolicyFiles.read(
            root.resolve("events/verdicts.yaml"));
    ScenarioAws sandbox;
    LocalRuntime runtime;
    ScenarioRun run;

    @BeforeAll
    void deploy() {
        sandbox = new ScenarioAws(aws);
        ShiftableClock clock = new ShiftableClock();
        runtime = LocalRuntime.deploy(root, aws, RemediationMode.ENFORCE, clock, Clock.systemUTC());
        run = new ScenarioRun(runtime, clock, root);
    }

    @AfterAll
    void close() {
        runtime.close();
        sandbox.close();
    }

    /** Every CloudTrail and Config sample a scenario supports. */
    static List<String> supported() {
        Path events = LocalRuntime.repositoryRoot().resolve("events");
        List<String> out = new ArrayList<>();
        for (String folder : List.of("cloudtrail", "config")) {
            try (Stream<Path> files = Files.list(events.resolve(folder))) {
                files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(f -> {
                    try {
                        Scenarios.forSample(SampleEvent.load(f), null);
                        out.add(events.relativize(f).toString());
                    } catch (UnsupportedSample e) {
                        // Not a change (a read, a revoke, an oversized item): nothing to set up.
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("supported")
    void theChangeIsMadeForRealOnTheSandboxResource(String file) {
        SampleEvent sample = SampleEvent.load(root.resolve("events").resolve(file));
        ReadResult original = reader.read(sample.json());
        try (Scenario scenario = Scenarios.forSample(sample, sandbox)) {
            ScenarioRun.Staged staged = run.stage(sample, scenario);

            boolean changesNothing = sample.failed() || (sample.detailType().equals(SampleEvent.CONFIG_COMPLIANCE)
                    && !sample.nonCompliant()) || !scenario.makesTheChange();
            if (changesNothing) {
                assertThat(staged.after()).as("nothing was to change").isEqualTo(staged.before());
            } else if (!verdicts.path(file).path("rules").isEmpty()) {
                // A change with a finding makes a difference; one without may set what was there (a private ACL).
                assertThat(staged.after()).as("the state after the change (before: %s)", staged.before())
                        .isNotEqualTo(staged.before());
            }
            ReadResult aimed = reader.read(staged.event());
            assertThat(aimed).as(aimed.toString()).isInstanceOf(ReadResult.Read.class);
            var change = ((ReadResult.Read) aimed).change();
            assertThat(change.eventId()).isNotEqualTo(((ReadResult.Read) original).change().eventId());
            assertThat(change.resource().region()).isIn(aws.region().id(), "global");
            if (!scenario.accountWide() && !sample.failed()) {
                assertThat(change.resource().id()).as("the event names the sandbox resource")
                        .isNotEqualTo(((ReadResult.Read) original).change().resource().id())
                        .satisfies(id -> assertThat(scenario.describe()).contains(id));
            }
        }
    }

    @Test
    void anUpdatedConsolePasswordIsChangedOnAUserThatHadOne() {
        SampleEvent created = SampleEvent.load(root.resolve("events/cloudtrail/iam-create-login-profile-console.json"));
        ObjectNode json = created.json().deepCopy();
        ((ObjectNode) json.path("detail")).put("eventName", "UpdateLoginProfile");
        ((ObjectNode) json.path("detail")).remove("responseElements");
        SampleEvent updated = new SampleEvent(created.file(), json);

        try (Scenario scenario = Scenarios.forSample(updated, sandbox)) {
            ScenarioRun.Staged staged = run.stage(updated, scenario);

            assertThat(staged.before().path("loginProfile").asBoolean()).isTrue();
            assertThat(staged.after().path("loginProfile").asBoolean()).isTrue();
            assertThat(reader.read(staged.event())).isInstanceOf(ReadResult.Read.class);
        }
    }
}
