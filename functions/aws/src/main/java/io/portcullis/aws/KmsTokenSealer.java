package io.portcullis.aws;

import io.portcullis.approval.TokenSealer;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Task tokens sealed with a KMS key ({@code PORTCULLIS_TOKEN_KEY_ID}; template.yaml lets only the worker and the
 * interaction function use it): {@code kms:Encrypt} and {@code kms:Decrypt} with an encryption context naming the
 * incident and the approval, so a sealed token opens only on the row it was written for (and CloudTrail shows, for
 * each Decrypt, which approval it opened).
 */
public final class KmsTokenSealer implements TokenSealer {

    private final Supplier<KmsClient> kms;
    private final String keyId;

    public KmsTokenSealer(Supplier<KmsClient> kms, String keyId) {
        this.kms = new Lazy<>(kms);
        this.keyId = keyId;
    }

    @Override
    public String seal(String taskToken, String incidentId, String approvalId) {
        SdkBytes blob = kms.get().encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String(taskToken))
                .encryptionContext(context(incidentId, approvalId))).ciphertextBlob();
        return Base64.getEncoder().encodeToString(blob.asByteArray());
    }

    @Override
    public String open(String sealed, String incidentId, String approvalId) {
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new Unopenable("the sealed token of approval " + approvalId + " is not base64", e);
        }
        try {
            return kms.get().decrypt(r -> r.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(blob))
                    .encryptionContext(context(incidentId, approvalId))).plaintext().asUtf8String();
        } catch (InvalidCiphertextException e) {
            throw new Unopenable("the sealed token of approval " + approvalId + " was not sealed for it (incident "
                    + incidentId + ")", e);
        }
    }

    /**
     * The sealer of the deployment's token key ({@code PORTCULLIS_TOKEN_KEY_ID}), or null without one: then no gate's
     * token can be stored or read, and every approval gate fails loudly instead of keeping a token in the clear.
     */
    public static TokenSealer of(FunctionSettings settings, AwsConnection aws) {
        return settings.tokenKeyId() == null || settings.tokenKeyId().isBlank() ? null
                : new KmsTokenSealer(aws::kms, settings.tokenKeyId());
    }

    private static Map<String, String> context(String incidentId, String approvalId) {
        return Map.of("portcullis:incidentId", incidentId, "portcullis:approvalId", approvalId);
    }
}
