package io.portcullis.report.function;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.S3ReportStore;
import io.portcullis.aws.SlackSecrets;
import io.portcullis.exception.Exceptions;
import io.portcullis.json.Json;
import io.portcullis.protocol.Protocol;
import io.portcullis.report.PublishWeeklyReport;
import io.portcullis.slack.CurrentSlack;
import java.time.Clock;

/** The report function's composition root. */
public final class ReportFunction {

    private ReportFunction() {
    }

    public static PublishWeeklyReport build(FunctionSettings settings, AwsConnection aws, Clock clock) {
        String account = settings.accountId();
        if (account == null || account.isBlank()) {
            throw new IllegalStateException(FunctionSettings.ACCOUNT_ID + " is not set: the report is written only to a"
                    + " reports bucket this account owns; set it to this account's id (template.yaml sets"
                    + " !Ref AWS::AccountId)");
        }
        // The bot token is read on the first Slack call, never while the function initialises: no SnapStart snapshot
        // holds it, and a rotation takes effect after SlackSecrets.TTL without a new version.
        SlackSecrets secrets = SlackSecrets.of(aws, settings.requireSlackSecretId(), null, clock);
        return new PublishWeeklyReport(
                new DynamoDbIncidentStore(aws.dynamoDb(), settings.requireIncidentsTable(), Json.mapper()),
                new S3ReportStore(() -> aws.s3(aws.region()), aws.credentials(), aws::s3Presigner,
                        settings.requireReportBucket(), aws.region(), account, clock),
                new CurrentSlack(secrets::botToken, settings.requireSlackChannel(), settings.slackApiUrl()),
                Protocol.defaults().containWithin(), Exceptions.defaults().declared(), settings.reportZone(), clock);
    }
}
