package io.portcullis.remediation;

import java.util.OptionalInt;

/**
 * Reads how many MFA devices an IAM user has, live: a console password is judged by whether the user has one, and
 * the CloudTrail event of the password says nothing about it. Implemented over IAM {@code ListMFADevices} in
 * {@code portcullis-aws}.
 */
public interface MfaDevices {

    /** The number of MFA devices of user {@code userName} in {@code account}; empty when it cannot be read (the user is gone). */
    OptionalInt count(String account, String userName);

    /** For callers that have no live view (offline evaluation, tests): nothing is known. */
    MfaDevices NONE = (account, userName) -> OptionalInt.empty();
}
