package io.portcullis.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The inventory: what a resource's configuration was, as periodic sweeps saw it. CloudTrail events say what a call
 * changed, not what was there before (a DeleteFlowLogs names only the flow log's id, a DeleteBucketEncryption nothing
 * of the encryption it removed); the inventory lets a playbook put back exactly what was there, and tell a person
 * exactly what to recreate when it cannot.
 *
 * <p>Each resource keeps its last few versions, each with the time a sweep first saw it, so a sweep that runs between
 * a bad change and its remediation does not make the bad configuration "the last known one": {@link #before} asks for
 * the version that was in place before the change.
 */
public interface LastKnownConfigurations {

    /** How many versions of one resource are kept. */
    int VERSIONS_KEPT = 5;

    /** The newest version first seen before {@code instant} (strictly), if any sweep saw one. */
    Optional<KnownConfiguration> before(ResourceRef resource, Instant instant);

    /** Every kept version, newest first. */
    List<KnownConfiguration> versions(ResourceRef resource);

    /**
     * The newest kept version of every resource of {@code type} (a {@link ResourceRef} type, e.g.
     * {@link ResourceRef#FLOW_LOG}) in the account and region (IAM: region {@code global}), newest first — resources
     * deleted since included, their versions are kept. For a finding that names no single resource: AWS Config's "VPC
     * vpc-… has no flow logs" (which flow logs did it have?), "the account has no trail logging" (which trails were
     * there?).
     */
    List<KnownConfiguration> latestOfType(String type, String account, String region);

    /**
     * Records what a sweep read at {@code seenAt}: a new version when it differs from the newest kept one (the oldest
     * beyond {@link #VERSIONS_KEPT} is dropped), nothing when it is the same.
     *
     * @return whether a new version was written
     */
    boolean record(ResourceRef resource, JsonNode configuration, Instant seenAt);

    /** No inventory: nothing is known, nothing is kept (offline tools, tests that do not need it). */
    LastKnownConfigurations NONE = new LastKnownConfigurations() {
        @Override
        public Optional<KnownConfiguration> before(ResourceRef resource, Instant instant) {
            return Optional.empty();
        }

        @Override
        public List<KnownConfiguration> versions(ResourceRef resource) {
            return List.of();
        }

        @Override
        public List<KnownConfiguration> latestOfType(String type, String account, String region) {
            return List.of();
        }

        @Override
        public boolean record(ResourceRef resource, JsonNode configuration, Instant seenAt) {
            return false;
        }
    };
}
