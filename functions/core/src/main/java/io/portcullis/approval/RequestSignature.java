package io.portcullis.approval;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signing: {@code X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signingSecret, "v0:" + timestamp + ":" +
 * rawBody))}, with {@code X-Slack-Request-Timestamp} within five minutes of now, either side.
 *
 * <p>Written here rather than taken from the Slack SDK's {@code SlackSignature.Verifier} because that one compares
 * signatures with {@code String.equals} (not constant-time) and logs the request body at debug level; this one
 * compares with {@link MessageDigest#isEqual} and logs nothing. Tests check both agree on valid signatures.
 */
public final class RequestSignature {

    public static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private final java.util.function.Supplier<String> signingSecret;

    public RequestSignature(String signingSecret) {
        this(() -> signingSecret);
        key();
    }

    /**
     * @param signingSecret asked for the secret at each request (the function reads it on first use and re-reads it
     *                      after its cache time, so a rotation takes effect), never when this is built
     */
    public RequestSignature(java.util.function.Supplier<String> signingSecret) {
        this.signingSecret = signingSecret;
    }

    private SecretKeySpec key() {
        String secret = signingSecret.get();
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the Slack signing secret is empty");
        }
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** Why the request must be refused, or empty when it is authentic and fresh. */
    public Optional<String> problem(String timestamp, String signature, byte[] rawBody, Instant now) {
        if (timestamp == null || timestamp.isBlank()) {
            return Optional.of("no X-Slack-Request-Timestamp header");
        }
        if (signature == null || signature.isBlank()) {
            return Optional.of("no X-Slack-Signature header");
        }
        if (!timestamp.matches("\\d{1,12}")) {
            return Optional.of("X-Slack-Request-Timestamp is not a Unix time");
        }
        long skew = Math.abs(now.getEpochSecond() - Long.parseLong(timestamp));
        if (skew > MAX_SKEW.toSeconds()) {
            return Optional.of("X-Slack-Request-Timestamp is " + skew + " s from now, more than " + MAX_SKEW.toSeconds()
                    + " s: a stale or replayed request");
        }
        byte[] expected = sign(timestamp, rawBody).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("X-Slack-Signature does not match the body");
        }
        return Optional.empty();
    }

    /** The signature Slack would send for this body at this timestamp. */
    public String sign(String timestamp, byte[] rawBody) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(rawBody));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
