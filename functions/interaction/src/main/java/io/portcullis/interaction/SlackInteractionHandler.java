package io.portcullis.interaction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.approval.DecideApproval;
import io.portcullis.aws.AwsConnection;
import io.portcullis.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point behind the API Gateway HTTP API route {@code POST /slack/interactions}: Slack's button clicks.
 * The raw body (base64-decoded when API Gateway encoded it) and the {@code X-Slack-Request-Timestamp} and
 * {@code X-Slack-Signature} headers go to {@link DecideApproval}, which checks the signature and the five-minute
 * window, the approval, the clicker, and resumes the execution. Every outcome is logged with its reason (never a
 * token or secret); the answer is the status DecideApproval chose and a short text for Slack. The answer waits on
 * DynamoDB and Step Functions only; the Slack message edit after a decision gets what is left of
 * {@link #ACK_BUDGET} and otherwise finishes after Slack was answered, so Slack's 3 seconds hold when Slack is slow.
 */
public final class SlackInteractionHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(SlackInteractionHandler.class);
    /** Slack posts far less; anything bigger is not Slack. */
    static final int MAX_BODY = 64 * 1024;

    /**
     * Slack shows a click as failed unless the answer arrives within 3 s; API Gateway, the network and a cold start
     * take part of that, so the Slack calls after a decision get at most this much before Slack is answered.
     */
    static final Duration ACK_BUDGET = Duration.ofMillis(1500);

    private final Supplier<DecideApproval> decide;
    private final Duration ackBudget;
    /** One thread, kept across invocations: a message edit still running when Slack is answered finishes here. */
    private final ExecutorService followUps = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "slack-follow-up");
        t.setDaemon(true);
        return t;
    });

    public SlackInteractionHandler() {
        this(InteractionFunction.lazy(System.getenv(), AwsConnection.fromEnvironment(System.getenv())));
    }

    public SlackInteractionHandler(Supplier<DecideApproval> decide) {
        this(decide, ACK_BUDGET);
    }

    /** @param ackBudget how long the Slack calls after a decision may hold up the answer to Slack */
    public SlackInteractionHandler(Supplier<DecideApproval> decide, Duration ackBudget) {
        this.decide = decide;
        this.ackBudget = ackBudget;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        long started = System.nanoTime();
        io.portcullis.logging.LogLines.forRequest(context == null ? null : context.getAwsRequestId());
        if (event == null || event.getBody() == null) {
            LOG.warn("Refused: a request with no body");
            return answer(400, "No body.");
        }
        byte[] body;
        try {
            body = event.getIsBase64Encoded() ? Base64.getDecoder().decode(event.getBody())
                    : event.getBody().getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            LOG.warn("Refused: the body is marked base64 but is not");
            return answer(400, "Unreadable body.");
        }
        if (body.length > MAX_BODY) {
            LOG.warn("Refused: a {}-byte body is not a Slack interaction", body.length);
            return answer(413, "Too large.");
        }
        Map<String, String> headers = lowerCase(event.getHeaders());
        DecideApproval.Outcome outcome;
        try {
            outcome = decide.get().decide(headers.get("x-slack-request-timestamp"), headers.get("x-slack-signature"),
                    body);
        } catch (RuntimeException e) {
            // Nothing was decided unless the decision was written; Slack shows the click failed and it can be retried.
            LOG.error("Interaction failed: {}", e.toString());
            return answer(500, "Portcullis could not record this click; try again.");
        }
        if (outcome.decided()) {
            LOG.info("Slack interaction {}", outcome.reason());
        } else {
            LOG.warn("Slack interaction {} (HTTP {})", outcome.reason(), outcome.status());
        }
        if (outcome.followUp() != null) {
            followUp(outcome.followUp(), started);
        }
        return answer(outcome.status(), outcome.message());
    }

    /**
     * Runs the Slack calls after a decision (the message edit) beside the answer, waiting for them only while the
     * acknowledgement budget lasts: a slow or rate-limited Slack cannot make the click look failed. The decision has
     * taken effect already; an edit that is still running finishes on the follow-up thread.
     */
    private void followUp(Runnable work, long started) {
        Future<?> running = followUps.submit(work);
        long left = ackBudget.toNanos() - (System.nanoTime() - started);
        try {
            running.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("The Slack message edit is still running after {} ms: Slack is answered now, the edit finishes"
                    + " on its own", ackBudget.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("The Slack message edit failed: {}", e.getCause().toString());
        }
    }

    private static Map<String, String> lowerCase(Map<String, String> headers) {
        Map<String, String> out = new java.util.HashMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        }
        return out;
    }

    private static APIGatewayV2HTTPResponse answer(int status, String text) {
        String body = Json.mapper().createObjectNode().put("response_type", "ephemeral").put("text", text).toString();
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json")).withBody(body).build();
    }
}
