package io.portcullis.inventory;

import java.util.List;

/**
 * Reads the security-relevant configuration of the resources a sweep keeps: VPC flow logs, CloudTrail trails with
 * their event selectors, S3 buckets' default encryption, security groups' ingress rules (with their rule ids), and
 * IAM users', roles' and groups' inline policies. One implementation per kind and cloud (AWS SDK), each kind read
 * with the calls its role is granted, each documenting the configuration shape it records.
 *
 * <p>Each configuration is stamped with the time its read returned ({@link KnownConfiguration#since}), never
 * earlier: a version must not be dated before a change the read may already have seen, or
 * {@link LastKnownConfigurations#before} could hand back the changed configuration as the one before the change.
 */
public interface InventorySource {

    /** Everything this source can see now, in the account and region it is scoped to (IAM: the account). */
    List<KnownConfiguration> readAll();

    /**
     * The share of it a sweep that spreads this kind over several runs reads now. Kinds whose whole read costs a
     * handful of calls read everything (this default); a kind read with a call per resource (S3's per-bucket
     * encryption) reads only the resources in {@code part}.
     */
    default List<KnownConfiguration> read(SweepPart part) {
        return readAll();
    }
}
