package io.portcullis.aws;

import java.time.Duration;
import java.util.Map;

/**
 * The safeguards' environment variables (listed with all the others in {@link FunctionSettings}):
 *
 * <pre>
 * PORTCULLIS_SAFEGUARDS_TABLE           heartbeat and breaker table            (detector, watchdog, remediator) off when unset
 * PORTCULLIS_ALERT_QUEUE_URL            the alert queue pages go to            (detector, watchdog)    no queue pages when unset
 * PORTCULLIS_STEP_QUEUE_URL             the step queue: incident pages go to the worker, who posts them in Slack (detector)
 * PORTCULLIS_KILL_SWITCH_PARAMETER      SSM parameter: enforce | dry-run       (detector, remediator)  no switch when unset
 * PORTCULLIS_KILL_SWITCH_CACHE_SECONDS  how long one read of the switch is trusted (detector, remediator) default 30
 * </pre>
 */
public record SafeguardSettings(String safeguardsTable, String alertQueueUrl, String stepQueueUrl,
                                String killSwitchParameter, Duration killSwitchMaxAge) {

    public static final String SAFEGUARDS_TABLE = "PORTCULLIS_SAFEGUARDS_TABLE";
    public static final String ALERT_QUEUE_URL = "PORTCULLIS_ALERT_QUEUE_URL";
    public static final String KILL_SWITCH_PARAMETER = "PORTCULLIS_KILL_SWITCH_PARAMETER";
    public static final String KILL_SWITCH_CACHE_SECONDS = "PORTCULLIS_KILL_SWITCH_CACHE_SECONDS";
    public static final Duration DEFAULT_KILL_SWITCH_MAX_AGE = Duration.ofSeconds(30);

    public static SafeguardSettings fromEnvironment(Map<String, String> env) {
        String cache = blankToNull(env.get(KILL_SWITCH_CACHE_SECONDS));
        Duration maxAge;
        try {
            maxAge = cache == null ? DEFAULT_KILL_SWITCH_MAX_AGE : Duration.ofSeconds(Long.parseLong(cache));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(KILL_SWITCH_CACHE_SECONDS + ": '" + cache + "' is not a number of seconds",
                    e);
        }
        if (maxAge.isNegative()) {
            throw new IllegalStateException(KILL_SWITCH_CACHE_SECONDS + ": '" + cache + "' must be 0 or more");
        }
        return new SafeguardSettings(blankToNull(env.get(SAFEGUARDS_TABLE)), blankToNull(env.get(ALERT_QUEUE_URL)),
                blankToNull(env.get(FunctionSettings.STEP_QUEUE_URL)), blankToNull(env.get(KILL_SWITCH_PARAMETER)),
                maxAge);
    }

    public String requireSafeguardsTable() {
        if (safeguardsTable == null) {
            throw new IllegalStateException(SAFEGUARDS_TABLE + " is not set: set it to the name of the safeguards"
                    + " DynamoDB table (template.yaml SafeguardsTable)");
        }
        return safeguardsTable;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
