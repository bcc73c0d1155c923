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
 */
public record Actor(String principalArn, String type, String sessionIssuerArn, boolean mfa, String sourceIp,
                    String userAgent) {

    /** A short name for people: the session name of a role, the user name, or the ARN. */
    public String displayName() {
        if (principalArn == null) {
            return type == null ? "unknown" : type;
        }
        int slash = principalArn.lastIndexOf('/');
        return slash >= 0 && slash < principalArn.length() - 1 ? principalArn.substring(slash + 1) : principalArn;
    }
}
