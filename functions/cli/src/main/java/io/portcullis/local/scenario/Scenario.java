package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;

/**
 * One kind of sandbox resource in the emulator, set up so a sample event can be replayed against it: created in its
 * state before the change, changed with the same API call the event records, read back as a small JSON object. One
 * implementation per resource kind (security group, bucket, trail, role, …); {@link Scenarios} picks it by event.
 *
 * <p>The order is {@link #createBefore}, {@link #aim}, {@link #apply} (skipped when the recorded call failed), and
 * {@link #read} whenever the state is wanted. {@link #close} puts back what belongs to the whole account.
 */
public interface Scenario extends AutoCloseable {

    /** The resource, for people: "security group sg-… (web-prod-1a2b3c) in VPC vpc-…". */
    String describe();

    /** Creates the resource in its state before the change (nothing, when the change creates it). */
    void createBefore(SampleEvent sample);

    /**
     * A fresh copy of the sample (new ids, now, the deployment's region) naming this resource wherever the event
     * names its own: request parameters, response elements, ARNs, a Config item's ids.
     */
    ObjectNode aim(SampleEvent sample);

    /**
     * Makes the event's call in the emulator, so the live state is what the event says, and completes the event
     * with what AWS answered (EC2's new rule ids, IAM's new access key id or policy version), as CloudTrail records
     * it.
     */
    ObjectNode apply(ObjectNode aimed);

    /** The resource's state now, as a small JSON object of what a fix may touch (no ids a fix would renew). */
    ObjectNode read();

    /**
     * What the resource must read as once a fix has taken away only the offending part of the change: by default
     * exactly as before the change. A scenario whose change may hold harmless parts too (a call adding a world-open
     * rule and an office one) keeps those; one whose fix by design leaves a trace (an access key deactivated, never
     * deleted) says so.
     *
     * @param incident the incident the change opened (its findings name the offending part), or null
     */
    default ObjectNode fixed(ObjectNode before, ObjectNode after, Incident incident) {
        return before;
    }

    /**
     * Whether the resource is the account's own rather than one made for this run (the account's public access
     * block, the root user): two runs in one deployment would be about the same resource, so each needs its own.
     */
    default boolean accountWide() {
        return false;
    }

    /**
     * Whether the emulator can make the change at all: only the root user can create or list its own access keys,
     * and the emulator has no root user to act as, so such a change is replayed without being made.
     */
    default boolean makesTheChange() {
        return true;
    }

    /** Puts back what the scenario changed for the whole account; per-run resources are left for inspection. */
    @Override
    default void close() {
    }
}
