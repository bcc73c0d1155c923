package io.portcullis.aws;

import io.portcullis.json.Json;
import io.portcullis.playbook.StepRequest;
import io.portcullis.safeguard.Pager;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Pages about an incident through the playbook worker, which holds the Slack credentials: a
 * {@code {"type": "page", "incidentId", "kind", "text"}} message on the step queue, which the worker posts as an alert
 * in the on-call channel. Pages about no incident are not its business (the alert queue carries them).
 */
public final class SqsIncidentPages implements Pager {

    private final Supplier<SqsClient> sqs;
    private final String stepQueueUrl;

    public SqsIncidentPages(Supplier<SqsClient> sqs, String stepQueueUrl) {
        this.sqs = new Lazy<>(sqs);
        this.stepQueueUrl = stepQueueUrl;
    }

    @Override
    public void page(Page page) {
        if (page.incidentId() == null) {
            return;
        }
        String body = Json.mapper().createObjectNode().put("type", StepRequest.PAGE)
                .put("incidentId", page.incidentId()).put("kind", page.kind()).put("text", page.text()).toString();
        sqs.get().sendMessage(r -> r.queueUrl(stepQueueUrl).messageBody(body));
    }
}
