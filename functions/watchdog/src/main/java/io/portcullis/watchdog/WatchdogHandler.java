package io.portcullis.watchdog;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.portcullis.aws.AwsConnection;
import io.portcullis.json.Json;
import io.portcullis.safeguard.WatchFeeds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point of the watchdog, invoked by EventBridge Scheduler every few minutes (template.yaml): the
 * silent-feed check ({@link WatchFeeds}). Its input is ignored. It answers with what it found, as JSON.
 */
public final class WatchdogHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WatchdogHandler.class);

    private final WatchFeeds feeds;

    public WatchdogHandler() {
        this(WatchdogFunction.build(System.getenv(), AwsConnection.fromEnvironment(System.getenv()),
                Clock.systemUTC()));
    }

    public WatchdogHandler(WatchFeeds feeds) {
        this.feeds = feeds;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        io.portcullis.logging.LogLines.forRequest(context == null ? null : context.getAwsRequestId());
        input.readAllBytes();
        WatchFeeds.Result result = feeds.run();
        if (!result.silent().isEmpty()) {
            LOG.warn("Silent feeds: {} (paged now: {})", result.silent(), result.paged());
        }
        if (!result.resumed().isEmpty()) {
            LOG.info("Feeds arriving again: {}", result.resumed());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accounts", result.accounts());
        answer.put("silent", result.silent());
        answer.put("paged", result.paged());
        answer.put("resumed", result.resumed());
        LOG.info("Checked the feeds of {} accounts: {} silent", result.accounts(), result.silent().size());
        Json.mapper().writeValue(output, answer);
    }
}
