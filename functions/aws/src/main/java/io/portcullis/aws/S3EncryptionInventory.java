package io.portcullis.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.inventory.InventorySource;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.SweepPart;
import io.portcullis.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * The default encryption of the account's buckets, in every region: {@code ListBuckets} (paginated), then per bucket
 * {@code GetBucketEncryption} in the bucket's own region (from {@code ListBuckets}' {@code BucketRegion}, or
 * {@code GetBucketLocation} where it is missing). Each bucket is recorded under {@link ResourceRef#bucket} with its
 * region (its ARN has none) as
 *
 * <pre>
 * {"encryption": {"rules": [{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:aws:kms:…", "bucketKeyEnabled": true}]}}
 * </pre>
 *
 * <p>with {@code "rules": []} for a bucket without default encryption, and null for a field AWS leaves out.
 *
 * <p>This is the kind that costs a call per resource (and S3 bills those calls), so a sweep reads a share of the
 * buckets per run ({@link #read(SweepPart)}, by bucket name). A bucket deleted or forbidden in the middle of the sweep
 * is left out with a WARN; the sweep goes on.
 */
public final class S3EncryptionInventory implements InventorySource {

    /** What S3 answers for a bucket without default encryption. */
    static final String NO_ENCRYPTION = "ServerSideEncryptionConfigurationNotFoundError";

    private final Function<Region, S3Client> factory;
    private final Map<Region, S3Client> clients = new ConcurrentHashMap<>();
    private final String account;
    private final Clock clock;

    /** @param s3 an S3 client for a region; called once per region */
    public S3EncryptionInventory(Function<Region, S3Client> s3, String account, Clock clock) {
        this.factory = s3;
        this.account = account;
        this.clock = clock;
    }

    private S3Client client(Region region) {
        return clients.computeIfAbsent(region, factory);
    }

    @Override
    public List<KnownConfiguration> readAll() {
        return read(SweepPart.ALL);
    }

    @Override
    public List<KnownConfiguration> read(SweepPart part) {
        UnreadResources unread = new UnreadResources("buckets");
        // ListBuckets and GetBucketLocation answer for every region from us-east-1.
        S3Client anywhere = client(Region.US_EAST_1);
        List<KnownConfiguration> out = new ArrayList<>();
        for (Bucket bucket : anywhere.listBucketsPaginator(r -> r.maxBuckets(1000)).buckets()) {
            String name = bucket.name();
            if (!part.includes(name)) {
                continue;
            }
            try {
                String region = bucket.bucketRegion() != null ? bucket.bucketRegion()
                        : location(anywhere, name, account);
                ObjectNode configuration = encryption(client(Region.of(region)), name, account);
                out.add(new KnownConfiguration(ResourceRef.bucket(name, account, region), configuration,
                        clock.instant()));
            } catch (S3Exception e) {
                String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
                unread.skip("bucket " + name, "NoSuchBucket".equals(code) ? "deleted during the sweep"
                        : UnreadResources.why(e));
            }
        }
        unread.finish();
        return out;
    }

    /** The bucket's region; S3 answers none for us-east-1 and {@code EU} for the oldest eu-west-1 buckets. */
    static String location(S3Client s3, String bucket, String owner) {
        String constraint = s3.getBucketLocation(r -> r.bucket(bucket).expectedBucketOwner(owner))
                .locationConstraintAsString();
        if (constraint == null || constraint.isEmpty()) {
            return "us-east-1";
        }
        return constraint.equals("EU") ? "eu-west-1" : constraint;
    }

    static ObjectNode encryption(S3Client s3, String bucket, String owner) {
        ObjectNode c = Json.mapper().createObjectNode();
        ArrayNode rules = c.putObject("encryption").putArray("rules");
        List<ServerSideEncryptionRule> found;
        try {
            found = s3.getBucketEncryption(r -> r.bucket(bucket).expectedBucketOwner(owner))
                    .serverSideEncryptionConfiguration().rules();
        } catch (S3Exception e) {
            if (e.awsErrorDetails() != null && NO_ENCRYPTION.equals(e.awsErrorDetails().errorCode())) {
                return c;
            }
            throw e;
        }
        for (ServerSideEncryptionRule rule : found) {
            var byDefault = rule.applyServerSideEncryptionByDefault();
            rules.addObject()
                    .put("sseAlgorithm", byDefault == null ? null : byDefault.sseAlgorithmAsString())
                    .put("kmsMasterKeyId", byDefault == null ? null : byDefault.kmsMasterKeyID())
                    .put("bucketKeyEnabled", rule.bucketKeyEnabled());
        }
        return c;
    }
}
