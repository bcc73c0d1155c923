package io.portcullis.approval;

import java.util.Optional;

/** Where approvals live. A decision is a conditional write: only one click can ever decide. */
public interface ApprovalStore {

    void create(Approval approval);

    Optional<Approval> find(String approvalId);

    /** Writes the decision if the approval is still PENDING at {@code decided.version() - 1}; false otherwise. */
    boolean decide(Approval decided);
}
