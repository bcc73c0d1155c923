package io.portcullis.approval;

/** Resumes the playbook execution waiting at an approval gate (Step Functions {@code SendTaskSuccess/Failure}). */
public interface WorkflowResumer {

    /** @param outputJson the gate's result, e.g. {@code {"decision":"approved","by":"U123"}} */
    void approve(String taskToken, String outputJson);

    /** @param causeJson what the gate's Catch receives as Cause: {"approvalId", "by", "at", "reason"} */
    void reject(String taskToken, String causeJson);

    /**
     * The execution no longer waits on this token: it was resumed already (an earlier attempt of this decision took
     * effect), timed out, or was stopped. Any other failure may be transient and the click can be retried.
     */
    final class NotWaiting extends RuntimeException {
        public NotWaiting(String why) {
            super(why);
        }
    }
}
