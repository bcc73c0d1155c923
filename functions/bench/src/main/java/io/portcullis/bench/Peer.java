package io.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer comparison: Cloud Custodian's own Lambda entry point ({@code c7n.handler.dispatch_event}) on the same
 * security-group event and the same emulator, run by {@code tests/bench/peer/c7n_peer.py} from its own pinned
 * virtualenv ({@code tests/bench/peer/setup.sh}). Its code is used, never copied.
 *
 * <p>Both sides are timed from the event to the offending permission revoked: Cloud Custodian until its handler
 * returns (it revokes inside it); Portcullis until the playbook's remediate step has revoked, read from the incident's
 * {@code remediatedAt} against the instant the event was handed to the detector. Cold: a fresh process (JVM or
 * Python) per event, process start included. Warm: the p50 of runs in one process.
 */
final class Peer {

    private Peer() {
    }

    static void run(Bench bench, LocalRuntime runtime, Sandbox sandbox) throws Exception {
        Path root = bench.root;
        String python = exec(List.of(root.resolve("tests/bench/peer/setup.sh").toString()), 600).trim();
        String[] lines = python.split("\n");
        python = lines[lines.length - 1].trim();
        String event = root.resolve("events/cloudtrail/ec2-authorize-ssh-world-console.json").toString();
        int warmRuns = bench.smoke ? 3 : 20;
        int coldRuns = bench.smoke ? 1 : 3;
        JsonNode warm = Json.mapper().readTree(lastJsonLine(exec(List.of(python, root.resolve(
                "tests/bench/peer/c7n_peer.py").toString(), "--endpoint", Emulator.endpoint().toString(), "--region",
                Emulator.region(), "--event", event, "--runs", Integer.toString(warmRuns), "--mode", "warm",
                "--logs", "off"), 600)));
        List<Double> cold = new ArrayList<>();
        for (int i = 0; i < coldRuns; i++) {
            long start = System.nanoTime();
            JsonNode one = Json.mapper().readTree(lastJsonLine(exec(List.of(python, root.resolve(
                    "tests/bench/peer/c7n_peer.py").toString(), "--endpoint", Emulator.endpoint().toString(), "--region",
                    Emulator.region(), "--event", event, "--runs", "1", "--mode", "cold-one", "--logs", "off"), 600)));
            if (!one.path("revoked").asBoolean()) {
                throw new IllegalStateException("Cloud Custodian did not revoke: " + one);
            }
            cold.add(one.path("process_ms").asDouble((System.nanoTime() - start) / 1e6));
        }
        if (!warm.path("revoked").asBoolean()) {
            throw new IllegalStateException("Cloud Custodian did not revoke: " + warm);
        }
        double ours = Bench.percentile(bench.containToRevoke, 50);
        double theirs = warm.path("p50_ms").asDouble();
        bench.rows.add(new Bench.Row("vs Cloud Custodian", "warm, event → revoked, p50 (Portcullis)", ours, "ms",
                "Cloud Custodian " + warm.path("version").asText() + ", warm p50", theirs, "< 1×"));
        double ourCold = Bench.percentile(bench.coldToRevoke, 50);
        double theirCold = Bench.percentile(cold, 50);
        bench.rows.add(new Bench.Row("vs Cloud Custodian", "cold, fresh process → revoked (Portcullis)", ourCold, "ms",
                "Cloud Custodian, fresh process", theirCold, "< 1×"));
        bench.details.putObject("peer").put("tool", "cloud-custodian").put("version", warm.path("version").asText())
                .set("warm", warm);
        ((com.fasterxml.jackson.databind.node.ObjectNode) bench.details.path("peer")).set("coldMs",
                Json.mapper().valueToTree(cold));
    }

    static String lastJsonLine(String output) {
        return output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no JSON line in:\n" + output));
    }

    static String exec(List<String> command, int seconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out + err);
        }
        return out;
    }
}
