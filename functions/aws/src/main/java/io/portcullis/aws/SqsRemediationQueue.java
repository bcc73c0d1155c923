package io.portcullis.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.remediation.RemediationQueue;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The remediation queue ({@code PORTCULLIS_REMEDIATION_QUEUE_URL}): one message {@code {"incidentId": "inc-…"}}
 * per incident. The remediation function consumes it through Lambda's SQS event-source mapping.
 */
public final class SqsRemediationQueue implements RemediationQueue {

    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;

    public SqsRemediationQueue(SqsClient sqs, String queueUrl, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.json = json;
    }

    @Override
    public void enqueue(String incidentId) {
        String body;
        try {
            body = json.writeValueAsString(Map.of("incidentId", incidentId));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
}
