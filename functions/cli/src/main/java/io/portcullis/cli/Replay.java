package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.detector.DetectorFunction;
import io.portcullis.detector.DetectorHandler;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.FailedEvents;
import io.portcullis.local.LocalDeployment;
import io.portcullis.local.LocalLambdaContext;
import io.portcullis.local.LocalRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code ./portcullis replay}: the local deployment's failed-events queue, re-driven through the detector (its own
 * composition root, against the same tables, playbooks and kill switch) by {@link FailedEvents}.
 */
final class Replay {

    private final PrintWriter out;

    Replay(PrintWriter out) {
        this.out = out;
    }

    /** @return 0 when the queue is empty afterwards, 1 when some messages were kept, 2 when there is no queue */
    int run(AwsConnection aws, String queueUrl, RemediationMode mode) {
        try (SqsClient sqs = aws.sqs(); SfnClient sfn = aws.sfn()) {
            String url = queueUrl != null ? queueUrl : newestQueue(sqs);
            if (url == null) {
                out.println("No failed-events queue (" + LocalDeployment.FAILED_EVENTS_QUEUE_PREFIX + "*) in the emulator"
                        + " at " + aws.endpoint().map(Object::toString).orElse("?") + ". Keep an emulator running"
                        + " (./portcullis emulator start) and run ./portcullis demo first, or give --queue.");
                out.flush();
                return 2;
            }
            String name = url.substring(url.lastIndexOf('/') + 1);
            if (!name.startsWith(LocalDeployment.FAILED_EVENTS_QUEUE_PREFIX)) {
                out.println("--queue: " + name + " is not a local deployment's failed-events queue ("
                        + LocalDeployment.FAILED_EVENTS_QUEUE_PREFIX + "<suffix>)");
                out.flush();
                return 2;
            }
            String suffix = name.substring(LocalDeployment.FAILED_EVENTS_QUEUE_PREFIX.length());
            LocalDeployment deployment = LocalDeployment.existing(
                    LocalRuntime.repositoryRoot().resolve("template.yaml"), sqs, sfn, suffix);
            Map<String, String> env = LocalRuntime.detectorEnvironment(deployment, mode);
            DetectorHandler detector = new DetectorHandler(DetectorFunction.build(env, aws, Clock.systemUTC()));
            out.println("Replaying " + url + " through the detector (incidents table " + deployment.incidentsTable()
                    + ", mode " + mode.value() + " unless kill switch " + deployment.killSwitchParameter()
                    + " says dry-run)");
            FailedEvents.Summary summary = new FailedEvents(sqs, url, out).replay(event -> invoke(detector, event));
            return summary.kept() == 0 ? 0 : 1;
        }
    }

    private static JsonNode invoke(DetectorHandler detector, byte[] event) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try {
            detector.handleRequest(new ByteArrayInputStream(event), answer,
                    new LocalLambdaContext("portcullis-detector", 30, 512));
            return Json.mapper().readTree(answer.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest failed-events queue in the emulator (the last deployment's), or null. */
    static String newestQueue(SqsClient sqs) {
        return sqs.listQueuesPaginator(r -> r.queueNamePrefix(LocalDeployment.FAILED_EVENTS_QUEUE_PREFIX)).queueUrls()
                .stream()
                // Epoch seconds; the emulator adds a fraction.
                .max(Comparator.comparing(url -> new java.math.BigDecimal(sqs.getQueueAttributes(r -> r.queueUrl(url)
                        .attributeNames(QueueAttributeName.CREATED_TIMESTAMP)).attributes()
                        .getOrDefault(QueueAttributeName.CREATED_TIMESTAMP, "0"))))
                .orElse(null);
    }
}
