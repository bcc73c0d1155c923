package io.portcullis.playbook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.protocol.TimeoutAction;
import java.time.Duration;

/**
 * The input of a playbook execution: the incident, the protocol's response, the mode, and the approval gate's time
 * limit and timeout action from the protocol row that decided the incident.
 */
public final class PlaybookInput {

    /** Used when the row sets no limit (auto rows whose playbook still asks, e.g. IAM). */
    public static final Duration DEFAULT_APPROVAL = Duration.ofMinutes(60);

    private PlaybookInput() {
    }

    public static ObjectNode of(Incident incident, Duration approvalWithin, TimeoutAction onTimeout) {
        ObjectNode input = Json.mapper().createObjectNode();
        input.put("incidentId", incident.incidentId());
        input.put("response", incident.response().label());
        input.put("priority", incident.priority().name());
        input.put("dryRun", incident.mode() == RemediationMode.DRY_RUN);
        ObjectNode approval = input.putObject("approval");
        approval.put("timeoutSeconds", (approvalWithin == null ? DEFAULT_APPROVAL : approvalWithin).toSeconds());
        approval.put("onTimeout", (onTimeout == null ? TimeoutAction.ESCALATE : onTimeout).key());
        input.putObject("slack");
        // The approval gate's result ({"approvalId", "by", "at", "decision"}) lands here.
        input.putObject("decision");
        return input;
    }
}
