package io.portcullis.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A CloudTrail call that writes or deletes the kill switch's SSM parameter. Whoever may write that parameter can turn
 * enforcement off for every account at once, so each such call pages on-call with who made it and when.
 *
 * <p>{@code LabelParameterVersion} is not one of them: the switch is read by name, never by label, so a label moves
 * nothing the detector or the worker reads.
 */
final class KillSwitchChange {

    static final Set<String> CALLS = Set.of("PutParameter", "DeleteParameter", "DeleteParameters");
    /** What CloudTrail records instead of a value it keeps out of the trail (PutParameter's value is one). */
    static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

    private KillSwitchChange() {
    }

    /** Whether the change is a write or deletion of {@code parameter} (named by name or ARN). */
    static boolean concerns(Change change, String parameter) {
        if (!"ssm.amazonaws.com".equals(change.eventSource()) || !CALLS.contains(change.eventName())) {
            return false;
        }
        return names(change.request()).stream().anyMatch(n -> normalised(n).equals(normalised(parameter)));
    }

    /** The page: what happened to the switch, who did it, when, and what it means. */
    static String describe(Change change, String parameter) {
        String who = (change.actor().principalArn() == null ? "an unknown caller" : change.actor().principalArn())
                + " (" + (change.actor().type() == null ? "unknown identity type" : change.actor().type())
                + (change.actor().sourceIp() == null ? "" : ", from " + change.actor().sourceIp()) + ")";
        String when = " at " + change.eventTime() + " (event " + change.eventId() + ").";
        if (!"PutParameter".equals(change.eventName())) {
            return "Kill switch " + parameter + " was deleted by " + who + when + " A missing switch reads as dry-run:"
                    + " Portcullis changes nothing until it is created again with enforce. If nobody on-call meant"
                    + " this, treat it as an attempt to blind Portcullis.";
        }
        String value = change.request().path("value").asText("").trim();
        String what = value.isEmpty() || value.equals(HIDDEN)
                ? " was overwritten by " + who + when + " CloudTrail does not record the new value: read it with"
                        + " aws ssm get-parameter --name " + parameter + "."
                : " was set to '" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "' by " + who + when;
        return "Kill switch " + parameter + what + " Set to dry-run, Portcullis changes nothing in any account. If"
                + " nobody on-call meant this, treat it as an attempt to blind Portcullis.";
    }

    private static List<String> names(JsonNode request) {
        List<String> out = new ArrayList<>();
        if (request.path("name").isTextual()) {
            out.add(request.path("name").asText());
        }
        request.path("names").forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * A parameter's name as SSM resolves it: the ARN's part after {@code :parameter}, and with the leading slash a
     * top-level name may be written without.
     */
    private static String normalised(String name) {
        String n = name.trim();
        int at = n.startsWith("arn:") ? n.indexOf(":parameter/") : -1;
        if (at >= 0) {
            n = n.substring(at + ":parameter".length());
        }
        return n.startsWith("/") ? n : "/" + n;
    }
}
