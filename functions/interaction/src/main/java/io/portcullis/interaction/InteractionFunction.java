package io.portcullis.interaction;

import io.portcullis.approval.DecideApproval;
import io.portcullis.approval.RequestSignature;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbApprovalStore;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.SecretsManagerSlackCredentials;
import io.portcullis.aws.SfnWorkflowResumer;
import io.portcullis.aws.SlackCredentials;
import io.portcullis.aws.SqsUndoRequests;
import io.portcullis.json.Json;
import io.portcullis.slack.SlackNotifier;
import java.time.Clock;
import java.util.function.Supplier;

/** The Slack interaction function's composition root: built once per container, on the first request. */
public final class InteractionFunction {

    private InteractionFunction() {
    }

    public static DecideApproval build(FunctionSettings settings, AwsConnection aws, Clock clock) {
        SlackCredentials slack;
        try (var secrets = aws.secretsManager()) {
            slack = new SecretsManagerSlackCredentials(secrets, settings.requireSlackSecretId()).read();
        }
        // The channel is never used to post here: the interaction only edits messages it is told about.
        SlackNotifier notifier = SlackNotifier.create(slack.botToken(), "unused", settings.slackApiUrl());
        return new DecideApproval(new RequestSignature(slack.signingSecret()),
                new DynamoDbApprovalStore(aws.dynamoDb(), settings.requireApprovalsTable(), Json.mapper(),
                        io.portcullis.aws.KmsTokenSealer.of(settings, aws)),
                new SfnWorkflowResumer(aws.sfn()), clock)
                .withNotifier(notifier)
                .withUndo(new SqsUndoRequests(aws::sqs, settings.requireStepQueueUrl()));
    }

    static Supplier<DecideApproval> lazy(FunctionSettings settings, AwsConnection aws) {
        DecideApproval[] built = new DecideApproval[1];
        return () -> {
            synchronized (built) {
                if (built[0] == null) {
                    built[0] = build(settings, aws, Clock.systemUTC());
                }
                return built[0];
            }
        };
    }
}
