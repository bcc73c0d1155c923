package io.portcullis.detector;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.portcullis.aws.AwsConnection;
import io.portcullis.detection.DetectChange;
import io.portcullis.detection.DetectionResult;
import io.portcullis.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point for EventBridge "AWS API Call via CloudTrail" events. Reads the raw bytes (so a malformed event
 * is refused with a reason, never a deserialisation stack trace), delegates to {@link DetectChange}, and answers with
 * the outcome as JSON.
 *
 * <p>A refused event is logged at WARN with its reason and its full text, so it can be replayed after a fix. Errors
 * from AWS (throttling, outages) propagate, so Lambda's asynchronous retries and the failure destination keep the event.
 */
public final class DetectorHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorHandler.class);
    /** Every event EventBridge can deliver fits (256 KiB); only larger, already refused input is cut. */
    private static final int MAX_LOGGED_EVENT_CHARS = io.portcullis.change.CloudTrailEventReader.MAX_EVENT_BYTES;

    private final DetectChange detect;
    private final Priming priming;

    /** Used by the Lambda runtime: configuration from the environment, clients built once per container. */
    public DetectorHandler() {
        this(DetectorFunction.build(System.getenv(), AwsConnection.fromEnvironment(System.getenv()),
                java.time.Clock.systemUTC()));
    }

    public DetectorHandler(DetectChange detect) {
        this.detect = detect;
        this.priming = new Priming(detect);
        // CRaC keeps resources weakly: this handler holds the strong reference for as long as the container lives.
        org.crac.Core.getGlobalContext().register(priming);
    }

    /**
     * SnapStart's priming hook: before Lambda snapshots the initialised function, run a bundled event through reading,
     * the rules and the protocol (no AWS call), so a restored container starts with those paths loaded and compiled.
     */
    public static final class Priming implements org.crac.Resource {

        static final String SAMPLE = "/io/portcullis/detector/priming-event.json";
        private final DetectChange detect;
        private volatile String primed;

        Priming(DetectChange detect) {
            this.detect = detect;
        }

        @Override
        public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) throws IOException {
            try (InputStream sample = DetectorHandler.class.getResourceAsStream(SAMPLE)) {
                if (sample == null) {
                    throw new IOException("the package has no " + SAMPLE);
                }
                primed = detect.prime(sample.readAllBytes());
            }
            LOG.info("Primed for the snapshot: the sample event judged {}", primed);
        }

        @Override
        public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
            LOG.info("Restored from the snapshot");
        }

        /** What the last priming judged, or null before any. */
        public String primed() {
            return primed;
        }
    }

    public Priming priming() {
        return priming;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        io.portcullis.logging.LogLines.forRequest(context == null ? null : context.getAwsRequestId());
        byte[] raw = input.readAllBytes();
        DetectionResult result = detect.handle(raw);
        Map<String, Object> summary = DetectChange.describe(result);
        switch (result) {
            case DetectionResult.Refused r -> LOG.warn("Refused {}: {}. Kept for replay: {}", r.eventRef(), r.reason(),
                    truncate(new String(raw, StandardCharsets.UTF_8)));
            case DetectionResult.Opened o -> LOG.info("Incident {} opened: {} {} on {} by {} ({}); {}",
                    o.incident().incidentId(), o.incident().priority(), o.incident().response().label(),
                    o.incident().resource().id(), o.incident().actor().displayName(), o.incident().origin().label(),
                    o.queued() ? "playbook started" : "recorded, no playbook runs");
            case DetectionResult.KillSwitchChanged k -> LOG.warn("Kill switch changed, on-call paged: {}", k.page());
            default -> LOG.info("{}", summary);
        }
        Json.mapper().writeValue(output, summary);
    }

    private static String truncate(String s) {
        return s.length() <= MAX_LOGGED_EVENT_CHARS ? s : s.substring(0, MAX_LOGGED_EVENT_CHARS) + "…(truncated)";
    }
}
