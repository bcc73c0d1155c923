package io.portcullis.playbook;

import java.security.SecureRandom;
import java.util.Base64;

/** Opaque, unguessable, single-use ids for approvals and Undo buttons: 128 random bits. */
public final class ApprovalIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApprovalIds() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "apv_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
