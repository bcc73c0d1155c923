package io.portcullis.watchdog;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.inventory.SweepPart;
import io.portcullis.inventory.TakeInventory;
import io.portcullis.json.Json;
import io.portcullis.safeguard.WatchFeeds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point of the watchdog, invoked by EventBridge Scheduler every 5 minutes (template.yaml): first the
 * silent-feed check ({@link WatchFeeds}), then the inventory sweep ({@link TakeInventory}) in the time that is left.
 * It answers with what both found, as JSON:
 *
 * <pre>
 * {"accounts": 2, "silent": [], "paged": [], "resumed": [],
 *  "inventory": {"part": "3 of 12", "read": 412, "changed": 2, "unread": [], "failed": 0, "left": 0}}
 * </pre>
 *
 * <p>Input: the schedule sends none, and a run reads every kind but only its share of the buckets (one twelfth, so
 * every bucket once an hour). {@code {"inventory": "full"}} reads every bucket too (a first inventory by hand, and
 * the local runtime before a scenario changes something). Other input is logged and ignored: the silent-feed check
 * runs whatever the input says.
 */
public final class WatchdogHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WatchdogHandler.class);

    /** The schedule's interval (template.yaml {@code rate(5 minutes)}) and the shares buckets are read in. */
    static final Duration EVERY = Duration.ofMinutes(5);
    static final int BUCKET_PARTS = 12;
    /** The inventory stops recording this long before Lambda's timeout, to answer and log what it did. */
    static final Duration MARGIN = Duration.ofSeconds(15);

    private final WatchdogFunction.Checks checks;

    public WatchdogHandler() {
        this(WatchdogFunction.build(System.getenv(), AwsConnection.fromEnvironment(System.getenv()),
                Clock.systemUTC()));
    }

    public WatchdogHandler(WatchdogFunction.Checks checks) {
        this.checks = checks;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        io.portcullis.logging.LogLines.forRequest(context == null ? null : context.getAwsRequestId());
        boolean full = fullInventory(input.readAllBytes());
        WatchFeeds.Result result = checks.feeds().run();
        if (!result.silent().isEmpty()) {
            LOG.warn("Silent feeds: {} (paged now: {})", result.silent(), result.paged());
        }
        if (!result.resumed().isEmpty()) {
            LOG.info("Feeds arriving again: {}", result.resumed());
        }
        ObjectNode answer = Json.mapper().createObjectNode();
        answer.put("accounts", result.accounts());
        answer.set("silent", Json.mapper().valueToTree(result.silent()));
        answer.set("paged", Json.mapper().valueToTree(result.paged()));
        answer.set("resumed", Json.mapper().valueToTree(result.resumed()));
        LOG.info("Checked the feeds of {} accounts: {} silent", result.accounts(), result.silent().size());
        answer.set("inventory", inventory(full, context));
        Json.mapper().writeValue(output, answer);
    }

    private JsonNode inventory(boolean full, Context context) {
        if (checks.inventory() == null) {
            return null;
        }
        SweepPart part = full ? SweepPart.ALL : SweepPart.forRun(checks.clock().instant(), EVERY, BUCKET_PARTS);
        BooleanSupplier timeUp = context == null ? () -> false
                : () -> context.getRemainingTimeInMillis() < MARGIN.toMillis();
        try {
            TakeInventory.Result r = checks.inventory().run(part, timeUp);
            LOG.info("Inventory ({}): {} configurations read, {} new versions, {} not recorded, {} left for the next"
                    + " run, kinds not read: {}", r.part(), r.read(), r.changed(), r.failed(), r.left(), r.unread());
            return Json.mapper().valueToTree(r);
        } catch (RuntimeException e) {
            // The feed check above is done and answered; the next run sweeps again.
            LOG.error("Inventory failed: {}", e.toString(), e);
            return Json.mapper().createObjectNode().put("error", e.toString());
        }
    }

    /** {@code {"inventory": "full"}}: every bucket too. */
    static boolean fullInventory(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
            return false;
        }
        try {
            JsonNode parsed = Json.mapper().readTree(text);
            JsonNode inventory = parsed == null ? null : parsed.get("inventory");
            if (inventory == null || inventory.isNull()) {
                return false;
            }
            if (inventory.asText().equals("full")) {
                return true;
            }
            LOG.warn("Input ignored: \"inventory\" is {}, not \"full\"; this run reads its share of the buckets",
                    inventory);
        } catch (IOException e) {
            LOG.warn("Input ignored: it is not JSON ({} characters); this run reads its share of the buckets",
                    text.length());
        }
        return false;
    }
}
