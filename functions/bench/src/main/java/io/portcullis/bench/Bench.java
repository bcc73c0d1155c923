package io.portcullis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.Sandbox;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code ./portcullis bench}: every figure beside its floor and the ratio of the two, measured in one run on this
 * machine, printed as one table and written as JSON. {@code --smoke} runs each part briefly (the test command does,
 * so the bench cannot rot); the figures of a smoke run mean nothing.
 */
public final class Bench {

    /** One line of the table. */
    record Row(String figure, String measure, double value, String unit, String floor, Double floorValue,
               String budget) {
        Double ratio() {
            return floorValue == null || floorValue == 0 ? null : value / floorValue;
        }
    }

    final boolean smoke;
    final Path root = LocalRuntime.repositoryRoot();
    final PrintStream out;
    final List<Row> rows = new ArrayList<>();
    final ObjectNode details = Json.mapper().createObjectNode();
    /** Event handed to the detector → the playbook's revoke (remediatedAt), warm, per contain run. */
    final List<Double> containToRevoke = new ArrayList<>();
    /** The same from a fresh JVM (process start included). */
    final List<Double> coldToRevoke = new ArrayList<>();
    final CallTimer calls = new CallTimer();

    Bench(boolean smoke, PrintStream out) {
        this.smoke = smoke;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        boolean peer = !Arrays.asList(args).contains("--no-peer");
        Path json = null;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--out")) {
                json = Path.of(args[i + 1]);
            }
        }
        Bench bench = new Bench(smoke, System.out);
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--only")) {
                bench.only = Set.of(args[i + 1].split(","));
                if (!PARTS.containsAll(bench.only)) {
                    System.err.println("portcullis bench: --only takes a comma-separated list of " + PARTS
                            + "; got '" + args[i + 1] + "'");
                    System.exit(2);
                }
            }
        }
        if (json == null) {
            json = bench.root.resolve(".portcullis/bench/" + (smoke ? "smoke.json" : "bench.json"));
        }
        bench.run(peer);
        bench.print();
        bench.write(json);
        System.out.println("Written: " + json);
        System.exit(0);
    }

    /** The parts of the bench, in the order they run; {@code --only a,b} runs some of them. */
    static final List<String> PARTS = List.of("evaluate", "cold", "contain", "burst", "peer", "accounts", "packages");
    Set<String> only = Set.copyOf(PARTS);

    void run(boolean peer) throws Exception {
        if (only.contains("evaluate")) {
            evaluate();
        }
        if (only.contains("cold") || only.contains("contain") || only.contains("burst") || only.contains("peer")) {
            AwsConnection aws = AwsConnection.emulator(Emulator.endpoint(), Emulator.region()).withInterceptor(calls);
            try (LocalRuntime runtime = LocalRuntime.deploy(root, aws, RemediationMode.ENFORCE)) {
                Sandbox sandbox = Sandbox.create(runtime.ec2(), "bench-" + UUID.randomUUID().toString().substring(0, 6),
                        "production");
                if (only.contains("cold")) {
                    coldStart(runtime, sandbox);
                }
                if (only.contains("contain") || only.contains("peer")) {
                    contain(runtime, sandbox);
                }
                if (only.contains("burst")) {
                    burst(runtime);
                }
                if (peer && only.contains("peer")) {
                    Peer.run(this, runtime, sandbox);
                }
            }
        }
        if (only.contains("accounts")) {
            new MemberAccounts(this).run();
        }
        if (only.contains("packages")) {
            packages();
        }
    }

    // --- evaluate: JMH ---

    void evaluate() throws Exception {
        int events = EvaluateBenchmark.corpus(root.resolve("events")).size();
        Options options = new OptionsBuilder().include(EvaluateBenchmark.class.getName() + ".*")
                .jvmArgsAppend("-Dportcullis.root=" + root)
                .warmupIterations(smoke ? 1 : 5).warmupTime(TimeValue.milliseconds(smoke ? 100 : 1000))
                .measurementIterations(smoke ? 1 : 10).measurementTime(TimeValue.milliseconds(smoke ? 100 : 1000))
                .forks(smoke ? 0 : 1).threads(1).shouldFailOnError(true).build();
        double evaluate = 0;
        double parse = 0;
        double evaluateError = 0;
        for (RunResult r : new Runner(options).run()) {
            double perPass = r.getPrimaryResult().getScore();
            if (r.getParams().getBenchmark().endsWith(".evaluate")) {
                evaluate = perPass;
                evaluateError = r.getPrimaryResult().getScoreError();
            } else {
                parse = perPass;
            }
        }
        double perEvent = evaluate / events;
        double perEventFloor = parse / events;
        rows.add(new Row("evaluate", "time per event", perEvent, "µs", "Jackson tree parse", perEventFloor, "≤ 2×"));
        rows.add(new Row("evaluate", "events per second", 1e6 / perEvent, "/s", "Jackson tree parse",
                1e6 / perEventFloor, ""));
        details.putObject("evaluate").put("events", events).put("passMicros", evaluate)
                .put("passMicrosError", evaluateError).put("parsePassMicros", parse);
    }

    // --- cold start: a fresh JVM per start ---

    void coldStart(LocalRuntime runtime, Sandbox sandbox) throws Exception {
        Path pkg = unzip(root.resolve("functions/detector/target/detector.zip"));
        Path launcher = Path.of(LambdaLikeLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String classpath = pkg + ":" + pkg.resolve("lib") + "/*:" + launcher;
        String jvmFlags = runtimeJvmFlags();
        int runs = smoke ? 1 : 5;
        List<double[]> detector = new ArrayList<>();
        List<double[]> floor = new ArrayList<>();
        List<double[]> defaultFlags = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path file = coldEvent(runtime);
            detector.add(launch(classpath, coldEnvironment(runtime, jvmFlags), "io.portcullis.detector.DetectorHandler",
                    file));
            floor.add(launch(classpath, coldEnvironment(runtime, jvmFlags), "-", file));
            Files.deleteIfExists(file);
            // The same start without the template's JVM options (what AWS's tiered-compilation advice saves).
            Path another = coldEvent(runtime);
            defaultFlags.add(launch(classpath, coldEnvironment(runtime, ""), "io.portcullis.detector.DetectorHandler",
                    another));
            Files.deleteIfExists(another);
        }
        double wall = median(detector, 0);
        double rss = median(detector, 1);
        double floorWall = median(floor, 0);
        rows.add(new Row("cold start", "wall, fresh JVM → one event handled (dry-run)", wall, "ms",
                "fresh JVM parsing the event with Jackson", floorWall, "≤ 1.5×"));
        rows.add(new Row("cold start", "peak RSS", rss / 1024, "MiB", "fresh JVM parsing the event with Jackson",
                median(floor, 1) / 1024, ""));
        rows.add(new Row("cold start", "of which: handler constructed (composition root)", median(detector, 2), "ms",
                "ObjectMapper constructed", median(floor, 2), ""));
        rows.add(new Row("cold start", "of which: first event handled", median(detector, 3), "ms",
                "event parsed", median(floor, 3), ""));
        rows.add(new Row("cold start", "without the template's JVM options (attempt reversed)",
                median(defaultFlags, 0), "ms", "fresh JVM parsing the event with Jackson", floorWall, "(attempt)"));
        ObjectNode cold = details.putObject("coldStart").put("runs", runs).put("jvmFlags", jvmFlags)
                .put("init", "the handler's composition root");
        cold.set("detector", Json.mapper().valueToTree(detector));
        cold.set("floor", Json.mapper().valueToTree(floor));
        cold.set("defaultJvmOptions", Json.mapper().valueToTree(defaultFlags));
        classSharing(runtime, pkg, launcher, jvmFlags, runs, floorWall);
    }

    /**
     * How much of the cold start is loading and linking classes: the same start with the classes (and, on JDK 25,
     * their linked state and profiles) mapped from an archive that a training run of the same package wrote. The JVM
     * only archives classes from jar files on the class path, so this variant runs the package's classes as a jar.
     * Lambda's managed runtime loads a function's classes with its own class loader, which these archives do not
     * cover: there SnapStart (template.yaml) is the mechanism; these rows measure what it has to win.
     */
    void classSharing(LocalRuntime runtime, Path pkg, Path launcher, String jvmFlags, int runs, double floorWall)
            throws Exception {
        Path jars = Files.createTempDirectory("portcullis-package-jars");
        Path classesJar = jars.resolve("function-classes.jar");
        jarOf(pkg, classesJar, name -> !name.startsWith("lib/"));
        Path launcherJar = jars.resolve("launcher.jar");
        jarOf(launcher, launcherJar, name -> name.startsWith("io/portcullis/bench/LambdaLikeLauncher"));
        String classpath = classesJar + ":" + pkg.resolve("lib") + "/*:" + launcherJar;
        int feature = Runtime.version().feature();
        record Variant(String name, String train, String use, int since) {
        }
        List<Variant> variants = List.of(
                new Variant("with AppCDS archive (JDK 13+; -XX:SharedArchiveFile)", "-XX:ArchiveClassesAtExit=%s",
                        "-XX:SharedArchiveFile=%s", 13),
                new Variant("with AOT cache (JDK 25; -XX:AOTCache, JEP 483/515)", "-XX:AOTCacheOutput=%s",
                        "-XX:AOTCache=%s", 25));
        ObjectNode detail = ((ObjectNode) details.path("coldStart")).putObject("classSharing");
        for (Variant v : variants) {
            if (feature < v.since()) {
                detail.put(v.name(), "skipped: needs JDK " + v.since() + ", the bench runs on " + feature);
                continue;
            }
            Path archive = jars.resolve("archive-" + v.since());
            Path training = coldEvent(runtime);
            launch(classpath, coldEnvironment(runtime, jvmFlags + " " + v.train().formatted(archive)),
                    "io.portcullis.detector.DetectorHandler", training);
            Files.deleteIfExists(training);
            if (!Files.exists(archive)) {
                throw new IllegalStateException("the training run wrote no archive at " + archive);
            }
            List<double[]> measured = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                Path file = coldEvent(runtime);
                measured.add(launch(classpath, coldEnvironment(runtime, jvmFlags + " " + v.use().formatted(archive)),
                        "io.portcullis.detector.DetectorHandler", file));
                Files.deleteIfExists(file);
            }
            rows.add(new Row("cold start", v.name(), median(measured, 0), "ms",
                    "fresh JVM parsing the event with Jackson", floorWall, "(attempt)"));
            detail.set(v.name(), Json.mapper().valueToTree(measured));
        }
    }

    /** A security group of its own and an event opening SSH on it: each start opens an incident. */
    Path coldEvent(LocalRuntime runtime) throws IOException {
        Sandbox own = Sandbox.create(runtime.ec2(), "cold-" + UUID.randomUUID().toString().substring(0, 6),
                "production");
        ObjectNode event = EventReplay.retarget(EventReplay.load(root.resolve(
                "events/cloudtrail/ec2-authorize-ssh-world-console.json")), own.groupId());
        ((ObjectNode) event.path("detail")).put("eventID", UUID.randomUUID().toString());
        Path file = Files.createTempFile("portcullis-cold", ".json");
        Files.write(file, Json.mapper().writeValueAsBytes(event));
        return file;
    }

    /** The detector's environment in dry-run against the emulator, with the given JVM options. */
    static Map<String, String> coldEnvironment(LocalRuntime runtime, String jvmFlags) {
        Map<String, String> env = new LinkedHashMap<>(runtime.environment());
        env.put(FunctionSettings.REMEDIATION_MODE, "dry-run");
        env.put("AWS_ENDPOINT_URL", Emulator.endpoint().toString());
        env.put("AWS_REGION", Emulator.region());
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        env.put("JAVA_TOOL_OPTIONS", jvmFlags);
        return env;
    }

    /** Writes the files under {@code dir} whose relative names pass {@code include} into a jar. */
    static void jarOf(Path dir, Path jar, java.util.function.Predicate<String> include) throws IOException {
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = dir.relativize(f).toString().replace('\\', '/');
                if (include.test(name)) {
                    out.putNextEntry(new java.util.jar.JarEntry(name));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }
    }

    /** The JVM options template.yaml gives the functions (JAVA_TOOL_OPTIONS). */
    String runtimeJvmFlags() {
        JsonNode t = io.portcullis.local.LocalDeployment.readTemplate(root.resolve("template.yaml"));
        return t.path("Globals").path("Function").path("Environment").path("Variables").path("JAVA_TOOL_OPTIONS")
                .asText("");
    }

    /** Runs the launcher in a fresh JVM; returns {wall ms from spawn to exit, peak RSS KiB}. */
    static double[] launch(String classpath, Map<String, String> env, String handler, Path event) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", classpath,
                LambdaLikeLauncher.class.getName(), handler, event.toString()).redirectErrorStream(true);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("cold start of " + handler + " failed:\n" + output);
        }
        double wall = (System.nanoTime() - start) / 1e6;
        String line = output.lines().filter(l -> l.startsWith("init_ms=")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no timing line from " + handler + ":\n" + output));
        double rss = Double.parseDouble(line.replaceAll(".*rss_kb=", "").trim());
        return new double[] {wall, rss, field(line, "init_ms"), field(line, "handle_ms")};
    }

    /** One {@code name=value} figure of the launcher's timing line. */
    static double field(String line, String name) {
        for (String part : line.trim().split(" ")) {
            if (part.startsWith(name + "=")) {
                return Double.parseDouble(part.substring(name.length() + 1));
            }
        }
        throw new IllegalStateException("no " + name + " in: " + line);
    }

    static Path unzip(Path zip) throws IOException {
        Path dir = Files.createTempDirectory("portcullis-package");
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (var e : java.util.Collections.list(file.entries())) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("zip entry outside the folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (var in = file.getInputStream(e)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        return dir;
    }

    // --- contain: the P1 path, warm, in the emulator ---

    void contain(LocalRuntime runtime, Sandbox sandbox) throws Exception {
        int runs = smoke ? 3 : 50;
        Ec2Client ec2 = runtime.ec2();
        List<Double> path = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        // Warm-up: one run not counted.
        for (int i = -1; i < runs; i++) {
            // Each run is an independent containment: 50 in a few minutes in one account would (rightly) trip the
            // blast-radius breaker after the fifth, so its window is emptied first (not timed).
            runtime.clearBreakerWindow();
            ObjectNode event = EventReplay.applyIngress(ec2, EventReplay.retarget(EventReplay.load(root.resolve(
                    "events/cloudtrail/ec2-authorize-ssh-world-console.json")), sandbox.groupId()));
            ((ObjectNode) event.path("detail")).put("eventID", UUID.randomUUID().toString());
            long start = System.nanoTime();
            Instant handed = Instant.now();
            String incident = runtime.invokeDetector(event).path("incidentId").asText();
            LocalRuntime.Execution done = runtime.runPlaybook(incident);
            double ms = (System.nanoTime() - start) / 1e6;
            if (!done.entered("Verify") || runtime.incident(incident).orElseThrow().verifiedAt() == null) {
                throw new IllegalStateException("run " + i + " did not contain: " + done.states());
            }
            // The floor: the AWS calls the path cannot do without, made directly: record, read, revoke, re-read.
            ObjectNode again = EventReplay.applyIngress(ec2, EventReplay.retarget(EventReplay.load(root.resolve(
                    "events/cloudtrail/ec2-authorize-ssh-world-console.json")), sandbox.groupId()));
            String ruleId = again.at("/detail/responseElements/securityGroupRuleSet/items/0/securityGroupRuleId").asText();
            long f0 = System.nanoTime();
            runtime.dynamoDb().putItem(r -> r.tableName(runtime.deployment().approvalsTable()).item(Map.of(
                    "approvalId", AttributeValue.fromS("floor-" + UUID.randomUUID()))).conditionExpression(
                    "attribute_not_exists(approvalId)"));
            ec2.describeSecurityGroupRules(r -> r.filters(f -> f.name("group-id").values(sandbox.groupId())));
            ec2.revokeSecurityGroupIngress(r -> r.groupId(sandbox.groupId()).securityGroupRuleIds(ruleId));
            ec2.describeSecurityGroupRules(r -> r.filters(f -> f.name("group-id").values(sandbox.groupId())));
            double floorMs = (System.nanoTime() - f0) / 1e6;
            if (i >= 0) {
                path.add(ms);
                floor.add(floorMs);
                containToRevoke.add((double) java.time.Duration.between(handed,
                        runtime.incident(incident).orElseThrow().remediatedAt()).toMillis());
            }
        }
        double p50 = percentile(path, 50);
        double floor50 = percentile(floor, 50);
        rows.add(new Row("contain (P1, warm)", "event → verified revoke, p50", p50, "ms",
                "the path's AWS calls made directly", floor50, ""));
        rows.add(new Row("contain (P1, warm)", "p95", percentile(path, 95), "ms", "", percentile(floor, 95), ""));
        rows.add(new Row("contain (P1, warm)", "p99", percentile(path, 99), "ms", "", percentile(floor, 99), ""));
        details.putObject("contain").put("runs", runs).set("ms", Json.mapper().valueToTree(path));
        ((ObjectNode) details.path("contain")).set("toRevokeMs", Json.mapper().valueToTree(containToRevoke));
        coldContain(runtime, sandbox);
    }

    /** Portcullis cold, event to revoke: a fresh JVM per event (the peer comparison's cold figure). */
    void coldContain(LocalRuntime runtime, Sandbox sandbox) throws Exception {
        Path deployment = Files.createTempFile("portcullis-deployment", ".json");
        Path environment = Files.createTempFile("portcullis-env", ".json");
        Files.write(deployment, Json.mapper().writeValueAsBytes(runtime.deployment()));
        Files.write(environment, Json.mapper().writeValueAsBytes(runtime.environment()));
        String classpath = System.getProperty("java.class.path");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (int i = 0; i < (smoke ? 1 : 3); i++) {
            runtime.clearBreakerWindow();
            ObjectNode event = EventReplay.applyIngress(runtime.ec2(), EventReplay.retarget(EventReplay.load(root.resolve(
                    "events/cloudtrail/ec2-authorize-ssh-world-console.json")), sandbox.groupId()));
            ((ObjectNode) event.path("detail")).put("eventID", UUID.randomUUID().toString());
            Path file = Files.createTempFile("portcullis-event", ".json");
            Files.write(file, Json.mapper().writeValueAsBytes(event));
            ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Dportcullis.root=" + root, "-cp", classpath,
                    ColdContain.class.getName(), deployment.toString(), environment.toString(), file.toString())
                    .redirectErrorStream(true);
            pb.environment().put("JAVA_TOOL_OPTIONS", runtimeJvmFlags());
            pb.environment().put("AWS_ENDPOINT_URL", Emulator.endpoint().toString());
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("cold containment failed:\n" + output);
            }
            coldToRevoke.add(Double.parseDouble(output.lines().filter(l -> l.startsWith("revoked_ms="))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no figure in:\n" + output))
                    .substring("revoked_ms=".length())));
            Files.deleteIfExists(file);
        }
    }

    // --- burst: many events, duplicates and repeats mixed in ---

    void burst(LocalRuntime runtime) {
        int events = smoke ? 200 : 10_000;
        int groups = smoke ? 5 : 100;
        Ec2Client ec2 = runtime.ec2();
        List<String> ids = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            ids.add(Sandbox.create(ec2, "burst-" + g + "-" + UUID.randomUUID().toString().substring(0, 4), "production")
                    .groupId());
        }
        java.util.Random random = new java.util.Random(7);
        List<ObjectNode> sent = new ArrayList<>();
        List<ObjectNode> batch = new ArrayList<>();
        java.util.Set<String> targeted = new java.util.HashSet<>();
        int redeliveries = 0;
        for (int i = 0; i < events; i++) {
            ObjectNode event;
            if (!sent.isEmpty() && random.nextInt(10) < 3) {
                event = sent.get(random.nextInt(sent.size())); // a redelivery: the same event again
                redeliveries++;
            } else {
                String group = ids.get(random.nextInt(groups));
                event = EventReplay.retarget(EventReplay.load(root.resolve(
                        "events/cloudtrail/ec2-authorize-rdp-world-ipv6-cli.json")), group);
                ((ObjectNode) event.path("detail")).put("eventID", UUID.randomUUID().toString()); // a repeat
                sent.add(event);
                targeted.add(group);
            }
            batch.add(event);
        }
        // What an exact recorder answers: one incident per problem hit, each other new event id attached to it, and
        // every redelivery a duplicate (however many repeats its incident already has).
        int wantOpened = targeted.size();
        int wantAttached = events - redeliveries - wantOpened;
        Map<String, Integer> outcomes = new java.util.TreeMap<>();
        calls.reset();
        long start = System.nanoTime();
        for (ObjectNode event : batch) {
            outcomes.merge(runtime.invokeDetector(event).path("outcome").asText(), 1, Integer::sum);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ObjectNode perCall = details.putObject("burstCalls");
        calls.summary().forEach((op, v) -> perCall.putObject(op).put("calls", (long) v[0]).put("meanMs", v[1]));
        java.util.Set<String> burstGroups = new java.util.HashSet<>(ids);
        List<io.portcullis.incident.Incident> recorded = runtime.incidentIds().stream()
                .map(id -> runtime.incident(id).orElseThrow()).filter(i -> burstGroups.contains(i.resource().id()))
                .toList();
        int incidents = recorded.size();
        int occurrences = recorded.stream().mapToInt(io.portcullis.incident.Incident::occurrences).sum();
        int opened = outcomes.getOrDefault("incident-opened", 0);
        int duplicates = outcomes.getOrDefault("duplicate", 0);
        int attached = outcomes.getOrDefault("attached-to-open-incident", 0);
        int accounted = opened + duplicates + attached;
        // The floor: one conditional write per event to the same emulator, the least any recorder must do.
        long f0 = System.nanoTime();
        for (int i = 0; i < events; i++) {
            String key = "floor-" + i;
            runtime.dynamoDb().putItem(r -> r.tableName(runtime.deployment().approvalsTable()).item(Map.of(
                    "approvalId", AttributeValue.fromS(key))).conditionExpression("attribute_not_exists(approvalId)"));
        }
        double floorSeconds = (System.nanoTime() - f0) / 1e9;
        rows.add(new Row("burst", events + " events through the detector", events / seconds, "events/s",
                "one conditional write per event", events / floorSeconds, ""));
        rows.add(new Row("burst", "incidents created (distinct problems " + wantOpened + ")", incidents, "", "", null,
                "= " + wantOpened));
        rows.add(new Row("burst", "redeliveries answered duplicate", duplicates, "", "", null, "= " + redeliveries));
        rows.add(new Row("burst", "repeats attached to the open incident", attached, "", "", null, "= " + wantAttached));
        rows.add(new Row("burst", "events counted on the incidents (occurrences)", occurrences, "", "", null,
                "= " + (events - redeliveries)));
        rows.add(new Row("burst", "events accounted for (opened + duplicate + attached)", accounted, "", "", null,
                "= " + events));
        details.putObject("burst").put("events", events).put("distinctProblems", wantOpened)
                .put("redeliveries", redeliveries).put("incidents", incidents).put("occurrences", occurrences)
                .put("seconds", seconds).set("outcomes", Json.mapper().valueToTree(outcomes));
        if (incidents != wantOpened || opened != wantOpened || duplicates != redeliveries || attached != wantAttached
                || occurrences != events - redeliveries || accounted != events) {
            throw new IllegalStateException("burst lost or duplicated work: " + incidents + " incidents for "
                    + wantOpened + " problems, " + occurrences + " occurrences for " + (events - redeliveries)
                    + " distinct events; outcomes " + outcomes + " for " + redeliveries + " redeliveries and "
                    + wantAttached + " repeats");
        }
    }

    // --- packages ---

    void packages() throws IOException {
        ObjectNode sizes = details.putObject("packages");
        for (String f : List.of("detector", "remediator", "interaction", "report", "watchdog")) {
            Path zip = root.resolve("functions/" + f + "/target/" + f + ".zip");
            long size = Files.size(zip);
            ArrayNode sdk = sizes.putObject(f).put("bytes", size).putArray("sdkServices");
            try (ZipFile file = new ZipFile(zip.toFile())) {
                file.stream().map(e -> e.getName())
                        .filter(n -> n.matches("lib/(dynamodb|ec2|sqs|s3|s3control|iam|sfn|secretsmanager|cloudtrail|ssm)-[0-9.]+\\.jar"))
                        .map(n -> n.replaceAll("lib/|-[0-9.]+\\.jar", "")).sorted().forEach(sdk::add);
            }
            rows.add(new Row("package", f + ".zip (SDK: " + String.join(", ", Json.mapper().convertValue(sdk,
                    String[].class)) + ")", size / 1048576.0, "MiB", "", null, "only its SDK modules"));
        }
    }

    // --- output ---

    void print() {
        out.println();
        out.println("Portcullis bench" + (smoke ? " (smoke: figures meaningless)" : "") + " · " + Instant.now()
                + " · JDK " + Runtime.version() + " · " + Runtime.getRuntime().availableProcessors() + " cores");
        out.printf(Locale.ROOT, "%-20s %-58s %12s %-9s %12s %8s  %s%n", "figure", "measure", "value", "unit", "floor",
                "ratio", "budget");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-20s %-58s %12.2f %-9s %12s %8s  %s%n", r.figure(), truncate(r.measure(), 58),
                    r.value(), r.unit(), r.floorValue() == null ? "—" : String.format(Locale.ROOT, "%.2f",
                            r.floorValue()), r.ratio() == null ? "—" : String.format(Locale.ROOT, "%.2f×", r.ratio()),
                    r.budget());
        }
    }

    void write(Path file) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("smoke", smoke).put("at", Instant.now().toString()).put("jdk", Runtime.version().toString())
                .put("cores", Runtime.getRuntime().availableProcessors());
        ArrayNode table = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode row = table.addObject().put("figure", r.figure()).put("measure", r.measure())
                    .put("value", r.value()).put("unit", r.unit()).put("floor", r.floor()).put("budget", r.budget());
            if (r.floorValue() != null) {
                row.put("floorValue", r.floorValue());
            }
            if (r.ratio() != null) {
                row.put("ratio", r.ratio());
            }
        }
        root.set("details", details);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    static double median(List<double[]> runs, int index) {
        return percentile(runs.stream().map(r -> r[index]).toList(), 50);
    }

    /** Nearest rank. */
    static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (p * sorted.size() + 99) / 100;
        return sorted.get(Math.max(0, rank - 1));
    }
}
