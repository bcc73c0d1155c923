package io.portcullis.testing;

import io.portcullis.approval.TokenSealer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/** Seals with AES-GCM under a key of its own, the incident and approval ids as associated data (as KMS's context). */
public final class InMemoryTokenSealer implements TokenSealer {

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();
    public int sealed;
    public int opened;

    public InMemoryTokenSealer() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            key = generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized String seal(String taskToken, String incidentId, String approvalId) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            c.updateAAD((incidentId + "|" + approvalId).getBytes(StandardCharsets.UTF_8));
            byte[] sealedBytes = c.doFinal(taskToken.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealedBytes.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealedBytes, 0, out, iv.length, sealedBytes.length);
            sealed++;
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized String open(String sealedToken, String incidentId, String approvalId) {
        try {
            byte[] in = Base64.getDecoder().decode(sealedToken);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            c.updateAAD((incidentId + "|" + approvalId).getBytes(StandardCharsets.UTF_8));
            String token = new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
            opened++;
            return token;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Unopenable("not sealed for approval " + approvalId + " of " + incidentId, e);
        }
    }
}
