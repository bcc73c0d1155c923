package io.portcullis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.detection.DetectChange;
import io.portcullis.detection.DetectionResult;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Protocol;
import io.portcullis.rule.RuleSet;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Mutates every sample in events/ thousands of times (fields deleted, values of the wrong type, hostile strings,
 * truncated and corrupted bytes) and feeds each through the detector's use case: every input must be judged or
 * refused with a reason, never throw. {@code -Dportcullis.fuzz.inputs=100000} for the long run; the seed is printed
 * and can be replayed with {@code -Dportcullis.fuzz.seed=…}.
 */
class EventMutationFuzzTest {

    enum Mutation { DELETE_FIELD, WRONG_TYPE, HOSTILE_STRING, HUGE_NUMBER, TRUNCATE_BYTES, FLIP_BYTE, EMPTY_CONTAINER }

    static final List<JsonNode> HOSTILE = List.of(
            JsonNodeFactory.instance.textNode("<script>alert(1)</script> *bold* _it_ `code` <!channel> \u0000\u001b[31m"),
            JsonNodeFactory.instance.textNode("x".repeat(70_000)),
            JsonNodeFactory.instance.textNode("0.0.0.0/0"), JsonNodeFactory.instance.textNode("::/0"),
            JsonNodeFactory.instance.textNode("-1"), JsonNodeFactory.instance.textNode("%7B%22Statement%22%3A"),
            JsonNodeFactory.instance.textNode("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\"}]}"),
            JsonNodeFactory.instance.textNode("\uD83D\uDD25 \u202Eevil"), JsonNodeFactory.instance.textNode(""));

    @Test
    void everyMutatedSampleIsJudgedOrRefusedNeverThrown() throws Exception {
        int inputs = Integer.getInteger("portcullis.fuzz.inputs", 4000);
        long seed = Long.getLong("portcullis.fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        List<JsonNode> samples = samples();
        DetectChange detector = new DetectChange(
                new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()),
                new InMemorySecurityGroups(), io.portcullis.remediation.ResourceTags.NONE, new InMemoryIncidentStore(), (incident, input) -> true, Clock.systemUTC(),
                RemediationMode.DRY_RUN, Set.of());
        Map<Mutation, Integer> applied = new EnumMap<>(Mutation.class);
        Map<String, Integer> outcomes = new java.util.TreeMap<>();

        for (int i = 0; i < inputs; i++) {
            JsonNode sample = samples.get(random.nextInt(samples.size()));
            Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
            byte[] input = mutate(sample, mutation, random);
            applied.merge(mutation, 1, Integer::sum);
            DetectionResult result;
            try {
                result = detector.handle(input);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ", input " + i + " (" + mutation + ") threw "
                        + e + ":\n" + new String(input, StandardCharsets.UTF_8), e);
            }
            assertThat(result).as("seed %d input %d", seed, i).isNotNull();
            if (result instanceof DetectionResult.Refused r) {
                assertThat(r.reason()).as("a refusal says why").isNotBlank();
            }
            outcomes.merge(result.outcome(), 1, Integer::sum);
        }
        System.out.printf("fuzz: %d mutated inputs from %d samples, seed %d; mutations %s; outcomes %s%n",
                inputs, samples.size(), seed, applied, outcomes);
        assertThat(outcomes).containsKeys("refused", "incident-opened");
    }

    static List<JsonNode> samples() throws Exception {
        try (Stream<Path> files = Files.walk(Fixtures.events())) {
            List<JsonNode> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                try {
                    out.add(Json.mapper().readTree(f.toFile()));
                } catch (java.io.IOException e) {
                    // the deliberately broken samples are used as bytes by other tests
                }
            }
            return out;
        }
    }

    static byte[] mutate(JsonNode sample, Mutation mutation, Random random) throws Exception {
        JsonNode copy = sample.deepCopy();
        List<JsonNode> containers = new ArrayList<>();
        collect(copy, containers);
        JsonNode target = containers.get(random.nextInt(containers.size()));
        switch (mutation) {
            case DELETE_FIELD -> {
                if (target instanceof ObjectNode o && !o.isEmpty()) {
                    List<String> names = new ArrayList<>();
                    o.fieldNames().forEachRemaining(names::add);
                    o.remove(names.get(random.nextInt(names.size())));
                } else if (target instanceof ArrayNode a && !a.isEmpty()) {
                    a.remove(random.nextInt(a.size()));
                }
            }
            case WRONG_TYPE, HOSTILE_STRING, HUGE_NUMBER, EMPTY_CONTAINER -> {
                JsonNode value = switch (mutation) {
                    case WRONG_TYPE -> List.<JsonNode>of(JsonNodeFactory.instance.nullNode(),
                            JsonNodeFactory.instance.booleanNode(true), JsonNodeFactory.instance.numberNode(7),
                            JsonNodeFactory.instance.arrayNode(), JsonNodeFactory.instance.objectNode()).get(random.nextInt(5));
                    case HOSTILE_STRING -> HOSTILE.get(random.nextInt(HOSTILE.size()));
                    case HUGE_NUMBER -> List.<JsonNode>of(JsonNodeFactory.instance.numberNode(new java.math.BigInteger("9".repeat(40))),
                            JsonNodeFactory.instance.numberNode(-2147483649L), JsonNodeFactory.instance.numberNode(1e308),
                            JsonNodeFactory.instance.numberNode(65536), JsonNodeFactory.instance.numberNode(-1)).get(random.nextInt(5));
                    default -> random.nextBoolean() ? JsonNodeFactory.instance.objectNode() : JsonNodeFactory.instance.arrayNode();
                };
                if (target instanceof ObjectNode o && !o.isEmpty()) {
                    List<String> names = new ArrayList<>();
                    o.fieldNames().forEachRemaining(names::add);
                    o.set(names.get(random.nextInt(names.size())), value);
                } else if (target instanceof ArrayNode a && !a.isEmpty()) {
                    a.set(random.nextInt(a.size()), value);
                }
            }
            case TRUNCATE_BYTES, FLIP_BYTE -> {
                byte[] bytes = Json.mapper().writeValueAsBytes(copy);
                if (mutation == Mutation.TRUNCATE_BYTES) {
                    return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
                }
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                return bytes;
            }
        }
        return Json.mapper().writeValueAsBytes(copy);
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }
}
