package io.portcullis.rule;

import java.util.Locale;

/** The families of rules; the protocol can match on them. */
public enum RuleFamily {
    SECURITY_GROUP, S3, IAM, AUDIT_LOGGING;

    /** The spelling in YAML and reports: {@code security-group}, {@code s3}, {@code iam}, {@code audit-logging}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
