package io.portcullis.aws;

import io.portcullis.approval.WorkflowResumer;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** Resumes a Step Functions execution waiting on a task token: {@code SendTaskSuccess} or {@code SendTaskFailure}. */
public final class SfnWorkflowResumer implements WorkflowResumer {

    /** The error name a rejection carries into the execution, for its Catch. */
    public static final String REJECTED = "Portcullis.Rejected";

    private final SfnClient sfn;

    public SfnWorkflowResumer(SfnClient sfn) {
        this.sfn = sfn;
    }

    @Override
    public void approve(String taskToken, String outputJson) {
        try {
            sfn.sendTaskSuccess(r -> r.taskToken(taskToken).output(outputJson));
        } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException e) {
            throw notWaiting(e);
        }
    }

    @Override
    public void reject(String taskToken, String reason) {
        // Step Functions limits cause to 32,768 characters; a Slack input is far shorter, but never trust that.
        String cause = reason.length() > 32_000 ? reason.substring(0, 32_000) : reason;
        try {
            sfn.sendTaskFailure(r -> r.taskToken(taskToken).error(REJECTED).cause(cause));
        } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException e) {
            throw notWaiting(e);
        }
    }

    /** The error code only: Step Functions' message may quote the token. */
    private static WorkflowResumer.NotWaiting notWaiting(SfnException e) {
        return new WorkflowResumer.NotWaiting(e.awsErrorDetails() == null ? e.getClass().getSimpleName()
                : e.awsErrorDetails().errorCode());
    }
}
