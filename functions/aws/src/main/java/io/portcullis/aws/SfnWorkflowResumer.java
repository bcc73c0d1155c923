package io.portcullis.aws;

import io.portcullis.approval.WorkflowResumer;
import software.amazon.awssdk.services.sfn.SfnClient;

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
        sfn.sendTaskSuccess(r -> r.taskToken(taskToken).output(outputJson));
    }

    @Override
    public void reject(String taskToken, String reason) {
        // Step Functions limits cause to 32,768 characters; a Slack input is far shorter, but never trust that.
        String cause = reason.length() > 32_000 ? reason.substring(0, 32_000) : reason;
        sfn.sendTaskFailure(r -> r.taskToken(taskToken).error(REJECTED).cause(cause));
    }
}
