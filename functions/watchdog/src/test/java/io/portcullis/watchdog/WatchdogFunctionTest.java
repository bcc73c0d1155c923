package io.portcullis.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.SafeguardSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** SnapStart snapshots the watchdog after its composition root ran: nothing there may read the Slack secret. */
class WatchdogFunctionTest {

    @Test
    void theCompositionRootCallsNoAwsApiSoReadsNoSecret() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        HttpServer aws = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        aws.createContext("/", exchange -> {
            calls.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target")));
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        aws.start();
        try {
            Map<String, String> env = Map.of(FunctionSettings.SLACK_SECRET_ID, "portcullis/slack",
                    FunctionSettings.SLACK_CHANNEL, "C0ONCALL", SafeguardSettings.SAFEGUARDS_TABLE, "safeguards");

            WatchdogFunction.build(env, AwsConnection.emulator(URI.create("http://127.0.0.1:"
                    + aws.getAddress().getPort()), "us-east-1"), Clock.systemUTC());

            assertThat(calls).as("no request at all, Secrets Manager's GetSecretValue included").isEmpty();
        } finally {
            aws.stop(0);
        }
    }
}
