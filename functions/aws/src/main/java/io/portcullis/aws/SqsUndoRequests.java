package io.portcullis.aws;

import io.portcullis.approval.UndoRequests;
import io.portcullis.json.Json;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Sends a decided Undo to the playbook worker's step queue: {@code {"type":"undo","incidentId","undoId","by"}}. */
public final class SqsUndoRequests implements UndoRequests {

    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    public SqsUndoRequests(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = new Lazy<>(sqs);
        this.queueUrl = queueUrl;
    }

    @Override
    public void request(String incidentId, String undoId, String decidedBy) {
        String body = Json.mapper().createObjectNode().put("type", "undo").put("incidentId", incidentId)
                .put("undoId", undoId).put("by", decidedBy).toString();
        sqs.get().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }
}
