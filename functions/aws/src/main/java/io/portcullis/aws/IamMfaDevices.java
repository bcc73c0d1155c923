package io.portcullis.aws;

import io.portcullis.remediation.MfaDevices;
import java.util.OptionalInt;
import java.util.function.Supplier;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * A user's MFA devices over IAM {@code ListMFADevices} (virtual, hardware and passkeys alike). The client is the
 * account's own: the detector judges IAM changes of the account it runs in.
 */
public final class IamMfaDevices implements MfaDevices {

    private final Lazy<IamClient> iam;

    public IamMfaDevices(Supplier<IamClient> iam) {
        this.iam = new Lazy<>(iam);
    }

    @Override
    public OptionalInt count(String account, String userName) {
        try {
            int n = 0;
            for (var ignored : iam.get().listMFADevicesPaginator(r -> r.userName(userName)).mfaDevices()) {
                n++;
            }
            return OptionalInt.of(n);
        } catch (NoSuchEntityException e) {
            return OptionalInt.empty();
        }
    }
}
