package io.portcullis.aws;

import io.portcullis.report.ReportStore;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Report files in the private reports bucket ({@code PORTCULLIS_REPORT_BUCKET}) under {@code reports/<week>/}, each
 * written encrypted (SSE-KMS, the bucket's default key) whatever the bucket's default; links are presigned GETs.
 */
public final class S3ReportStore implements ReportStore {

    public static final String PREFIX = "reports/";

    private final Lazy<S3Client> s3;
    private final Lazy<S3Presigner> presigner;
    private final String bucket;

    public S3ReportStore(Supplier<S3Client> s3, Supplier<S3Presigner> presigner, String bucket) {
        this.s3 = new Lazy<>(s3);
        this.presigner = new Lazy<>(presigner);
        this.bucket = bucket;
    }

    public static String key(String week, String name) {
        return PREFIX + week + "/" + name;
    }

    @Override
    public String put(String week, String name, String contentType, byte[] body) {
        String key = key(week, name);
        s3.get().putObject(r -> r.bucket(bucket).key(key).contentType(contentType)
                .serverSideEncryption(ServerSideEncryption.AWS_KMS), RequestBody.fromBytes(body));
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public String link(String week, String name, Duration validity) {
        return presigner.get().presignGetObject(p -> p.signatureDuration(validity)
                .getObjectRequest(g -> g.bucket(bucket).key(key(week, name)))).url().toString();
    }
}
