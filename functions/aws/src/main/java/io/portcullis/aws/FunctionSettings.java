package io.portcullis.aws;

import io.portcullis.incident.RemediationMode;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every environment variable the functions read, in one place. They are a public interface: template.yaml sets
 * them, README.md lists them, and a rename is a breaking change.
 *
 * <pre>
 * PORTCULLIS_INCIDENTS_TABLE        incidents table name                      (detector, remediator) required
 * PORTCULLIS_REMEDIATION_QUEUE_URL  remediation queue URL                     (detector)             required
 * PORTCULLIS_REMEDIATION_MODE       enforce | dry-run                         (detector, remediator) default dry-run
 * PORTCULLIS_OWN_ROLE_ARNS          comma-separated roles Portcullis acts as  (detector)             default none
 * PORTCULLIS_IAC_ROLE_ARNS          comma-separated IaC deployment roles      (detector)             default none
 * PORTCULLIS_ACCOUNT_ID             the account remediation may act in        (detector)             default any
 * AWS_REGION, AWS_ENDPOINT_URL      standard SDK variables, see {@link AwsConnection}
 * </pre>
 *
 * <p>The default mode is {@code dry-run}: a deployment that forgot the setting records what it would do and
 * changes nothing.
 */
public record FunctionSettings(String incidentsTable, String remediationQueueUrl, RemediationMode mode,
                               Set<String> ownRoleArns, Set<String> iacRoleArns, String accountId) {

    public static final String INCIDENTS_TABLE = "PORTCULLIS_INCIDENTS_TABLE";
    public static final String REMEDIATION_QUEUE_URL = "PORTCULLIS_REMEDIATION_QUEUE_URL";
    public static final String REMEDIATION_MODE = "PORTCULLIS_REMEDIATION_MODE";
    public static final String OWN_ROLE_ARNS = "PORTCULLIS_OWN_ROLE_ARNS";
    public static final String IAC_ROLE_ARNS = "PORTCULLIS_IAC_ROLE_ARNS";
    public static final String ACCOUNT_ID = "PORTCULLIS_ACCOUNT_ID";

    public static FunctionSettings fromEnvironment(Map<String, String> env) {
        String mode = env.getOrDefault(REMEDIATION_MODE, "dry-run");
        RemediationMode parsed;
        try {
            parsed = RemediationMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(REMEDIATION_MODE + ": " + e.getMessage(), e);
        }
        return new FunctionSettings(env.get(INCIDENTS_TABLE), env.get(REMEDIATION_QUEUE_URL), parsed,
                list(env.get(OWN_ROLE_ARNS)), list(env.get(IAC_ROLE_ARNS)), env.get(ACCOUNT_ID));
    }

    /** The table name, or an error naming the variable to set. */
    public String requireIncidentsTable() {
        return require(incidentsTable, INCIDENTS_TABLE, "the name of the incidents DynamoDB table");
    }

    public String requireRemediationQueueUrl() {
        return require(remediationQueueUrl, REMEDIATION_QUEUE_URL, "the URL of the remediation SQS queue");
    }

    private static String require(String value, String name, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: set it to " + what);
        }
        return value;
    }

    private static Set<String> list(String value) {
        if (value == null || value.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
