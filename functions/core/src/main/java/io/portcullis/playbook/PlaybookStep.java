package io.portcullis.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One step of a playbook.
 *
 * @param name      the state name in the execution history
 * @param type      snapshot, notify, approve, wait-for-window, remediate, verify or resolve
 * @param when      the protocol responses it runs for (empty: all)
 * @param users     approve: Slack user ids who may decide
 * @param group     approve: a Slack user group whose members may decide, or null
 * @param within    approve: the time limit, or null for the protocol row's
 * @param onTimeout approve: remediate, escalate, abort, or protocol (the row's)
 * @param window    wait-for-window: the low-tide window, else null
 * @param action    remediate: the registered action's key, else null
 * @param channel   notify: a Slack channel overriding the deployment's, or null
 */
public record PlaybookStep(String name, String type, List<String> when, List<String> users, String group,
                           Duration within, String onTimeout, Window window, String action, String channel) {

    public static final String SNAPSHOT = "snapshot";
    public static final String NOTIFY = "notify";
    public static final String APPROVE = "approve";
    public static final String WAIT_FOR_WINDOW = "wait-for-window";
    public static final String REMEDIATE = "remediate";
    public static final String VERIFY = "verify";
    public static final String RESOLVE = "resolve";

    public PlaybookStep {
        when = List.copyOf(when);
        users = List.copyOf(users);
    }

    static PlaybookStep fromTree(JsonNode s) {
        List<String> when = new ArrayList<>();
        s.path("when").forEach(w -> when.add(w.asText()));
        List<String> users = new ArrayList<>();
        s.path("approvers").path("users").forEach(u -> users.add(u.asText()));
        String group = s.path("approvers").path("group").isTextual() ? s.path("approvers").path("group").asText() : null;
        Duration within = s.path("within").isTextual() ? Duration.parse(s.path("within").asText()) : null;
        String onTimeout = s.path("onTimeout").asText("protocol");
        Window window = s.has("window") ? Window.fromTree(s.path("window")) : null;
        return new PlaybookStep(s.path("name").asText(), s.path("type").asText(), when, users, group, within,
                onTimeout, window, text(s, "action"), text(s, "channel"));
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.path(field).asText() : null;
    }

    public Optional<RemediationAction> remediationAction() {
        return action == null ? Optional.empty() : RemediationAction.byKey(action);
    }
}
