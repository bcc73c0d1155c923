package io.portcullis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.Change;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ReadResult;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.exception.SuppressedFinding;
import java.time.LocalDate;
import java.time.ZoneOffset;
import io.portcullis.json.Json;
import io.portcullis.protocol.Decision;
import io.portcullis.protocol.Environment;
import io.portcullis.rule.Finding;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code ./portcullis evaluate}: the detector's engine, offline. One JSON object per input, in input order (JSON
 * Lines): the verdict, or why the input was refused. No AWS call is made, so a resource's environment comes from the
 * accounts file only.
 */
final class Evaluate {

    private final ObjectMapper json = Json.mapper();
    private final CloudTrailEventReader reader = new CloudTrailEventReader(json, new OriginClassifier(Set.of()));
    private final PolicyEngine engine;

    Evaluate(PolicyEngine engine) {
        this.engine = engine;
    }

    /** Writes one line per input; returns how many were refused. */
    int run(List<Path> inputs, PrintStream out) throws IOException {
        int refused = 0;
        for (Path input : inputs) {
            ObjectNode line;
            try {
                line = evaluate(input);
            } catch (RuntimeException e) {
                // One bad input never stops the others.
                line = json.createObjectNode().put("input", input.toString())
                        .put("error", "could not be evaluated: " + e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            if (line.has("error")) {
                refused++;
            }
            out.println(json.writeValueAsString(line));
        }
        return refused;
    }

    ObjectNode evaluate(Path input) {
        ObjectNode line = json.createObjectNode();
        line.put("input", input.toString());
        byte[] raw;
        try {
            raw = Files.readAllBytes(input);
        } catch (IOException e) {
            line.put("error", "cannot read the file: " + e.getMessage());
            return line;
        }
        ReadResult read = reader.read(raw);
        if (read instanceof ReadResult.Refused r) {
            line.put("error", r.eventRef() + ": " + r.reason());
            return line;
        }
        Change change = ((ReadResult.Read) read).change();
        List<Finding> all = engine.findings(change);
        List<SuppressedFinding> suppressed = engine.suppressed(all, java.util.Map.of(), LocalDate.now(ZoneOffset.UTC));
        List<Finding> findings = all.stream().filter(f -> suppressed.stream().noneMatch(x -> x.finding() == f)).toList();
        Decision decision = engine.decide(change, findings, engine.environment(change, Environment.UNKNOWN));
        line.put("event", change.eventName());
        line.put("origin", change.origin().key());
        ObjectNode actor = line.putObject("actor");
        actor.put("principal", change.actor().principalArn());
        actor.put("type", change.actor().type());
        actor.put("mfa", change.actor().mfa());
        actor.put("sourceIp", change.actor().sourceIp());
        ArrayNode list = line.putArray("findings");
        for (Finding f : findings) {
            ObjectNode o = list.addObject();
            o.put("rule", f.ruleId());
            o.put("severity", f.severity().label());
            ObjectNode resource = o.putObject("resource");
            resource.put("type", f.resource().type());
            resource.put("id", f.resource().id());
            resource.put("arn", f.resource().arn());
            resource.put("account", f.resource().account());
            resource.put("region", f.resource().region());
            o.put("explanation", f.explanation());
        }
        if (!suppressed.isEmpty()) {
            ArrayNode s = line.putArray("suppressed");
            for (SuppressedFinding x : suppressed) {
                ObjectNode o = s.addObject();
                o.put("rule", x.finding().ruleId());
                o.put("exception", x.exception().source());
                o.put("owner", x.exception().owner());
                o.put("reason", x.exception().reason());
                o.put("expires", x.exception().expires().toString());
            }
        }
        if (decision == null) {
            line.putNull("priority");
            line.putNull("response");
        } else {
            line.put("priority", decision.priority().name());
            line.put("response", decision.response().label());
            line.put("protocolRow", decision.row() + ": " + decision.rowName());
        }
        return line;
    }
}
