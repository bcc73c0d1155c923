package io.portcullis.aws;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources one kind's read had to leave out (a bucket deleted or forbidden in the middle of the sweep, a trail
 * whose selectors cannot be read): each is logged at WARN up to a cap, the rest are counted in one line at the end,
 * so a sweep over thousands of resources that all fail the same way cannot flood the log. Never fails the read.
 */
final class UnreadResources {

    private static final Logger LOG = LoggerFactory.getLogger(UnreadResources.class);
    static final int LOGGED = 10;

    private final String kind;
    private int count;

    UnreadResources(String kind) {
        this.kind = kind;
    }

    void skip(String resource, String why) {
        count++;
        if (count <= LOGGED) {
            LOG.warn("Inventory of {}: left out {}: {}", kind, resource, why);
        }
    }

    /** Logs how many were left out beyond the ones logged; call once the read is done. */
    int finish() {
        if (count > LOGGED) {
            LOG.warn("Inventory of {}: {} more left out ({} in all)", kind, count - LOGGED, count);
        }
        return count;
    }

    /** An AWS error as a person reads it: the service's error code and message. */
    static String why(software.amazon.awssdk.awscore.exception.AwsServiceException e) {
        var details = e.awsErrorDetails();
        return details == null ? e.getMessage()
                : details.errorCode() + " (HTTP " + e.statusCode() + "): " + details.errorMessage();
    }
}
