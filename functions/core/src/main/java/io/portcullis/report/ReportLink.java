package io.portcullis.report;

import java.time.Instant;

/**
 * Where people open a report file.
 *
 * @param url        a link that needs no AWS access, working until {@code expiresAt}; null when no link can be promised
 *                   (the signing credentials' lifetime is unknown or nearly over)
 * @param expiresAt  when {@code url} stops working (the earlier of the wanted validity and the signing credentials'
 *                   expiry); null when {@code url} does not expire (a local file) or there is no {@code url}
 * @param consoleUrl the file in the AWS console, for anyone whose AWS access can read it, for as long as the file is
 *                   kept; null when the file is not in S3
 */
public record ReportLink(String url, Instant expiresAt, String consoleUrl) {

    /** A local file: a link that does not expire and no console. */
    public static ReportLink file(String url) {
        return new ReportLink(url, null, null);
    }
}
