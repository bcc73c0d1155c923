package io.portcullis.remediation;

import java.util.Optional;

/**
 * Reads a version of an IAM managed policy: {@code SetDefaultPolicyVersion} names a version, not its document, so
 * judging it needs the live document. Implemented over IAM in {@code portcullis-aws}.
 */
public interface PolicyVersions {

    /** The version's policy document (as IAM returns it: JSON, possibly URL-encoded), or empty if it is gone. */
    Optional<String> document(String policyArn, String versionId);

    PolicyVersions NONE = (arn, version) -> Optional.empty();
}
