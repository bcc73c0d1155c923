package io.portcullis.change;

/**
 * Who made a change, as CloudTrail's {@code userIdentity} and request context say.
 *
 * @param principalArn     the caller's ARN ({@code arn:aws:sts::…:assumed-role/Admin/alice}); null for some services
 * @param type             CloudTrail's identity type: {@code IAMUser}, {@code AssumedRole}, {@code Root}, {@code AWSService}, …
 * @param sessionIssuerArn for assumed roles, the role's ARN ({@code arn:aws:iam::…:role/Admin}); else null
 * @param mfa              whether the session was MFA-authenticated
 * @param sourceIp         {@code sourceIPAddress}: an IP, or a service host such as {@code cloudformation.amazonaws.com}
 * @param userAgent        the client-supplied user agent (untrusted)
 * @param sourceIdentity   {@code userIdentity.sessionContext.sourceIdentity}: set when the first role of a chain was
 *                         assumed (by an identity provider, or a caller allowed {@code sts:SetSourceIdentity}) and
 *                         kept unchanged through every later role; null when none was set
 */
public record Actor(String principalArn, String type, String sessionIssuerArn, boolean mfa, String sourceIp,
                    String userAgent, String sourceIdentity) {

    public Actor(String principalArn, String type, String sessionIssuerArn, boolean mfa, String sourceIp,
                 String userAgent) {
        this(principalArn, type, sessionIssuerArn, mfa, sourceIp, userAgent, null);
    }

    /** An assumed role's session name (the last part of its ARN), which the caller chose; null for other types. */
    public String sessionName() {
        if (principalArn == null || !principalArn.contains(":assumed-role/")) {
            return null;
        }
        String[] parts = principalArn.substring(principalArn.indexOf(":assumed-role/") + ":assumed-role/".length())
                .split("/", 2);
        return parts.length == 2 && !parts[1].isEmpty() ? parts[1] : null;
    }

    /** A short name for people: the session name of a role, the user name, or the ARN. */
    public String displayName() {
        if (principalArn == null) {
            return type == null ? "unknown" : type;
        }
        int slash = principalArn.lastIndexOf('/');
        return slash >= 0 && slash < principalArn.length() - 1 ? principalArn.substring(slash + 1) : principalArn;
    }
}
