package io.portcullis.slack;

import java.util.OptionalLong;

/**
 * Slack answered HTTP 429: too many calls. The caller should retry after {@link #retryAfterSeconds()} (Slack's
 * {@code Retry-After} header), e.g. by failing the step so Step Functions retries it with backoff.
 */
public class SlackRateLimited extends SlackException {

    private final OptionalLong retryAfterSeconds;

    public SlackRateLimited(String method, OptionalLong retryAfterSeconds) {
        super(method, "ratelimited" + retryAfterSeconds.stream().mapToObj(s -> ", retry after " + s + " s")
                .findFirst().orElse(""));
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** How long Slack asked to wait, when it said. */
    public OptionalLong retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
