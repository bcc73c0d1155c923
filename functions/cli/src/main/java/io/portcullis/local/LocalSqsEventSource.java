package io.portcullis.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Plays Lambda's SQS event-source mapping against the emulator's queue: receives a batch, builds the event JSON
 * Lambda sends, deserialises it with Lambda's own event serializer, invokes the real handler in-process, and deletes
 * the messages it did not report as failures ({@code ReportBatchItemFailures}).
 */
public final class LocalSqsEventSource {

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final ObjectMapper json = Json.mapper();
    private final PojoSerializer<SQSEvent> serializer =
            LambdaEventSerializers.serializerFor(SQSEvent.class, LocalSqsEventSource.class.getClassLoader());

    public LocalSqsEventSource(SqsClient sqs, String queueUrl, String queueArn, String region) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.region = region;
    }

    /** Delivers batches until the queue is empty; returns how many messages the handler completed. */
    public int drain(RequestHandler<SQSEvent, SQSBatchResponse> handler, Supplier<Context> context) {
        int completed = 0;
        while (true) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                return completed;
            }
            SQSBatchResponse response = handler.handleRequest(event(batch), context.get());
            Set<String> failed = new HashSet<>();
            if (response != null && response.getBatchItemFailures() != null) {
                response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            }
            for (Message m : batch) {
                if (!failed.contains(m.messageId())) {
                    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                    completed++;
                }
            }
            if (!failed.isEmpty()) {
                return completed; // failed messages reappear after the visibility timeout, as in AWS
            }
        }
    }

    private SQSEvent event(List<Message> batch) {
        ObjectNode root = json.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (Message m : batch) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            r.putObject("messageAttributes");
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        byte[] bytes = root.toString().getBytes(StandardCharsets.UTF_8);
        return serializer.fromJson(new ByteArrayInputStream(bytes));
    }
}
