package io.portcullis.testing;

import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.approval.ApprovalStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The approvals port in memory, with the adapter's single-decision rule. */
public final class InMemoryApprovals implements ApprovalStore {
    private final Map<String, Approval> approvals = new ConcurrentHashMap<>();

    @Override
    public void create(Approval approval) {
        if (approvals.putIfAbsent(approval.approvalId(), approval) != null) {
            throw new IllegalStateException("approval " + approval.approvalId() + " exists");
        }
    }

    @Override
    public Optional<Approval> find(String approvalId) {
        return Optional.ofNullable(approvals.get(approvalId));
    }

    @Override
    public java.util.List<Approval> ofIncident(String incidentId) {
        return approvals.values().stream().filter(a -> a.incidentId().equals(incidentId)).toList();
    }

    @Override
    public void posted(Approval approval) {
        approvals.put(approval.approvalId(), approval);
    }

    @Override
    public synchronized boolean decide(Approval decided) {
        Approval current = approvals.get(decided.approvalId());
        if (current == null || current.status() != ApprovalStatus.PENDING || current.version() != decided.version() - 1) {
            return false;
        }
        approvals.put(decided.approvalId(), decided);
        return true;
    }
}
