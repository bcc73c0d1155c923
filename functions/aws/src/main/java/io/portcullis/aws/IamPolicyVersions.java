package io.portcullis.aws;

import io.portcullis.remediation.PolicyVersions;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/** Policy versions over IAM {@code GetPolicyVersion}; the document comes back URL-encoded, as IAM returns it. */
public final class IamPolicyVersions implements PolicyVersions {

    private final Supplier<IamClient> iam;

    public IamPolicyVersions(Supplier<IamClient> iam) {
        this.iam = new Lazy<>(iam);
    }

    @Override
    public Optional<String> document(String policyArn, String versionId) {
        if (policyArn.isBlank() || versionId.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(iam.get().getPolicyVersion(r -> r.policyArn(policyArn).versionId(versionId))
                    .policyVersion().document());
        } catch (NoSuchEntityException e) {
            return Optional.empty();
        }
    }
}
