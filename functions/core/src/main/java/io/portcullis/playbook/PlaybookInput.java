package io.portcullis.playbook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.protocol.ProtocolRow;
import io.portcullis.protocol.Response;
import io.portcullis.protocol.TimeoutAction;
import java.time.Duration;

/**
 * The input of a playbook execution: the incident, the protocol's response, the mode, and the approval gate's terms
 * from the protocol row that decided the incident ({@code approval}: time limit, timeout action, and for a scheduled
 * fix whether it is approved in advance and the least notice on-call gets before the window).
 */
public final class PlaybookInput {

    /** Used when no row sets a limit (a finding no row matched). */
    public static final Duration DEFAULT_APPROVAL = Duration.ofMinutes(60);

    private PlaybookInput() {
    }

    /** An approval gate's terms that are not a row's (the blast-radius breaker's, or a test's). */
    public static ObjectNode of(Incident incident, Duration approvalWithin, TimeoutAction onTimeout) {
        return of(incident, approvalWithin, onTimeout, false, ProtocolRow.DEFAULT_NOTICE);
    }

    /** The terms of the row that decided the incident; null when no row matched (on-call decides, P2). */
    public static ObjectNode of(Incident incident, ProtocolRow row) {
        if (row == null) {
            return of(incident, null, null);
        }
        return of(incident, row.approvalWithin(), row.onTimeout(), row.approvedInAdvance(),
                row.notice() == null ? ProtocolRow.DEFAULT_NOTICE : row.notice());
    }

    /**
     * @param inAdvance a scheduled fix approved in advance: the gate is skipped
     * @param notice    a scheduled fix's least time for on-call to decide before the window opens
     */
    public static ObjectNode of(Incident incident, Duration approvalWithin, TimeoutAction onTimeout,
                                boolean inAdvance, Duration notice) {
        ObjectNode input = Json.mapper().createObjectNode();
        input.put("incidentId", incident.incidentId());
        input.put("response", incident.response().label());
        input.put("priority", incident.priority().name());
        input.put("dryRun", incident.mode() == RemediationMode.DRY_RUN);
        ObjectNode approval = input.putObject("approval");
        // For a scheduled fix the gate's limit is worked out when the playbook asks (until the window opens).
        approval.put("timeoutSeconds", (approvalWithin == null ? DEFAULT_APPROVAL : approvalWithin).toSeconds());
        approval.put("onTimeout", (onTimeout == null ? TimeoutAction.ESCALATE : onTimeout).key());
        approval.put("inAdvance", incident.response() == Response.SCHEDULED && inAdvance);
        approval.put("noticeSeconds", (notice == null ? ProtocolRow.DEFAULT_NOTICE : notice).toSeconds());
        input.putObject("slack");
        // The approval gate's result ({"approvalId", "by", "at", "decision"}) lands here.
        input.putObject("decision");
        return input;
    }
}
