package io.portcullis.remediation;

import io.portcullis.incident.Incident;

/** What one remediation attempt did. */
public sealed interface RemediationResult {

    String outcome();

    /** The incident reached a final state in this attempt (resolved, dry-run or failed). */
    record Finished(Incident incident) implements RemediationResult {
        public String outcome() {
            return incident.status().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Nothing to do: the incident was already final, or is not one this worker handles. */
    record Skipped(String incidentId, String reason) implements RemediationResult {
        public String outcome() {
            return "skipped";
        }
    }

    /** Another worker holds the incident right now; try again later. */
    record Busy(String incidentId) implements RemediationResult {
        public String outcome() {
            return "busy";
        }
    }
}
