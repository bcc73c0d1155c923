package io.portcullis.approval;

/**
 * Keeps a Step Functions task token unreadable at rest: whoever can read the approvals table could otherwise complete
 * any gate with it ({@code states:SendTaskSuccess} cannot be scoped to an execution). A token is sealed for one
 * approval of one incident and opens only for that same pair, so a sealed token copied onto another approval's row is
 * useless too. In AWS a KMS key that only the worker and the interaction function may use.
 */
public interface TokenSealer {

    /** The token, sealed for this approval of this incident (text that can be stored as it is). */
    String seal(String taskToken, String incidentId, String approvalId);

    /**
     * The token sealed for this approval of this incident.
     *
     * @throws Unopenable when it was sealed for another approval or incident, or is not a sealed token at all
     */
    String open(String sealed, String incidentId, String approvalId);

    /** A sealed token that cannot be opened for the approval it is stored on. */
    final class Unopenable extends RuntimeException {
        public Unopenable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
