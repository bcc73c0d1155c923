package io.portcullis.watchdog;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.CloudTrailInventory;
import io.portcullis.aws.DynamoDbSafeguards;
import io.portcullis.aws.Ec2FlowLogInventory;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.IamInlinePolicyInventory;
import io.portcullis.aws.InventorySettings;
import io.portcullis.aws.S3EncryptionInventory;
import io.portcullis.aws.SafeguardSettings;
import io.portcullis.aws.SecurityGroupInventory;
import io.portcullis.aws.SlackSecrets;
import io.portcullis.aws.SqsAlertQueue;
import io.portcullis.inventory.InventorySource;
import io.portcullis.inventory.TakeInventory;
import io.portcullis.protocol.Accounts;
import io.portcullis.safeguard.FanOutPager;
import io.portcullis.safeguard.Pager;
import io.portcullis.safeguard.Safeguards;
import io.portcullis.safeguard.WatchFeeds;
import io.portcullis.slack.CurrentSlack;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The watchdog's composition root: the silent-feed check, paging through the alert queue and Slack, and the
 * inventory sweep (when {@code PORTCULLIS_INVENTORY_TABLE} is set).
 */
public final class WatchdogFunction {

    private WatchdogFunction() {
    }

    /**
     * What the watchdog runs.
     *
     * @param feeds     the silent-feed check
     * @param inventory the inventory sweep, or null when no inventory table is set
     * @param clock     the watchdog's clock (which share of the buckets a run reads)
     */
    public record Checks(WatchFeeds feeds, TakeInventory inventory, Clock clock) {
    }

    /**
     * From the function's environment variables ({@link FunctionSettings}, {@link SafeguardSettings},
     * {@link InventorySettings}).
     */
    public static Checks build(Map<String, String> environment, AwsConnection aws, Clock clock) {
        FunctionSettings settings = FunctionSettings.fromEnvironment(environment);
        SafeguardSettings safeguards = SafeguardSettings.fromEnvironment(environment);
        // The bot token is read on the first page to Slack, never while the function initialises: no SnapStart
        // snapshot holds it, and a rotation takes effect after SlackSecrets.TTL without a new version.
        SlackSecrets secrets = SlackSecrets.of(aws, settings.requireSlackSecretId(), null, clock);
        CurrentSlack notifier = new CurrentSlack(secrets::botToken, settings.requireSlackChannel(),
                settings.slackApiUrl());
        List<Pager> channels = new ArrayList<>();
        if (safeguards.alertQueueUrl() != null) {
            channels.add(new SqsAlertQueue(aws::sqs, safeguards.alertQueueUrl()));
        }
        channels.add(page -> notifier.alert(null, null, page.text()));
        WatchFeeds feeds = new WatchFeeds(new DynamoDbSafeguards(aws::dynamoDb, safeguards.requireSafeguardsTable()),
                new FanOutPager(channels), Safeguards.defaults().silentFeedAfter(),
                Accounts.defaults().ids(), clock);
        return new Checks(feeds, inventory(environment, settings, aws, clock), clock);
    }

    /** Every kind the inventory keeps, cheapest first: buckets cost a call each, so they come last. */
    private static TakeInventory inventory(Map<String, String> environment, FunctionSettings settings,
                                           AwsConnection aws, Clock clock) {
        InventorySettings inventory = InventorySettings.fromEnvironment(environment);
        if (!inventory.enabled()) {
            return null;
        }
        String account = settings.accountId();
        if (account == null || account.isBlank()) {
            throw new IllegalStateException(FunctionSettings.ACCOUNT_ID + " is not set: the inventory names"
                    + " resources by their ARN; set it to this account's id (template.yaml sets !Ref AWS::AccountId)");
        }
        String region = aws.region().id();
        Map<String, InventorySource> sources = new LinkedHashMap<>();
        sources.put("flow logs", new Ec2FlowLogInventory(aws::ec2, account, region, clock));
        sources.put("trails", new CloudTrailInventory(aws::cloudTrail, account, region, clock));
        sources.put("security groups", new SecurityGroupInventory(aws::ec2, account, region, clock));
        sources.put("IAM inline policies", new IamInlinePolicyInventory(aws::iam, account, clock));
        sources.put("buckets", new S3EncryptionInventory(aws::s3, account, clock));
        return new TakeInventory(sources, inventory.store(aws));
    }
}
