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
 * PORTCULLIS_INCIDENTS_TABLE        incidents table name                      (all)                  required
 * PORTCULLIS_APPROVALS_TABLE        approvals table name                      (remediator, interaction) required
 * PORTCULLIS_PLAYBOOKS              family=state machine ARN, comma-separated (detector)             required
 * PORTCULLIS_STEP_QUEUE_URL         the playbook step queue (for Undo; the detector's incident pages) (interaction, detector)
 * PORTCULLIS_REMEDIATION_MODE       enforce | dry-run                         (detector, remediator) default dry-run
 * PORTCULLIS_OWN_ROLE_ARNS          comma-separated roles Portcullis acts as  (detector)             default none
 * PORTCULLIS_WORKER_FUNCTION_NAME   the worker's function name: an own role's  (detector)            default none
 *                                   changes count as Portcullis' own only in the session Lambda names after it
 *                                   (unset: any holder of an own role counts; for local and offline use only)
 * PORTCULLIS_IAC_ROLE_ARNS          comma-separated IaC deployment roles      (detector)             default none
 * PORTCULLIS_ACCOUNT_ID             the account remediation may act in        (detector, remediator, watchdog) default any
 *                                   (an organisation's hub: its own account, where the worker uses its own role)
 * PORTCULLIS_ORGANIZATION_ID        the organisation (o-…) this hub guards    (every hub function)   empty: single account
 * PORTCULLIS_ACCOUNTS_CACHE_SECONDS how long one read of AWS Organizations is trusted (detector)    default 300
 * PORTCULLIS_MEMBER_ROLE_NAME       the member accounts' remediation role     (remediator)           default portcullis-remediation
 * PORTCULLIS_SLACK_SECRET_ID        Secrets Manager secret: {"botToken","signingSecret"} (remediator, interaction)
 * PORTCULLIS_SLACK_CHANNEL          the on-call channel id (C…)               (remediator)           required
 * PORTCULLIS_APPROVERS              Slack user ids who may approve and Undo   (remediator)           \ one of the two;
 * PORTCULLIS_APPROVER_GROUP         Slack user group whose members may, too   (remediator)           / see approvers()
 * PORTCULLIS_SLACK_API_URL          Slack Web API prefix (tests only)         (remediator, interaction, report) default Slack
 * PORTCULLIS_REPORT_BUCKET          the private bucket reports are written to (report)        required
 * PORTCULLIS_REPORT_TIME_ZONE       the time zone a report's week is in       (report)               default UTC
 * PORTCULLIS_TOKEN_KEY_ID           KMS key sealing task tokens at rest       (remediator, interaction) required for gates
 * PORTCULLIS_SAFEGUARDS_TABLE       heartbeat and blast-radius breaker table  (detector, watchdog, remediator) off when unset
 * PORTCULLIS_ALERT_QUEUE_URL        the alert queue pages go to               (detector, watchdog, remediator)
 * PORTCULLIS_KILL_SWITCH_PARAMETER  SSM parameter holding enforce | dry-run   (detector, remediator) no switch when unset
 * PORTCULLIS_KILL_SWITCH_CACHE_SECONDS  how long one read of it is trusted    (detector, remediator) default 30
 *                                   (these four are read by {@link SafeguardSettings})
 * PORTCULLIS_INVENTORY_TABLE        the inventory: last known configurations (watchdog, remediator) no inventory when unset
 *                                   (read by {@link InventorySettings})
 * AWS_REGION, AWS_ENDPOINT_URL      standard SDK variables, see {@link AwsConnection}
 * AWS_ENDPOINT_URL_<SERVICE>        standard SDK variables (local runs only), see {@link AwsConnection}
 * </pre>
 *
 * <p>The default mode is {@code dry-run}: a deployment that forgot the setting records what it would do and
 * changes nothing.
 */
public record FunctionSettings(String incidentsTable, String approvalsTable, Map<String, String> playbooks,
                               String stepQueueUrl, RemediationMode mode, Set<String> ownRoleArns,
                               Set<String> iacRoleArns, String accountId, String slackSecretId, String slackChannel,
                               Set<String> approvers, String approverGroup, String slackApiUrl,
                               String reportBucket, String reportTimeZone, String tokenKeyId,
                               String organizationId, String memberRoleName) {

    public static final String INCIDENTS_TABLE = "PORTCULLIS_INCIDENTS_TABLE";
    public static final String APPROVALS_TABLE = "PORTCULLIS_APPROVALS_TABLE";
    public static final String PLAYBOOKS = "PORTCULLIS_PLAYBOOKS";
    public static final String STEP_QUEUE_URL = "PORTCULLIS_STEP_QUEUE_URL";
    public static final String SLACK_SECRET_ID = "PORTCULLIS_SLACK_SECRET_ID";
    public static final String SLACK_CHANNEL = "PORTCULLIS_SLACK_CHANNEL";
    public static final String APPROVERS = "PORTCULLIS_APPROVERS";
    public static final String APPROVER_GROUP = "PORTCULLIS_APPROVER_GROUP";
    public static final String SLACK_API_URL = "PORTCULLIS_SLACK_API_URL";
    public static final String REPORT_BUCKET = "PORTCULLIS_REPORT_BUCKET";
    public static final String REPORT_TIME_ZONE = "PORTCULLIS_REPORT_TIME_ZONE";
    public static final String TOKEN_KEY_ID = "PORTCULLIS_TOKEN_KEY_ID";
    public static final String REMEDIATION_MODE = "PORTCULLIS_REMEDIATION_MODE";
    public static final String OWN_ROLE_ARNS = "PORTCULLIS_OWN_ROLE_ARNS";
    public static final String IAC_ROLE_ARNS = "PORTCULLIS_IAC_ROLE_ARNS";
    /** Read by the detector alone ({@code DetectorFunction}); unset only for local and offline use. */
    public static final String WORKER_FUNCTION_NAME = "PORTCULLIS_WORKER_FUNCTION_NAME";
    public static final String ACCOUNT_ID = "PORTCULLIS_ACCOUNT_ID";
    /** The organisation this hub guards: the detector reads its members from AWS Organizations, the worker assumes
     * the member role in them. Unset or empty: a single-account deployment. */
    public static final String ORGANIZATION_ID = "PORTCULLIS_ORGANIZATION_ID";
    /** Read by the detector alone ({@code DetectorFunction}): the directory of accounts' time to live. */
    public static final String ACCOUNTS_CACHE_SECONDS = "PORTCULLIS_ACCOUNTS_CACHE_SECONDS";
    public static final String MEMBER_ROLE_NAME = "PORTCULLIS_MEMBER_ROLE_NAME";
    /** The member role's name when {@value #MEMBER_ROLE_NAME} is unset (the template's default too). */
    public static final String DEFAULT_MEMBER_ROLE_NAME = "portcullis-remediation";

    public static FunctionSettings fromEnvironment(Map<String, String> env) {
        String mode = env.getOrDefault(REMEDIATION_MODE, "dry-run");
        RemediationMode parsed;
        try {
            parsed = RemediationMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(REMEDIATION_MODE + ": " + e.getMessage(), e);
        }
        return new FunctionSettings(env.get(INCIDENTS_TABLE), env.get(APPROVALS_TABLE), playbooks(env.get(PLAYBOOKS)),
                env.get(STEP_QUEUE_URL), parsed, list(env.get(OWN_ROLE_ARNS)), list(env.get(IAC_ROLE_ARNS)),
                env.get(ACCOUNT_ID), env.get(SLACK_SECRET_ID), env.get(SLACK_CHANNEL), slackIds(env, APPROVERS, "[UW]",
                "Slack user ids (U…), comma-separated"), group(env), env.get(SLACK_API_URL), env.get(REPORT_BUCKET),
                env.get(REPORT_TIME_ZONE), env.get(TOKEN_KEY_ID), blankAsNull(env.get(ORGANIZATION_ID)),
                memberRoleName(env.get(MEMBER_ROLE_NAME)));
    }

    /** Whether this is an organisation's hub (its worker acts in member accounts), not a single-account deployment. */
    public boolean organisation() {
        return organizationId != null;
    }

    private static String blankAsNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A role name IAM accepts (no path: the member role's ARN is {@code role/<name>}), else an error saying so. */
    private static String memberRoleName(String value) {
        String name = blankAsNull(value);
        if (name == null) {
            return DEFAULT_MEMBER_ROLE_NAME;
        }
        if (!name.matches("[\\w+=,.@-]{1,64}")) {
            throw new IllegalStateException(MEMBER_ROLE_NAME + ": '" + name + "' is not an IAM role name (letters,"
                    + " digits and _+=,.@- only, at most 64, no path); set it to the member stacks' MemberRoleName");
        }
        return name;
    }

    /**
     * Who may approve any gate and use Undo. Neither set means no gate can ever be answered; the remediator still
     * starts (automatic containment needs no approver) and says so, and every gate fails loudly: see README.
     */
    public io.portcullis.playbook.Approvers deploymentApprovers() {
        return new io.portcullis.playbook.Approvers(approvers, approverGroup);
    }

    private static String group(Map<String, String> env) {
        Set<String> ids = slackIds(env, APPROVER_GROUP, "S", "one Slack user group id (S…)");
        if (ids.size() > 1) {
            throw new IllegalStateException(APPROVER_GROUP + ": '" + env.get(APPROVER_GROUP)
                    + "' names more than one group; set one Slack user group id (S…)");
        }
        return ids.stream().findFirst().orElse(null);
    }

    /** A typo here would make nobody an approver without a word, so a value that is not a Slack id is refused. */
    private static Set<String> slackIds(Map<String, String> env, String name, String prefix, String what) {
        Set<String> ids = list(env.get(name));
        for (String id : ids) {
            if (!id.matches(prefix + "[A-Z0-9]{2,}")) {
                throw new IllegalStateException(name + ": '" + id + "' is not a Slack id; set it to " + what);
            }
        }
        return ids;
    }

    /** The table name, or an error naming the variable to set. */
    public String requireIncidentsTable() {
        return require(incidentsTable, INCIDENTS_TABLE, "the name of the incidents DynamoDB table");
    }

    public String requireApprovalsTable() {
        return require(approvalsTable, APPROVALS_TABLE, "the name of the approvals DynamoDB table");
    }

    public String requireStepQueueUrl() {
        return require(stepQueueUrl, STEP_QUEUE_URL, "the URL of the playbook step SQS queue");
    }

    public String requireSlackSecretId() {
        return require(slackSecretId, SLACK_SECRET_ID, "the id or ARN of the Secrets Manager secret holding the"
                + " Slack bot token and signing secret");
    }

    public String requireReportBucket() {
        return require(reportBucket, REPORT_BUCKET, "the name of the private S3 bucket reports are written to");
    }

    /** The report's time zone, or an error naming the variable and the bad value. */
    public java.time.ZoneId reportZone() {
        if (reportTimeZone == null || reportTimeZone.isBlank()) {
            return java.time.ZoneOffset.UTC;
        }
        try {
            return java.time.ZoneId.of(reportTimeZone.trim());
        } catch (java.time.DateTimeException e) {
            throw new IllegalStateException(REPORT_TIME_ZONE + ": '" + reportTimeZone
                    + "' is not a time zone; use an IANA name such as Europe/London", e);
        }
    }

    public String requireSlackChannel() {
        return require(slackChannel, SLACK_CHANNEL, "the Slack channel id (C…) of the on-call channel");
    }

    public Map<String, String> requirePlaybooks() {
        if (playbooks.isEmpty()) {
            throw new IllegalStateException(PLAYBOOKS + " is not set: set it to family=state machine ARN pairs, e.g."
                    + " security-group=arn:aws:states:…:stateMachine:portcullis-security-group-ingress");
        }
        return playbooks;
    }

    private static Map<String, String> playbooks(String value) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : list(value)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new IllegalStateException(PLAYBOOKS + ": '" + pair + "' is not family=state machine ARN");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return Map.copyOf(out);
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
