package io.portcullis.approval;

import java.util.Optional;

/** Where approvals live. A decision is a conditional write: only one click can ever decide. */
public interface ApprovalStore {

    void create(Approval approval);

    Optional<Approval> find(String approvalId);

    /** The newest approval of an incident's gate that is still PENDING, if any (for the gate's time-out). */
    Optional<Approval> pendingFor(String incidentId);

    /** Records where the buttons were posted (no other field changes). */
    void posted(Approval approval);

    /** Writes the decision if the approval is still PENDING at {@code decided.version() - 1}; false otherwise. */
    boolean decide(Approval decided);
}
