package io.portcullis.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code ./portcullis replay}: re-drives the events the detector could not process — its failed-events queue — through
 * the detector after a fix, and deletes each one that now succeeds. Everything else stays in the queue: an event that
 * still fails, one the detector now refuses (malformed: its reason is printed; refusals are logged and kept, never
 * dropped), and a message that holds no event. One line per message, keyed on the CloudTrail event id.
 *
 * <p>The queue holds two kinds of message, and both are read: Lambda's failure-destination record (the event in
 * {@code requestPayload}, after the function's own retries) and EventBridge's dead letter (the event itself, when
 * EventBridge could not invoke the function at all).
 */
public final class FailedEvents {

    /** Long enough that no message comes round twice in one replay. */
    static final int VISIBILITY_SECONDS = 300;

    private final SqsClient sqs;
    private final String queueUrl;
    private final PrintWriter out;

    public FailedEvents(SqsClient sqs, String queueUrl, PrintWriter out) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.out = out;
    }

    /** @param replayed events now processed (deleted from the queue); @param kept messages left in it */
    public record Summary(int replayed, int kept) {
    }

    /**
     * @param detector invokes the detector with an event's bytes and returns its answer; throws when it fails
     */
    public Summary replay(Function<byte[], JsonNode> detector) {
        int replayed = 0;
        List<Message> kept = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .visibilityTimeout(VISIBILITY_SECONDS).waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                break;
            }
            for (Message message : batch) {
                if (replay(message, detector)) {
                    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    replayed++;
                } else {
                    kept.add(message);
                }
            }
        }
        // What stays is visible again at once, for the next replay.
        for (Message message : kept) {
            sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle())
                    .visibilityTimeout(0));
        }
        out.println("Replayed " + replayed + (replayed == 1 ? " event" : " events") + "; " + kept.size()
                + " kept in " + queueUrl);
        out.flush();
        return new Summary(replayed, kept.size());
    }

    /** True when the detector processed the message's event (so the message can go). */
    private boolean replay(Message message, Function<byte[], JsonNode> detector) {
        JsonNode event = event(message.body());
        if (event == null) {
            out.println("message " + message.messageId() + "  kept: holds no EventBridge event");
            return false;
        }
        String id = eventId(event);
        JsonNode answer;
        try {
            answer = detector.apply(event.toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            out.println(id + "  kept: still failing: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
        String outcome = answer.path("outcome").asText("?");
        if (outcome.equals("refused")) {
            out.println(id + "  kept: refused: " + answer.path("reason").asText());
            return false;
        }
        StringBuilder line = new StringBuilder(id).append("  ").append(outcome);
        if (answer.hasNonNull("incidentId")) {
            line.append(' ').append(answer.path("incidentId").asText());
        }
        if (answer.hasNonNull("priority")) {
            line.append(" (").append(answer.path("priority").asText()).append(' ')
                    .append(answer.path("response").asText()).append(')');
        }
        if (answer.hasNonNull("reason")) {
            line.append(": ").append(answer.path("reason").asText());
        }
        out.println(line);
        return true;
    }

    /** The event a message carries, or null. */
    static JsonNode event(String body) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body == null ? "" : body);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        if (root.has("requestContext") && root.has("requestPayload")) {
            JsonNode payload = root.path("requestPayload");
            return payload.isObject() ? payload : null;
        }
        return root.has("detail-type") || root.has("detail") ? root : null;
    }

    /** {@code event <CloudTrail event id>}, else {@code event <EventBridge id>}, for the output. */
    static String eventId(JsonNode event) {
        String cloudTrail = event.path("detail").path("eventID").asText("");
        if (!cloudTrail.isEmpty()) {
            return "event " + cloudTrail;
        }
        return "event " + event.path("id").asText("(no id)");
    }
}
