package io.portcullis.watchdog;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbSafeguards;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.SafeguardSettings;
import io.portcullis.aws.SecretsManagerSlackCredentials;
import io.portcullis.aws.SlackCredentials;
import io.portcullis.aws.SqsAlertQueue;
import io.portcullis.protocol.Accounts;
import io.portcullis.safeguard.FanOutPager;
import io.portcullis.safeguard.Pager;
import io.portcullis.safeguard.Safeguards;
import io.portcullis.safeguard.WatchFeeds;
import io.portcullis.slack.SlackNotifier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The watchdog's composition root: the silent-feed check, paging through the alert queue and Slack. */
public final class WatchdogFunction {

    private WatchdogFunction() {
    }

    /** From the function's environment variables ({@link FunctionSettings}, {@link SafeguardSettings}). */
    public static WatchFeeds build(Map<String, String> environment, AwsConnection aws, Clock clock) {
        FunctionSettings settings = FunctionSettings.fromEnvironment(environment);
        SafeguardSettings safeguards = SafeguardSettings.fromEnvironment(environment);
        SlackCredentials slack;
        try (var secrets = aws.secretsManager()) {
            slack = new SecretsManagerSlackCredentials(secrets, settings.requireSlackSecretId()).read();
        }
        SlackNotifier notifier = SlackNotifier.create(slack.botToken(), settings.requireSlackChannel(),
                settings.slackApiUrl());
        List<Pager> channels = new ArrayList<>();
        if (safeguards.alertQueueUrl() != null) {
            channels.add(new SqsAlertQueue(aws::sqs, safeguards.alertQueueUrl()));
        }
        channels.add(page -> notifier.alert(null, null, page.text()));
        return new WatchFeeds(new DynamoDbSafeguards(aws::dynamoDb, safeguards.requireSafeguardsTable()),
                new FanOutPager(channels), Safeguards.defaults().silentFeedAfter(),
                Accounts.defaults().environments().keySet(), clock);
    }
}
