package io.portcullis.inventory;

import java.util.List;

/**
 * Reads the security-relevant configuration of the resources a sweep keeps: VPC flow logs, CloudTrail trails with
 * their event selectors, S3 buckets' default encryption, security groups' ingress rules (with their rule ids), and
 * IAM users', roles' and groups' inline policies. One implementation per cloud (AWS SDK), each kind read with the
 * calls its role is granted.
 */
public interface InventorySource {

    /** Everything this source can see now, in the account and region it is scoped to (IAM: the account). */
    List<KnownConfiguration> readAll();
}
