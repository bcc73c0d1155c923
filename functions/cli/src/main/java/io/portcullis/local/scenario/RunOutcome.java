package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import java.util.List;

/**
 * Everything one replayed sample led to: the detector's answer, the incident as it ended, its execution, the actions
 * that changed the resource, the clicks made, what Slack and the pager received, and the resource's state before the
 * change, after it, at the end and (after Undo) once more.
 *
 * @param sample       the sample file, relative to the repository when it is inside it
 * @param change       the event's call, or the Config event ({@link SampleEvent#change})
 * @param resource     the sandbox resource, for people
 * @param detector     the detector's answer
 * @param incident     the incident as it ended, or null when none was opened
 * @param execution    its playbook execution, or null when none started
 * @param actions      the remediate steps that changed (or, in dry-run, would have changed) the resource
 * @param clicks       the Slack buttons clicked, with the interaction endpoint's answer
 * @param undoWanted   whether this run was to click Undo after a fix
 * @param undoOffered  whether an Undo button was posted for the incident
 * @param slack        the Slack messages about the incident, in order
 * @param pages        the alert queue's messages about the incident
 * @param before       the resource before the change
 * @param after        right after the change (what the detector judged)
 * @param end          when the run ended
 * @param fixed        what it must read as once fixed ({@link Scenario#fixed})
 * @param afterUndo    after Undo, or null when Undo was not clicked
 */
public record RunOutcome(String sample, String change, String resource, JsonNode detector, Incident incident,
                         LocalRuntime.Execution execution, List<Action> actions, List<Click> clicks, boolean undoWanted,
                         boolean undoOffered, List<SlackMessage> slack, List<JsonNode> pages, ObjectNode before,
                         ObjectNode after, ObjectNode end, ObjectNode fixed, ObjectNode afterUndo) {

    /** A remediate step's result: {@code changed}, or {@code would_change} in dry-run. */
    public record Action(String step, String action, String result, String detail) {
    }

    /** A click on a Slack button (approve, reject, undo) by a user, and the HTTP status the endpoint answered. */
    public record Click(String button, String by, int status) {
    }

    /**
     * A Slack Web API call about the incident: {@code announce}, {@code approval}, {@code undo-offer}, {@code alert},
     * {@code reply} or {@code update} (a message's buttons replaced by the outcome).
     */
    public record SlackMessage(String channel, String kind, String text) {
    }

    /** The summary {@code ./portcullis demo --json} prints: one object. */
    public ObjectNode toJson(Closure.Verdict verdict) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("sample", sample);
        out.put("change", change);
        out.put("resource", resource);
        out.set("detector", detector);
        if (incident != null) {
            out.put("incidentId", incident.incidentId());
            out.put("priority", incident.priority().name());
            out.put("response", incident.response().label());
            out.putObject("protocolRow").put("row", incident.decision().row()).put("name", incident.decision().rowName());
            out.put("status", incident.status().name());
            out.put("resolution", incident.resolution() == null ? null : incident.resolution().name());
        } else {
            out.putNull("incidentId");
        }
        out.put("executionStatus", execution == null || execution.status() == null ? null : execution.status().toString());
        if (execution != null) {
            ArrayNode states = out.putArray("executionStates");
            execution.states().forEach(states::add);
        }
        ArrayNode taken = out.putArray("actionsTaken");
        actions.forEach(a -> taken.addObject().put("step", a.step()).put("action", a.action()).put("result", a.result())
                .put("detail", a.detail()));
        ArrayNode clicked = out.putArray("clicks");
        clicks.forEach(c -> clicked.addObject().put("button", c.button()).put("by", c.by()).put("status", c.status()));
        out.put("undoOffered", undoOffered);
        ArrayNode messages = out.putArray("slackMessages");
        slack.forEach(m -> messages.addObject().put("channel", m.channel()).put("kind", m.kind()).put("text", m.text()));
        ArrayNode paged = out.putArray("pages");
        pages.forEach(paged::add);
        ObjectNode state = out.putObject("state");
        state.set("beforeChange", before);
        state.set("afterChange", after);
        state.set("atEnd", end);
        if (afterUndo != null) {
            state.set("afterUndo", afterUndo);
        }
        out.putObject("closure").put("met", verdict.met()).put("outcome", verdict.outcome()).put("why", verdict.why());
        return out;
    }
}
