package io.portcullis.playbook;

import io.portcullis.change.ResourceRef;

/**
 * Where a playbook step acts: the account and region of the incident's resource. IAM's resources carry the region
 * {@code global}; IAM answers in us-east-1 (its endpoint lives there), so they are reached there
 * ({@link #clientRegion}).
 *
 * @param account the 12-digit account id (null when the event named none)
 * @param region  the resource's region as its event names it ({@code global} for IAM)
 */
public record Place(String account, String region) {

    /** Where IAM (and every other global resource) is reached. */
    public static final String GLOBAL_REGION = "us-east-1";

    /** Where the resource lives: its account and region. */
    public static Place of(ResourceRef resource) {
        return new Place(resource.account(), resource.region() == null || resource.region().isBlank() ? "global"
                : resource.region());
    }

    /** Whether the resource belongs to no region (IAM's). */
    public boolean global() {
        return "global".equals(region);
    }

    /** The region clients talk to for this place: its own, or {@value #GLOBAL_REGION} for a global resource. */
    public String clientRegion() {
        return global() ? GLOBAL_REGION : region;
    }
}
