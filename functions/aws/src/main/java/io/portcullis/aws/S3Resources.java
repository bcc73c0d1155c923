package io.portcullis.aws;

import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What the S3 actions ({@link S3BucketActions}, {@link PublicAccessBlocks}, {@link BucketPolicyStatements},
 * {@link BucketAclGrants}) share: an S3 client per region (buckets are read and written in their own region), and how
 * an incident's bucket or account-level public access block is told apart and named.
 */
final class S3Resources {

    private final Function<Region, S3Client> factory;
    private final Map<String, S3Client> clients = new ConcurrentHashMap<>();

    /** @param factory an S3 client for a region; called once per region */
    S3Resources(Function<Region, S3Client> factory) {
        this.factory = factory;
    }

    /** The client for the resource's region. */
    S3Client client(ResourceRef r) {
        return clients.computeIfAbsent(r.region(), region -> factory.apply(Region.of(region)));
    }

    /**
     * The account a bucket must belong to for Portcullis to read or write it ({@code ExpectedBucketOwner}): the
     * incident's. A bucket name is global and re-registrable: if the bucket was deleted and its name taken by another
     * account, S3 refuses the call with 403 AccessDenied instead of writing a policy, ACL or block there.
     */
    static String owner(ResourceRef r) {
        return owner(r.account(), "bucket " + r.id() + " of the incident");
    }

    /** {@code account}, when it is a 12-digit account id; {@code what} names the bucket in the refusal. */
    static String owner(String account, String what) {
        if (account == null || !account.matches("\\d{12}")) {
            throw new IllegalArgumentException(what + " has no 12-digit owner account ('" + account + "'), so S3 cannot"
                    + " be asked to check who owns it; Portcullis does not read or write it");
        }
        return account;
    }

    static boolean isAccount(ResourceRef r) {
        return r.type().equals(ResourceRef.ACCOUNT_PUBLIC_ACCESS_BLOCK);
    }

    /** Whether a finding is, or is to be remediated as, {@code ruleId} (an AWS Config verdict routed to it). */
    static boolean has(Incident incident, String ruleId) {
        return incident.findings().stream().anyMatch(f -> f.remediates(ruleId));
    }

    static boolean isCode(S3Exception e, String code) {
        return e.awsErrorDetails() != null && code.equals(e.awsErrorDetails().errorCode());
    }

    static String subject(ResourceRef r) {
        return capitalise(subjectLower(r));
    }

    static String subjectLower(ResourceRef r) {
        return isAccount(r) ? "the account-level public access block of " + r.account() : "bucket " + r.id();
    }

    static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
