package io.portcullis.remediation;

import io.portcullis.change.ResourceRef;
import java.util.Optional;

/** Reads a security group's live state. Implemented over EC2 in {@code portcullis-aws}. */
public interface SecurityGroupInspector {

    /** The group now, or empty when it no longer exists. */
    Optional<SecurityGroupState> describe(ResourceRef group);
}
