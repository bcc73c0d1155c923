package io.portcullis.interaction;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.portcullis.approval.DecideApproval;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.json.Json;
import java.nio.charset.StandardCharsets;
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
 * token or secret); the answer is the status DecideApproval chose and a short text for Slack. Nothing here waits on
 * anything slower than one DynamoDB write, one Step Functions call and one Slack edit, inside Slack's 3 seconds.
 */
public final class SlackInteractionHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(SlackInteractionHandler.class);
    /** Slack posts far less; anything bigger is not Slack. */
    static final int MAX_BODY = 64 * 1024;

    private final Supplier<DecideApproval> decide;

    public SlackInteractionHandler() {
        this(FunctionSettings.fromEnvironment(System.getenv()), AwsConnection.fromEnvironment(System.getenv()));
    }

    private SlackInteractionHandler(FunctionSettings settings, AwsConnection aws) {
        this(InteractionFunction.lazy(settings, aws));
    }

    public SlackInteractionHandler(Supplier<DecideApproval> decide) {
        this.decide = decide;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
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
        return answer(outcome.status(), outcome.message());
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
