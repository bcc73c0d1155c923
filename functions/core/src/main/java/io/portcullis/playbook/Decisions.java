package io.portcullis.playbook;

import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.incident.Incident;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where a step finds a decision made in Slack: in the approvals table, never in the message. The interaction endpoint
 * claims the approval with the decision (conditionally, once) before it resumes the execution, and records it as
 * APPROVED or REJECTED only once the resume took effect; so the execution's next step may arrive while the approval is
 * still PENDING with that claim, and the claim is then the decision. A decision the table holds neither way was never
 * made.
 */
final class Decisions {

    private Decisions() {
    }

    /**
     * The incident's gate approval with {@code status}: the one {@code approvalId} names when it is that incident's and
     * has that status, else the latest such of the incident; empty when there is none.
     */
    static Optional<Approval> of(StepContext context, Incident incident, String approvalId, ApprovalStatus status) {
        if (approvalId != null && !approvalId.isBlank()) {
            Optional<Approval> named = context.approvals.find(approvalId).map(Decisions::effective)
                    .filter(a -> decides(a, incident, status));
            if (named.isPresent()) {
                return named;
            }
        }
        return context.approvals.ofIncident(incident.incidentId()).stream().map(Decisions::effective)
                .filter(a -> decides(a, incident, status))
                .max(Comparator.comparing(a -> a.decidedAt() == null ? a.expiresAt() : a.decidedAt()));
    }

    /** A PENDING approval claimed with a decision, as that decision; any other as it is. */
    static Approval effective(Approval a) {
        Approval.Resuming claim = a.resuming();
        return a.status() == ApprovalStatus.PENDING && claim != null && claim.status() != null
                ? a.decided(claim.status(), claim.by(), claim.at(), claim.reason()) : a;
    }

    private static boolean decides(Approval a, Incident incident, ApprovalStatus status) {
        return !a.isUndo() && a.status() == status && incident.incidentId().equals(a.incidentId())
                && (status != ApprovalStatus.APPROVED && status != ApprovalStatus.REJECTED || a.decidedBy() != null);
    }
}
