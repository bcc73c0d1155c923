package io.portcullis.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.app_backend.SlackSignature;
import io.portcullis.approval.RequestSignature;
import io.portcullis.testing.Cases;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our constant-time verifier signs exactly as the Slack SDK's generator does, for any secret and body. */
class SlackSignatureAgreementTest {

    static final int CASES = 200;
    static final String SECRET_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /**
     * The shortest and longest secrets against an empty body, a space, NUL, a lone surrogate, an emoji, the last
     * character before the private-use area, form-encoded and JSON text and 255 characters; then secrets of 8 to 64
     * letters and digits and bodies of up to 255 characters, half of them printable ASCII, half any character of
     * the Basic Multilingual Plane but private-use ones and noncharacters.
     */
    static Stream<Arguments> secretsAndBodies(TestInfo property) {
        List<String> secrets = List.of("a".repeat(8), "Z9".repeat(32));
        List<String> bodies = List.of("", " ", "\u0000", "\uD800", "\uD83D\uDC80", "\uDFFF", "\uD7FF",
                "payload=%7B%22type%22%3A%22block_actions%22%7D&x=%20+", "{\"token\":\"x\"}", "x".repeat(255));
        return Cases.of(property, CASES, Cases.combinations(secrets, bodies), r -> Arguments.of(secret(r), body(r)));
    }

    static String secret(SplittableRandom r) {
        return String.join("", Cases.listOf(r, 8, 64, () -> String.valueOf(SECRET_CHARS.charAt(
                r.nextInt(SECRET_CHARS.length())))));
    }

    static String body(SplittableRandom r) {
        int length = r.nextBoolean() ? r.nextInt(17) : r.nextInt(256);
        boolean ascii = r.nextBoolean();
        StringBuilder body = new StringBuilder(length);
        while (body.length() < length) {
            char c = ascii ? (char) r.nextInt(0x20, 0x7f) : (char) r.nextInt(0x10000);
            if (!ascii && ((c >= 0xE000 && c <= 0xF8FF) || (c >= 0xFDD0 && c <= 0xFDEF) || c >= 0xFFFE)) {
                continue;
            }
            body.append(c);
        }
        return body.toString();
    }

    @Cases.Property
    @MethodSource("secretsAndBodies")
    void signsLikeTheSlackSdk(String secret, String body) {
        String ts = Long.toString(Instant.now().getEpochSecond());
        String ours = new RequestSignature(secret).sign(ts, body.getBytes(StandardCharsets.UTF_8));
        String slacks = new SlackSignature.Generator(secret).generate(ts, body);
        assertThat(ours).isEqualTo(slacks);
        assertThat(new RequestSignature(secret).problem(ts, slacks, body.getBytes(StandardCharsets.UTF_8),
                Instant.now())).isEmpty();
    }
}
