package io.portcullis.aws;

import io.portcullis.report.ReportLink;
import io.portcullis.report.ReportStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Report files in the private reports bucket ({@code PORTCULLIS_REPORT_BUCKET}) under {@code reports/<week>/}, each
 * written encrypted (SSE-KMS, the bucket's default key) whatever the bucket's default, and only if the bucket belongs
 * to the deployment's account ({@code ExpectedBucketOwner}: a deleted bucket's name taken by another account gets no
 * incident data).
 *
 * <p>Links are presigned GETs, and a presigned URL works only while the credentials that signed it do: a function's
 * credentials are temporary, so a link asked for seven days would die with them, hours later. The link is therefore
 * signed for the earlier of the wanted validity and the credentials' expiry, and says when that is; with temporary
 * credentials whose expiry is not known (or less than {@link #SHORTEST} away) no link is made. The console URL of the
 * object works for anyone whose AWS access can read it, for as long as the file is kept. No long-term access key is
 * involved.
 */
public final class S3ReportStore implements ReportStore {

    public static final String PREFIX = "reports/";

    /** A link shorter-lived than this is not worth posting. */
    static final Duration SHORTEST = Duration.ofMinutes(5);

    private final Lazy<S3Client> s3;
    private final AwsCredentialsProvider credentials;
    private final Function<AwsCredentialsProvider, S3Presigner> presigners;
    private final String bucket;
    private final Region region;
    private final String owner;
    private final Clock clock;

    /**
     * @param s3          the client that writes the files
     * @param credentials the function's credentials, resolved once per link: the link is signed with exactly the
     *                    credentials whose expiry it states
     * @param presigners  a presigner that signs with the given credentials
     * @param bucket      the reports bucket
     * @param region      the bucket's region (for its console URL)
     * @param owner       the account the bucket must belong to (the deployment's)
     */
    public S3ReportStore(Supplier<S3Client> s3, AwsCredentialsProvider credentials,
                         Function<AwsCredentialsProvider, S3Presigner> presigners, String bucket, Region region,
                         String owner, Clock clock) {
        this.s3 = new Lazy<>(s3);
        this.credentials = credentials;
        this.presigners = presigners;
        this.bucket = bucket;
        this.region = region;
        this.owner = S3Resources.owner(owner, "the reports bucket " + bucket);
        this.clock = clock;
    }

    public static String key(String week, String name) {
        return PREFIX + week + "/" + name;
    }

    @Override
    public String put(String week, String name, String contentType, byte[] body) {
        String key = key(week, name);
        s3.get().putObject(r -> r.bucket(bucket).key(key).contentType(contentType).expectedBucketOwner(owner)
                .serverSideEncryption(ServerSideEncryption.AWS_KMS), RequestBody.fromBytes(body));
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public ReportLink link(String week, String name, Duration wanted) {
        String key = key(week, name);
        AwsCredentials signer = credentials.resolveCredentials();
        Instant now = clock.instant();
        Optional<Duration> validity = validity(signer, now, wanted);
        if (validity.isEmpty()) {
            return new ReportLink(null, null, consoleUrl(key));
        }
        String url;
        try (S3Presigner presigner = presigners.apply(StaticCredentialsProvider.create(signer))) {
            url = presigner.presignGetObject(p -> p.signatureDuration(validity.get())
                    // No ExpectedBucketOwner here: it would become a signed header that a browser never sends.
                    .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
        }
        return new ReportLink(url, now.plus(validity.get()), consoleUrl(key));
    }

    /**
     * How long a link signed with {@code signer} at {@code now} works: {@code wanted}, cut to the credentials'
     * remaining lifetime (whole seconds); empty when that lifetime is unknown for temporary credentials, or shorter
     * than {@link #SHORTEST}.
     */
    static Optional<Duration> validity(AwsCredentials signer, Instant now, Duration wanted) {
        Optional<Instant> expiry = signer.expirationTime();
        if (expiry.isEmpty()) {
            // Long-term keys (only the local emulator's here) sign for as long as asked; a session whose end is not
            // known could end in a minute.
            return signer instanceof AwsSessionCredentials ? Optional.empty() : Optional.of(wanted);
        }
        Duration left = Duration.ofSeconds(Duration.between(now, expiry.get()).getSeconds());
        Duration validity = left.compareTo(wanted) < 0 ? left : wanted;
        return validity.compareTo(SHORTEST) < 0 ? Optional.empty() : Optional.of(validity);
    }

    /** The object's page in the S3 console of the bucket's partition. */
    String consoleUrl(String key) {
        String id = region.id();
        String host = id.startsWith("cn-") ? "console.amazonaws.cn"
                : id.startsWith("us-gov-") ? "console.amazonaws-us-gov.com" : "console.aws.amazon.com";
        return "https://" + host + "/s3/object/" + bucket + "?region=" + id + "&bucketType=general&prefix="
                + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }
}
