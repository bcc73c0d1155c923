package io.portcullis.approval;

import java.util.Optional;

/** Where approvals live. A decision is a conditional write: only one click can ever decide. */
public interface ApprovalStore {

    void create(Approval approval);

    Optional<Approval> find(String approvalId);

    /** Every approval and Undo offer of an incident. */
    java.util.List<Approval> ofIncident(String incidentId);

    /** The newest approval of an incident's gate that is still PENDING, if any (for the gate's time-out). */
    default Optional<Approval> pendingFor(String incidentId) {
        return ofIncident(incidentId).stream().filter(a -> !a.isUndo() && a.status() == ApprovalStatus.PENDING)
                .max(java.util.Comparator.comparing(Approval::expiresAt));
    }

    /** Records where the buttons were posted (no other field changes). */
    void posted(Approval approval);

    /** Writes the decision if the approval is still PENDING at {@code decided.version() - 1}; false otherwise. */
    boolean decide(Approval decided);
}
