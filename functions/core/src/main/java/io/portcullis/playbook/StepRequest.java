package io.portcullis.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import io.portcullis.notify.SlackThread;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One message on the step queue: a playbook step for the worker to run (sent by the state machine with its task
 * token), an Undo (sent by the Slack interaction endpoint, no token), or a page about an incident for the worker to
 * post in Slack (sent by the detector, no token: {@code {"type": "page", "incidentId", "kind", "text"}}).
 *
 * @param taskToken  the execution's task token; null for an Undo
 * @param execution  the execution ARN
 * @param incidentId the incident
 * @param playbook   the playbook's name
 * @param step       the state's name
 * @param type       snapshot, notify, approve, approval-window, wait-for-window, remediate, verify, resolve,
 *                   rejected, approval-timed-out, escalate, abort, fail, undo, or page
 * @param dryRun     the incident was detected in dry-run mode
 * @param body       the whole message (step parameters: action, snapshot, window, approvers, error, …)
 */
public record StepRequest(String taskToken, String execution, String incidentId, String playbook, String step,
                          String type, boolean dryRun, ObjectNode body) {

    /** The type of a page the detector asks the worker to post. */
    public static final String PAGE = "page";

    /** The message, or empty with why it is not one (logged; the message goes to the dead-letter queue). */
    public static Optional<StepRequest> parse(String json, StringBuilder why) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json == null ? "" : json);
        } catch (java.io.IOException e) {
            why.append("the body is not JSON");
            return Optional.empty();
        }
        if (!(root instanceof ObjectNode body)) {
            why.append("the body is not a JSON object");
            return Optional.empty();
        }
        String incident = body.path("incidentId").asText("");
        String type = body.path("type").asText("");
        if (!incident.startsWith("inc-") || type.isEmpty()) {
            why.append("the body has no incidentId (inc-…) or no type");
            return Optional.empty();
        }
        String token = body.path("taskToken").isTextual() ? body.path("taskToken").asText() : null;
        if (token == null && !"undo".equals(type) && !PAGE.equals(type)) {
            why.append("step ").append(type).append(" of ").append(incident).append(" has no taskToken");
            return Optional.empty();
        }
        return Optional.of(new StepRequest(token, body.path("execution").asText(null), incident,
                body.path("playbook").asText(""), body.path("step").asText(type), type,
                body.path("dryRun").asBoolean(false), body));
    }

    public String text(String field) {
        JsonNode v = body.path(field);
        return v.isTextual() ? v.asText() : null;
    }

    public Optional<SlackThread> slack() {
        JsonNode s = body.path("slack");
        return s.path("channel").isTextual() && s.path("ts").isTextual()
                ? Optional.of(new SlackThread(s.path("channel").asText(), s.path("ts").asText())) : Optional.empty();
    }

    public List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        body.path(field).forEach(v -> out.add(v.asText()));
        return out;
    }

    /** Never print the task token. */
    @Override
    public String toString() {
        return "StepRequest[" + incidentId + " " + playbook + "/" + step + " (" + type + ")]";
    }
}
