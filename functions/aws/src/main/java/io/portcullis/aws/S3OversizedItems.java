package io.portcullis.aws;

import io.portcullis.change.OversizedItems;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Oversized AWS Config items from the Config delivery bucket: {@code GetObject}, gunzipped when compressed. The
 * bucket must belong to the deployment's account ({@code ExpectedBucketOwner}); an item in a bucket of another
 * account is not read (S3 answers 403 AccessDenied and the event is retried, then kept in the failed-events queue).
 */
public final class S3OversizedItems implements OversizedItems {

    /** The largest uncompressed item read; Config's own items are far smaller. */
    static final int MAX_BYTES = 16 * 1024 * 1024;

    private final Lazy<S3Client> s3;
    private final String owner;

    /**
     * @param factory builds the S3 client on first use: most containers never meet an oversized item
     * @param owner   the account the delivery bucket must belong to (the deployment's)
     */
    public S3OversizedItems(java.util.function.Supplier<S3Client> factory, String owner) {
        this.s3 = new Lazy<>(factory);
        this.owner = owner;
    }

    private S3Client s3() {
        return s3.get();
    }

    @Override
    public java.util.Optional<byte[]> fetch(String bucketSlashKey) {
        int slash = bucketSlashKey.indexOf('/');
        if (slash <= 0 || slash == bucketSlashKey.length() - 1) {
            return java.util.Optional.empty(); // not bucket/key: the event is refused with it

        }
        String bucket = bucketSlashKey.substring(0, slash);
        String key = bucketSlashKey.substring(slash + 1);
        byte[] body;
        try {
            String expected = S3Resources.owner(owner, "the Config delivery bucket " + bucket);
            body = s3().getObjectAsBytes(r -> r.bucket(bucket).key(key).expectedBucketOwner(expected)).asByteArray();
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException
                 | software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            return java.util.Optional.empty();
        }
        if (body.length < 2 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b) {
            return java.util.Optional.of(body);
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] out = in.readNBytes(MAX_BYTES + 1);
            if (out.length > MAX_BYTES) {
                throw new IllegalStateException("the item at " + bucketSlashKey + " is larger than " + MAX_BYTES + " bytes");
            }
            return java.util.Optional.of(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decompress " + bucketSlashKey + ": " + e.getMessage(), e);
        }
    }
}
