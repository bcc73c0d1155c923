package io.portcullis.aws;

import io.portcullis.change.OversizedItems;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Oversized AWS Config items from the Config delivery bucket: {@code GetObject}, gunzipped when compressed. The object
 * is streamed and read only up to {@link #MAX_BYTES}, compressed or not: anyone who may write to the delivery bucket
 * could otherwise point the detector at an object as large as its memory. The bucket must belong to the deployment's
 * account ({@code ExpectedBucketOwner}); an item in a bucket of another account is not read (S3 answers 403
 * AccessDenied and the event is retried, then kept in the failed-events queue).
 */
public final class S3OversizedItems implements OversizedItems {

    /** The largest item read (uncompressed, and as stored); Config's own items are far smaller. */
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
        String expected = S3Resources.owner(owner, "the Config delivery bucket " + bucket);
        try (ResponseInputStream<GetObjectResponse> body =
                     s3().getObject(r -> r.bucket(bucket).key(key).expectedBucketOwner(expected))) {
            Long length = body.response().contentLength();
            if (length != null && length > MAX_BYTES) {
                // Closing without draining aborts the download: not a byte more is read.
                body.abort();
                throw new TooLarge(tooLarge(bucketSlashKey, length + " bytes", MAX_BYTES));
            }
            return java.util.Optional.of(readCapped(body, bucketSlashKey, MAX_BYTES));
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException
                 | software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + bucketSlashKey + ": " + e.getMessage(), e);
        }
    }

    /**
     * The item's bytes, gunzipped when the stream starts with gzip's magic number, reading at most {@code max + 1}
     * bytes of the item: one more than allowed is enough to know it is too large.
     *
     * @throws TooLarge when the item (stored, or once decompressed) is larger than {@code max} bytes
     */
    static byte[] readCapped(InputStream stored, String location, int max) throws IOException {
        BufferedInputStream in = new BufferedInputStream(stored, 2);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        if (!gzip) {
            byte[] out = in.readNBytes(max + 1);
            if (out.length > max) {
                throw new TooLarge(tooLarge(location, "more than " + max + " bytes", max));
            }
            return out;
        }
        try (GZIPInputStream unzipped = new GZIPInputStream(new CappedStream(in, max + 1L))) {
            byte[] out = unzipped.readNBytes(max + 1);
            if (out.length > max) {
                throw new TooLarge(tooLarge(location, "more than " + max + " bytes once decompressed", max));
            }
            return out;
        } catch (CappedStream.Exceeded e) {
            throw new TooLarge(tooLarge(location, "more than " + max + " bytes compressed", max));
        }
    }

    private static String tooLarge(String location, String size, int max) {
        return "the oversized configuration item at s3://" + location + " is " + size + ", more than the " + max
                + " bytes Portcullis reads, so it was not read: AWS Config's own items are far smaller, look at what"
                + " wrote this object";
    }

    /** A stream that refuses to give more than {@code limit} bytes of the one it wraps. */
    private static final class CappedStream extends java.io.FilterInputStream {

        static final class Exceeded extends IOException {
            Exceeded() {
                super("limit exceeded");
            }
        }

        private long left;

        CappedStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                throw new Exceeded();
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                throw new Exceeded();
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
