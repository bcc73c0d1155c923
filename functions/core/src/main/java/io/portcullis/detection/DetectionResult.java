package io.portcullis.detection;

import io.portcullis.incident.Incident;

/** What the detector did with one event. */
public sealed interface DetectionResult {

    /** Short machine-readable outcome, also the handler's answer. */
    String outcome();

    /** The event could not be read; nothing was evaluated or changed. */
    record Refused(String eventRef, String reason) implements DetectionResult {
        public String outcome() {
            return "refused";
        }
    }

    /** The event was read and deliberately not judged (failed call, own change, unsupported call). */
    record Ignored(String eventId, String reason) implements DetectionResult {
        public String outcome() {
            return "ignored";
        }
    }

    /** The kill switch was changed (or deleted): on-call was paged with who, what and when. Nothing is judged. */
    record KillSwitchChanged(String eventId, String actor, String page) implements DetectionResult {
        public String outcome() {
            return "kill-switch-changed";
        }
    }

    /** Judged, and nothing is wrong. */
    record Compliant(String eventId) implements DetectionResult {
        public String outcome() {
            return "compliant";
        }
    }

    /** The incident for this event already exists: a redelivery. Nothing new was recorded or queued. */
    record Duplicate(String incidentId) implements DetectionResult {
        public String outcome() {
            return "duplicate";
        }
    }

    /** Another event about a problem an open incident holds: attached to it (counted, on its timeline). */
    record Attached(String incidentId, String eventId) implements DetectionResult {
        public String outcome() {
            return "attached-to-open-incident";
        }
    }

    /** A new incident was recorded; {@code queued} when the protocol sent it straight to remediation. */
    record Opened(Incident incident, boolean queued) implements DetectionResult {
        public String outcome() {
            return "incident-opened";
        }
    }
}
