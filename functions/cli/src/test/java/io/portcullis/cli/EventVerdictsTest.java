package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import io.portcullis.policy.PolicyFiles;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Environment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** evaluate over the whole events/ folder, against events/verdicts.yaml. */
class EventVerdictsTest {

    final Path events = LocalRuntime.repositoryRoot().resolve("events");
    final JsonNode expected = PolicyFiles.read(events.resolve("verdicts.yaml"));
    final ObjectMapper json = Json.mapper();

    List<Path> samples() throws Exception {
        try (Stream<Path> files = Files.walk(events)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    List<JsonNode> evaluate(PolicyEngine engine, List<Path> inputs) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Evaluate(engine).run(inputs, new PrintStream(out, true, StandardCharsets.UTF_8));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(json.readTree(line));
        }
        return lines;
    }

    @Test
    void everySampleHasTheVerdictWrittenForIt() throws Exception {
        List<Path> samples = samples();
        List<JsonNode> lines = evaluate(new PolicyEngine(io.portcullis.rule.RuleSet.defaults(),
                io.portcullis.protocol.Protocol.defaults(), Accounts.none()), samples);

        assertThat(lines).hasSameSizeAs(samples);
        for (int i = 0; i < samples.size(); i++) {
            String name = events.relativize(samples.get(i)).toString();
            JsonNode line = lines.get(i);
            JsonNode want = expected.path(name);
            assertThat(want.isMissingNode()).as("events/verdicts.yaml has no entry for " + name).isFalse();
            assertThat(line.path("input").asText()).as("output is in input order").isEqualTo(samples.get(i).toString());
            if (want.has("error")) {
                assertThat(line.path("error").asText()).as(name).contains(want.path("error").asText());
                continue;
            }
            assertThat(line.has("error")).as(name + ": " + line.path("error").asText()).isFalse();
            List<String> rules = new ArrayList<>();
            line.path("findings").forEach(f -> rules.add(f.path("rule").asText()));
            List<String> wantRules = new ArrayList<>();
            want.path("rules").forEach(r -> wantRules.add(r.asText()));
            assertThat(rules).as(name).isEqualTo(wantRules);
            assertThat(line.path("priority").isNull() ? null : line.path("priority").asText()).as(name)
                    .isEqualTo(want.path("priority").isNull() ? null : want.path("priority").asText());
            assertThat(line.path("response").isNull() ? null : line.path("response").asText()).as(name)
                    .isEqualTo(want.path("response").isNull() ? null : want.path("response").asText());
            line.path("findings").forEach(f -> {
                // AWS Config names a managed policy by its id only (ANPA…), from which no ARN can be told.
                if (!f.path("resource").path("type").asText().equals("AWS::IAM::Policy")) {
                    assertThat(f.path("resource").path("arn").asText()).as(name).startsWith("arn:aws:");
                }
                assertThat(f.path("explanation").asText()).isNotBlank();
            });
        }
    }

    /** Every call the detector reads has a sample, so a new call cannot land without one. */
    @Test
    void everySupportedCallHasASample() throws Exception {
        java.util.Set<String> sampled = new java.util.TreeSet<>();
        for (Path sample : samples()) {
            if (sample.startsWith(events.resolve("invalid"))) {
                continue;
            }
            JsonNode detail = json.readTree(sample.toFile()).path("detail");
            sampled.add(detail.path("eventSource").asText() + " " + detail.path("eventName").asText());
        }
        io.portcullis.change.CloudTrailEventReader.supportedCalls().forEach((source, names) -> names.forEach(name ->
                assertThat(sampled).as("a sample of " + source + " " + name + " in events/").contains(source + " " + name)));
    }

    @Test
    void theAccountsFileDecidesTheEnvironmentOfUntaggedResources() throws Exception {
        Path sample = events.resolve("cloudtrail/ec2-authorize-ssh-world-console.json");
        PolicyEngine nonProd = PolicyEngine.defaults()
                .withAccounts(new Accounts(Map.of("123456789012", Environment.NON_PRODUCTION)));

        JsonNode line = evaluate(nonProd, List.of(sample)).get(0);

        assertThat(line.path("priority").asText()).isEqualTo("P2");
        assertThat(line.path("protocolRow").asText()).isEqualTo("5: critical, non-production");
    }

    @Test
    void aRefusedInputNeverStopsTheOthers() throws Exception {
        List<Path> inputs = List.of(events.resolve("invalid/truncated-json.json"), events.resolve("nope.json"),
                events.resolve("cloudtrail/ec2-authorize-ssh-world-console.json"));

        List<JsonNode> lines = evaluate(PolicyEngine.defaults(), inputs);

        assertThat(lines).extracting(l -> l.has("error")).containsExactly(true, true, false);
        assertThat(lines.get(1).path("error").asText()).contains("cannot read the file");
        assertThat(lines.get(2).path("priority").asText()).isEqualTo("P1");
    }
}
