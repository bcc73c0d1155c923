package io.portcullis.remediator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.json.Json;
import io.portcullis.remediation.RemediateIncident;
import io.portcullis.remediation.RemediationResult;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point for the remediation queue (SQS event-source mapping with {@code ReportBatchItemFailures}).
 * Each message is {@code {"incidentId": "inc-…"}}. A message that fails, or whose incident another worker holds,
 * is reported back for retry; after the queue's receive limit it lands in the dead-letter queue. One bad message
 * never fails the batch.
 */
public final class RemediationHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(RemediationHandler.class);

    private final RemediateIncident remediate;

    public RemediationHandler() {
        this(RemediatorFunction.build(FunctionSettings.fromEnvironment(System.getenv()),
                AwsConnection.fromEnvironment(System.getenv())));
    }

    public RemediationHandler(RemediateIncident remediate) {
        this.remediate = remediate;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : records) {
            if (!handle(message)) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** True when the message is done with (acted on, or nothing to do); false to have SQS deliver it again. */
    private boolean handle(SQSEvent.SQSMessage message) {
        String incidentId = incidentId(message);
        if (incidentId == null) {
            LOG.error("Message {} is not {{\"incidentId\": \"inc-…\"}}; left for the dead-letter queue: {}",
                    message.getMessageId(), message.getBody());
            return false;
        }
        try {
            RemediationResult result = remediate.remediate(incidentId);
            switch (result) {
                case RemediationResult.Finished f -> LOG.info("Incident {} {}: {}", incidentId,
                        f.incident().status(), f.incident().outcome());
                case RemediationResult.Skipped s -> LOG.info("Incident {} skipped: {}", incidentId, s.reason());
                case RemediationResult.Busy b -> LOG.info("Incident {} is held by another worker; will retry", incidentId);
            }
            return !(result instanceof RemediationResult.Busy);
        } catch (RuntimeException e) {
            LOG.error("Remediation of incident {} failed; SQS will retry: {}", incidentId, e.toString());
            return false;
        }
    }

    private static String incidentId(SQSEvent.SQSMessage message) {
        try {
            JsonNode body = Json.mapper().readTree(message.getBody() == null ? "" : message.getBody());
            JsonNode id = body == null ? null : body.path("incidentId");
            return id != null && id.isTextual() && id.asText().startsWith("inc-") ? id.asText() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
