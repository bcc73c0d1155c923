package io.portcullis.playbook;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** How a step ended, for the execution: done (with output), failed (error and cause), or answered later. */
public sealed interface StepOutcome {

    /** {@code SendTaskSuccess} with this output. */
    record Done(ObjectNode output) implements StepOutcome {
    }

    /** {@code SendTaskFailure}: the state machine retries {@code Portcullis.Transient} and catches the rest. */
    record Failed(String error, String cause) implements StepOutcome {
    }

    /** The approval gate: someone in Slack answers (or the gate times out). */
    record Pending(String approvalId) implements StepOutcome {
    }

    /** An Undo: no execution waits for it. */
    record Finished(String detail) implements StepOutcome {
    }

    /**
     * The message was not acted on: it does not speak for its execution (forged, stale, or naming another incident's
     * execution). Nothing is answered: the message is dropped, never retried.
     */
    record Refused(String why) implements StepOutcome {
    }

    String TRANSIENT = "Portcullis.Transient";
    String REFUSED = "Portcullis.Refused";
    String STEP_FAILED = "Portcullis.StepFailed";
    String VERIFY_FAILED = "Portcullis.VerifyFailed";
}
