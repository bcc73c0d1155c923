package io.portcullis.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.report.ReportLink;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The report link never promises more than the credentials that sign it can keep: a presigned URL dies with its
 * signing session, so its {@code X-Amz-Expires} is cut to the credentials' remaining lifetime and the stated expiry
 * is the real one. Presigning is local (no network): the URL is read, not fetched.
 */
class S3ReportStoreTest {

    static final Instant NOW = Instant.parse("2026-12-07T07:00:00Z");
    static final Duration SEVEN_DAYS = Duration.ofDays(7);

    static AwsCredentials session(String keyId, Instant expiry) {
        return AwsSessionCredentials.builder().accessKeyId(keyId).secretAccessKey("fake-secret")
                .sessionToken("fake-session-token").expirationTime(expiry).build();
    }

    static S3ReportStore store(AwsCredentialsProvider credentials) {
        return new S3ReportStore(() -> {
            throw new AssertionError("a link needs no S3 call");
        }, credentials, signer -> S3Presigner.builder().region(Region.EU_WEST_1).credentialsProvider(signer).build(),
                "portcullis-reports-123456789012", Region.EU_WEST_1, "123456789012",
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static long expiresSeconds(String url) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            if (pair.startsWith("X-Amz-Expires=")) {
                return Long.parseLong(pair.substring("X-Amz-Expires=".length()));
            }
        }
        throw new AssertionError("no X-Amz-Expires in " + url);
    }

    @Test
    void aLinkSignedWithCredentialsThatExpireInThreeHoursIsSignedForThreeHoursAndSaysSo() {
        Instant expiry = NOW.plus(Duration.ofHours(3)).plusMillis(700);
        ReportLink link = store(StaticCredentialsProvider.create(session("ASIAFAKE", expiry)))
                .link("2026-W49", "report.html", SEVEN_DAYS);

        assertThat(expiresSeconds(link.url())).isEqualTo(3 * 3600)
                .isLessThanOrEqualTo(Duration.between(NOW, expiry).getSeconds());
        assertThat(link.expiresAt()).isEqualTo(NOW.plusSeconds(3 * 3600)).isBeforeOrEqualTo(expiry);
        assertThat(link.url()).contains("reports/2026-W49/report.html").contains("X-Amz-Security-Token=");
    }

    @Test
    void credentialsThatOutliveTheWeekGiveTheFullSevenDaysAndNoMore() {
        ReportLink link = store(StaticCredentialsProvider.create(session("ASIAFAKE", NOW.plus(Duration.ofDays(30)))))
                .link("2026-W49", "report.html", SEVEN_DAYS);

        assertThat(expiresSeconds(link.url())).isEqualTo(SEVEN_DAYS.getSeconds());
        assertThat(link.expiresAt()).isEqualTo(NOW.plus(SEVEN_DAYS));
    }

    @Test
    void noShareableLinkWhenTheSessionsEndIsUnknownOrTooNearButTheConsoleLinkStays() {
        AwsCredentials unknownEnd = AwsSessionCredentials.create("ASIAFAKE", "fake-secret", "fake-session-token");
        AwsCredentials endingSoon = session("ASIAFAKE", NOW.plus(Duration.ofMinutes(4)));
        for (AwsCredentials credentials : new AwsCredentials[] {unknownEnd, endingSoon}) {
            ReportLink link = store(StaticCredentialsProvider.create(credentials)).link("2026-W49", "report.html",
                    SEVEN_DAYS);

            assertThat(link.url()).isNull();
            assertThat(link.expiresAt()).isNull();
            assertThat(link.consoleUrl()).isEqualTo("https://console.aws.amazon.com/s3/object/"
                    + "portcullis-reports-123456789012?region=eu-west-1&bucketType=general&prefix=reports%2F2026-W49%2Freport.html");
        }
    }

    @Test
    void longTermKeysLikeTheEmulatorsSignForTheWholeWeek() {
        ReportLink link = store(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "fake-secret")))
                .link("2026-W49", "report.html", SEVEN_DAYS);

        assertThat(expiresSeconds(link.url())).isEqualTo(SEVEN_DAYS.getSeconds());
    }

    @Test
    void theLinkIsSignedWithTheVeryCredentialsWhoseExpiryItStates() {
        // A provider that refreshes between two reads: the URL must carry the first read's key, whose expiry was used.
        AtomicInteger reads = new AtomicInteger();
        AwsCredentialsProvider refreshing = () -> reads.incrementAndGet() == 1
                ? session("ASIAFIRST", NOW.plus(Duration.ofHours(2)))
                : session("ASIASECOND", NOW.plus(Duration.ofHours(12)));

        ReportLink link = store(refreshing).link("2026-W49", "report.html", SEVEN_DAYS);

        assertThat(link.url()).contains("X-Amz-Credential=ASIAFIRST");
        assertThat(expiresSeconds(link.url())).isEqualTo(2 * 3600);
    }

    @Test
    void aReportsBucketWithoutAnOwnerAccountIsRefusedAtStart() {
        assertThatThrownBy(() -> new S3ReportStore(() -> null, () -> null, signer -> null, "reports", Region.EU_WEST_1,
                null, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the reports bucket reports").hasMessageContaining("no 12-digit owner account");
    }
}
