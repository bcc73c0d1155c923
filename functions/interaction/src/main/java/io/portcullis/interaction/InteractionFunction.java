package io.portcullis.interaction;

import io.portcullis.approval.DecideApproval;
import io.portcullis.approval.RequestSignature;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbApprovalStore;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.SfnWorkflowResumer;
import io.portcullis.aws.SlackSecrets;
import io.portcullis.aws.SqsUndoRequests;
import io.portcullis.json.Json;
import io.portcullis.notify.Notifier;
import io.portcullis.slack.SlackNotifier;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Slack interaction function's composition root. It reads no secret: the signing secret and the bot token are
 * read on first use ({@link SlackSecrets}), after a SnapStart restore, and re-read after their cache time.
 */
public final class InteractionFunction {

    private InteractionFunction() {
    }

    public static DecideApproval build(Map<String, String> environment, AwsConnection aws, Clock clock) {
        FunctionSettings settings = FunctionSettings.fromEnvironment(environment);
        SlackSecrets secrets = SlackSecrets.of(aws, settings.requireSlackSecretId(),
                environment.get(SlackSecrets.SIGNING_SECRET_ID), clock);
        return build(settings, secrets, aws, clock);
    }

    static DecideApproval build(FunctionSettings settings, SlackSecrets secrets, AwsConnection aws, Clock clock) {
        String apiUrl = settings.slackApiUrl();
        return new DecideApproval(new RequestSignature(secrets::signingSecret),
                new DynamoDbApprovalStore(aws.dynamoDb(), settings.requireApprovalsTable(), Json.mapper(),
                        io.portcullis.aws.KmsTokenSealer.of(settings, aws)),
                new SfnWorkflowResumer(aws.sfn()), clock)
                .withNotifier(notifier(secrets, apiUrl))
                .withUndo(new SqsUndoRequests(aws::sqs, settings.requireStepQueueUrl()));
    }

    /** A Slack client for the bot token as it is now: made again only when a rotation changed the token. */
    private static Supplier<Notifier> notifier(SlackSecrets secrets, String apiUrl) {
        Object[] current = new Object[2];
        return () -> {
            String token = secrets.botToken();
            synchronized (current) {
                if (!token.equals(current[0])) {
                    // The channel is never used to post here: the interaction only edits messages it is told about.
                    current[1] = SlackNotifier.create(token, "unused", apiUrl);
                    current[0] = token;
                }
                return (Notifier) current[1];
            }
        };
    }

    static Supplier<DecideApproval> lazy(Map<String, String> environment, AwsConnection aws) {
        DecideApproval[] built = new DecideApproval[1];
        return () -> {
            synchronized (built) {
                if (built[0] == null) {
                    built[0] = build(environment, aws, Clock.systemUTC());
                }
                return built[0];
            }
        };
    }
}
