package io.portcullis.aws;

import io.portcullis.change.ResourceRef;
import io.portcullis.remediation.ResourceTags;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Tags of buckets ({@code GetBucketTagging}) and IAM roles and users ({@code ListRoleTags}, {@code ListUserTags}).
 * Clients are built on first use, so a function that never meets a bucket never pays for an S3 client.
 */
public final class AwsResourceTags implements ResourceTags {

    private final Function<Region, S3Client> s3Factory;
    private final Lazy<IamClient> iam;
    private final Map<String, S3Client> s3 = new ConcurrentHashMap<>();

    public AwsResourceTags(Function<Region, S3Client> s3Factory, Supplier<IamClient> iamFactory) {
        this.s3Factory = s3Factory;
        this.iam = new Lazy<>(iamFactory);
    }

    @Override
    public Map<String, String> tags(ResourceRef resource) {
        if (resource.type() == null || resource.id() == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        switch (resource.type()) {
            case ResourceRef.BUCKET -> {
                try {
                    s3.computeIfAbsent(resource.region(), r -> s3Factory.apply(Region.of(r)))
                            .getBucketTagging(b -> b.bucket(resource.id()).expectedBucketOwner(resource.account()))
                            .tagSet().forEach(t -> out.put(t.key(), t.value()));
                } catch (S3Exception e) {
                    if (e.statusCode() != 404) {
                        throw e;
                    }
                }
            }
            case "AWS::IAM::Role" -> {
                try {
                    iam().listRoleTagsPaginator(r -> r.roleName(resource.id())).tags().forEach(t -> out.put(t.key(), t.value()));
                } catch (NoSuchEntityException e) {
                    return Map.of();
                }
            }
            case "AWS::IAM::User" -> {
                if (!"root".equals(resource.id())) {
                    try {
                        iam().listUserTagsPaginator(r -> r.userName(resource.id())).tags().forEach(t -> out.put(t.key(), t.value()));
                    } catch (NoSuchEntityException e) {
                        return Map.of();
                    }
                }
            }
            default -> {
            }
        }
        return out;
    }

    private IamClient iam() {
        return iam.get();
    }
}
