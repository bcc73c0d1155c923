package io.portcullis.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.change.Change;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ReadResult;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.json.Json;
import io.portcullis.protocol.Environment;
import io.portcullis.rule.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The detector's judgement over the whole {@code events/} corpus, single thread, against its floor: parsing the same
 * bytes into a Jackson tree. One operation is one pass over the corpus.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EvaluateBenchmark {

    List<byte[]> corpus;
    final ObjectMapper json = Json.mapper();
    final CloudTrailEventReader reader = new CloudTrailEventReader(json, new OriginClassifier(Set.of()));
    final PolicyEngine engine = PolicyEngine.defaults();

    @Setup
    public void load() throws IOException {
        corpus = corpus(Path.of(System.getProperty("portcullis.root", ".")).resolve("events"));
    }

    public static List<byte[]> corpus(Path events) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(events)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(Files.readAllBytes(f));
            }
        }
        return out;
    }

    /** Read, judge and prioritise every event, as {@code ./portcullis evaluate} does (no AWS). */
    @Benchmark
    public void evaluate(Blackhole sink) {
        for (byte[] event : corpus) {
            ReadResult read = reader.read(event);
            if (read instanceof ReadResult.Read r) {
                Change change = r.change();
                List<Finding> findings = engine.findings(change);
                sink.consume(findings.isEmpty() ? null
                        : engine.decide(change, findings, engine.environment(change, Environment.UNKNOWN)));
            } else {
                sink.consume(read);
            }
        }
    }

    /** The floor: the same bytes into a Jackson tree, nothing else. */
    @Benchmark
    public void parse(Blackhole sink) {
        for (byte[] event : corpus) {
            try {
                sink.consume(json.readTree(event));
            } catch (IOException e) {
                sink.consume(e); // the corpus holds malformed events on purpose; failing to parse is their floor
            }
        }
    }
}
