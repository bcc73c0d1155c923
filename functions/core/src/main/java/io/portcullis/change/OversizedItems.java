package io.portcullis.change;

/**
 * Fetches an oversized AWS Config configuration item that Config delivered to S3 instead of EventBridge. The object
 * at {@code bucket/key} ({@code s3DeliverySummary.s3BucketLocation}) is the whole
 * {@code ConfigurationItemChangeNotification} message, gzip-compressed. Implemented over S3 in {@code portcullis-aws}.
 */
public interface OversizedItems {

    /**
     * The uncompressed message bytes at {@code bucketSlashKey}, or empty when there is no such object (the event is
     * then refused with its location). Any other failure (throttling, access denied) is thrown, so the event is
     * retried rather than dropped.
     *
     * @throws TooLarge when the item is larger than the adapter reads
     */
    java.util.Optional<byte[]> fetch(String bucketSlashKey);

    /**
     * The item is larger than Portcullis reads: the event is refused with this message (naming the object and its
     * size), not retried, since a retry meets the same object.
     */
    final class TooLarge extends RuntimeException {
        public TooLarge(String message) {
            super(message);
        }
    }

    /** No fetching (offline evaluation): oversized items stay refused, with their S3 location in the reason. */
    OversizedItems NONE = location -> java.util.Optional.empty();
}
