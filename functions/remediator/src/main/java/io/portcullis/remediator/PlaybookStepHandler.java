package io.portcullis.remediator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.portcullis.aws.AwsConnection;
import io.portcullis.playbook.PlaybookWorker;
import io.portcullis.playbook.StepOutcome;
import io.portcullis.playbook.StepRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Lambda entry point of the playbook worker: the step queue's SQS event-source mapping (with
 * {@code ReportBatchItemFailures}) delivers the steps the playbook executions send with their task tokens; each is
 * run and answered with {@code SendTaskSuccess} or {@code SendTaskFailure}. Retryable AWS and Slack errors answer
 * {@code Portcullis.Transient}, which the state machine retries with backoff; anything else fails the step, and the
 * state machine marks the incident FAILED and alerts. The task token is never logged.
 */
public final class PlaybookStepHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(PlaybookStepHandler.class);

    private final PlaybookWorker worker;
    private final Supplier<SfnClient> sfn;

    public PlaybookStepHandler() {
        this(AwsConnection.fromEnvironment(System.getenv()));
    }

    private PlaybookStepHandler(AwsConnection aws) {
        this(RemediatorFunction.build(System.getenv(), aws, java.time.Clock.systemUTC()), aws::sfn);
    }

    public PlaybookStepHandler(PlaybookWorker worker, Supplier<SfnClient> sfn) {
        this.worker = worker;
        SfnClient[] client = new SfnClient[1];
        this.sfn = () -> {
            synchronized (client) {
                if (client[0] == null) {
                    client[0] = sfn.get();
                }
                return client[0];
            }
        };
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        io.portcullis.logging.LogLines.forRequest(context == null ? null : context.getAwsRequestId());
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : records) {
            if (!handle(message)) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** True when the message is done with; false to have SQS deliver it again (and, in the end, dead-letter it). */
    private boolean handle(SQSEvent.SQSMessage message) {
        StringBuilder why = new StringBuilder();
        Optional<StepRequest> parsed = StepRequest.parse(message.getBody(), why);
        if (parsed.isEmpty()) {
            LOG.error("Message {} refused: {}; left for the dead-letter queue", message.getMessageId(), why);
            return false;
        }
        StepRequest request = parsed.get();
        StepOutcome outcome;
        try {
            outcome = worker.run(request);
        } catch (RuntimeException e) {
            boolean transientError = isTransient(e);
            LOG.warn("Step {} of incident {} failed ({}): {}", request.step(), request.incidentId(),
                    transientError ? "transient, the state machine retries" : "permanent", e.toString());
            outcome = new StepOutcome.Failed(transientError ? StepOutcome.TRANSIENT : StepOutcome.STEP_FAILED,
                    describe(e));
        }
        return answer(request, outcome);
    }

    private boolean answer(StepRequest request, StepOutcome outcome) {
        try {
            switch (outcome) {
                case StepOutcome.Done done -> {
                    sfn.get().sendTaskSuccess(r -> r.taskToken(request.taskToken()).output(done.output().toString()));
                    LOG.info("Step {} of incident {} done", request.step(), request.incidentId());
                }
                case StepOutcome.Failed failed -> {
                    if (request.taskToken() == null) {
                        LOG.error("{} of incident {} failed: {}", request.type(), request.incidentId(), failed.cause());
                        return !StepOutcome.TRANSIENT.equals(failed.error());
                    }
                    String cause = failed.cause() == null ? "" : failed.cause();
                    sfn.get().sendTaskFailure(r -> r.taskToken(request.taskToken()).error(failed.error())
                            .cause(cause.length() > 32_000 ? cause.substring(0, 32_000) : cause));
                    LOG.warn("Step {} of incident {} failed with {}: {}", request.step(), request.incidentId(),
                            failed.error(), cause);
                }
                case StepOutcome.Pending pending -> LOG.info("Step {} of incident {} waits for approval {}",
                        request.step(), request.incidentId(), pending.approvalId());
                case StepOutcome.Finished finished -> LOG.info("{} of incident {}: {}", request.type(),
                        request.incidentId(), finished.detail());
                // Not answered (the token is not the execution's, or the step is not its current one) and never
                // retried: a refused message must not block the queue. The worker logged it with its reason.
                case StepOutcome.Refused refused -> { }
            }
            return true;
        } catch (TaskTimedOutException | InvalidTokenException | TaskDoesNotExistException e) {
            // The execution moved on (timed out, or this is a redelivery of a step already answered).
            LOG.warn("Step {} of incident {}: its execution no longer waits ({})", request.step(), request.incidentId(),
                    e.getClass().getSimpleName());
            return true;
        } catch (SdkException e) {
            LOG.warn("Step {} of incident {}: could not answer the execution, SQS will redeliver: {}", request.step(),
                    request.incidentId(), e.getMessage());
            return false;
        }
    }

    /**
     * The cause a person reads on the FAILED incident and in the alert: for AWS errors the service, AWS's error code,
     * the HTTP status, AWS's message and how many attempts the SDK made, e.g. {@code Ec2 RequestLimitExceeded (HTTP
     * 503) after 4 attempts: Request limit exceeded.}; else the exception's type and message.
     */
    static String describe(Throwable e) {
        String attempts = e instanceof SdkException sdk && sdk.numAttempts() != null && sdk.numAttempts() > 1
                ? " after " + sdk.numAttempts() + " attempts" : "";
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                && aws.awsErrorDetails() != null) {
            var details = aws.awsErrorDetails();
            return details.serviceName() + " " + details.errorCode() + " (HTTP " + aws.statusCode() + ")" + attempts
                    + ": " + details.errorMessage();
        }
        return e.getClass().getSimpleName() + attempts + ": " + e.getMessage();
    }

    /** Throttling, 5xx, timeouts and network errors from AWS or Slack are worth retrying; the rest are not. */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof software.amazon.awssdk.core.exception.ApiCallTimeoutException
                    || t instanceof software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException) {
                return true;
            }
            if (t instanceof SdkException sdk && (sdk.retryable()
                    || (sdk instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                    && (aws.isThrottlingException() || aws.statusCode() >= 500)))) {
                return true;
            }
            if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException
                    || t.getClass().getSimpleName().equals("SlackRateLimited")) {
                return true;
            }
        }
        return false;
    }
}
