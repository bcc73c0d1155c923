package io.portcullis.bench;

import io.portcullis.aws.AwsConnection;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.LocalDeployment;
import io.portcullis.local.LocalRuntime;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A fresh JVM that builds the detector and the playbook worker (their composition roots), hands the detector one
 * event, and plays the step queue until the playbook has revoked: Portcullis' cold event-to-revoke, process start
 * included. Prints {@code revoked_ms=…} (from the JVM's start to the incident's {@code remediatedAt}).
 *
 * <p>Usage: {@code ColdContain <deployment.json> <environment.json> <event.json>}.
 */
public final class ColdContain {

    private ColdContain() {
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        Instant jvmStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        LocalDeployment deployment = Json.mapper().readValue(Files.readAllBytes(Path.of(args[0])), LocalDeployment.class);
        Map<String, String> env = Json.mapper().readValue(Files.readAllBytes(Path.of(args[1])), Map.class);
        AwsConnection aws = AwsConnection.emulator(Emulator.endpoint(), Emulator.region());
        try (LocalRuntime runtime = LocalRuntime.attach(aws, deployment, env)) {
            String incidentId = runtime.invokeDetector(Files.readAllBytes(Path.of(args[2]))).path("incidentId").asText();
            runtime.runPlaybook(incidentId);
            Incident incident = runtime.incident(incidentId).orElseThrow();
            if (incident.remediatedAt() == null) {
                throw new IllegalStateException("not revoked: " + incident.timeline());
            }
            System.out.println("revoked_ms=" + Duration.between(jvmStart, incident.remediatedAt()).toMillis());
        }
        System.exit(0);
    }
}
