package io.portcullis.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.approval.DecideApproval;
import io.portcullis.approval.RequestSignature;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.SlackSecrets;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SnapStart snapshots the function after its composition root ran: nothing there may read a secret. The signing
 * secret is read from its own secret on the first request.
 */
class InteractionFunctionTest {

    private HttpServer secretsManager;
    private final List<String> secretsRead = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (secretsManager != null) {
            secretsManager.stop(0);
        }
    }

    @Test
    void theCompositionRootReadsNoSecretAndTheFirstRequestReadsTheSigningSecretOnly() throws Exception {
        secretsManager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        secretsManager.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String id = body.replaceAll(".*\"SecretId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            secretsRead.add(target + " " + id);
            String secret = id.equals("signing") ? "{\\\"signingSecret\\\":\\\"fake-signing-secret\\\"}"
                    : "{\\\"botToken\\\":\\\"xoxb-fake\\\"}";
            byte[] answer = ("{\"ARN\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:" + id + "\",\"Name\":\""
                    + id + "\",\"SecretString\":\"" + secret + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        secretsManager.start();
        AwsConnection aws = AwsConnection.emulator(URI.create("http://127.0.0.1:"
                + secretsManager.getAddress().getPort()), "us-east-1");
        Map<String, String> env = Map.of(FunctionSettings.SLACK_SECRET_ID, "bot",
                SlackSecrets.SIGNING_SECRET_ID, "signing",
                FunctionSettings.APPROVALS_TABLE, "approvals", FunctionSettings.INCIDENTS_TABLE, "incidents",
                FunctionSettings.STEP_QUEUE_URL, "http://127.0.0.1:1/queue");

        DecideApproval decide = InteractionFunction.build(env, aws, Clock.systemUTC());

        assertThat(secretsRead).as("no secret read while the function initialises").isEmpty();

        byte[] body = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(java.time.Instant.now().getEpochSecond());
        DecideApproval.Outcome forged = decide.decide(ts, new RequestSignature("not-it").sign(ts, body), body);
        DecideApproval.Outcome signed = decide.decide(ts, new RequestSignature("fake-signing-secret").sign(ts, body),
                body);

        assertThat(forged.status()).isEqualTo(401);
        assertThat(signed.status()).as("signed with the secret read on first use").isEqualTo(400);
        assertThat(secretsRead).as("read once, from the signing secret's own secret")
                .containsExactly("secretsmanager.GetSecretValue signing");
    }
}
