package io.portcullis.playbook;

import io.portcullis.change.ResourceRef;

/**
 * The account and region a playbook worker may act in: its role is scoped to them. A resource elsewhere (an event
 * forwarded from a member account or another region) is handed to a person instead of acted on.
 *
 * @param account the account, or null for any
 * @param region  the region, or null for any; IAM's resources ({@code global}) belong to every region
 */
public record Jurisdiction(String account, String region) {

    public static final Jurisdiction ANYWHERE = new Jurisdiction(null, null);

    public boolean covers(ResourceRef resource) {
        return (account == null || account.equals(resource.account()))
                && (region == null || region.equals(resource.region()) || "global".equals(resource.region()));
    }

    /** Why a resource is out of reach, in words. */
    public String outside(ResourceRef resource) {
        return "Portcullis may not act in account " + resource.account() + " / " + resource.region()
                + " (its role is scoped to account " + (account == null ? "any" : account) + ", region "
                + (region == null ? "any" : region) + ")";
    }
}
