package io.portcullis.aws;

import io.portcullis.json.Json;
import io.portcullis.safeguard.Pager;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Pages through the alert queue (template.yaml {@code AlertQueue}; subscribe your paging to it, or alarm on its
 * depth). One JSON message per page: {@code {"source": "portcullis", "alert": kind, "account", "incidentId", "text",
 * "at"}}.
 */
public final class SqsAlertQueue implements Pager {

    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    public SqsAlertQueue(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = new Lazy<>(sqs);
        this.queueUrl = queueUrl;
    }

    @Override
    public void page(Page page) {
        var body = Json.mapper().createObjectNode().put("source", "portcullis").put("alert", page.kind());
        if (page.account() != null) {
            body.put("account", page.account());
        }
        if (page.incidentId() != null) {
            body.put("incidentId", page.incidentId());
        }
        body.put("text", page.text()).put("at", page.at().toString());
        sqs.get().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body.toString()));
    }
}
