package io.portcullis.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One step of a playbook. Who may approve, the gate's time limit and its timeout action are not here: the first two
 * come from the deployment and the protocol row of each incident, so every playbook's gate means the same.
 *
 * @param name      the state name in the execution history
 * @param type      snapshot, notify, approve, wait-for-window, remediate, verify or resolve
 * @param when      the protocol responses it runs for (empty: all)
 * @param window    wait-for-window: the low-tide window, else null
 * @param action    remediate: the registered action's key, else null
 */
public record PlaybookStep(String name, String type, List<String> when, Window window, String action) {

    public static final String SNAPSHOT = "snapshot";
    public static final String NOTIFY = "notify";
    public static final String APPROVE = "approve";
    public static final String WAIT_FOR_WINDOW = "wait-for-window";
    public static final String REMEDIATE = "remediate";
    public static final String VERIFY = "verify";
    public static final String RESOLVE = "resolve";

    public PlaybookStep {
        when = List.copyOf(when);
    }

    /** A step the compiler adds around a playbook's own (rejection, time-out, MarkFailed, …). */
    static PlaybookStep internal(String name, String type) {
        return new PlaybookStep(name, type, List.of(), null, null);
    }

    static PlaybookStep fromTree(JsonNode s) {
        List<String> when = new ArrayList<>();
        s.path("when").forEach(w -> when.add(w.asText()));
        Window window = s.has("window") ? Window.fromTree(s.path("window")) : null;
        return new PlaybookStep(s.path("name").asText(), s.path("type").asText(), when, window, text(s, "action"));
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.path(field).asText() : null;
    }

    /** Whether the step runs for an incident with this response. */
    public boolean runsFor(Response response) {
        return when.isEmpty() || when.contains(response.label());
    }

    public Optional<RemediationAction> remediationAction() {
        return action == null ? Optional.empty() : RemediationAction.byKey(action);
    }
}
