package io.portcullis.detection;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A CloudTrail call that writes or deletes a kill switch's SSM parameter: the global one, or an account's own
 * ({@code <global name>/<account id>}). Whoever may write the global parameter can turn enforcement off for every
 * account at once, and an account's for that account, so each such call pages on-call with who made it, when, and
 * which account the switch governs.
 *
 * <p>{@code LabelParameterVersion} is not one of them: the switch is read by name, never by label, so a label moves
 * nothing the detector or the worker reads.
 */
final class KillSwitchChange {

    static final Set<String> CALLS = Set.of("PutParameter", "DeleteParameter", "DeleteParameters");
    /** What CloudTrail records instead of a value it keeps out of the trail (PutParameter's value is one). */
    static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

    /** A switch the call wrote or deleted: its name as the call gave it, and the account it governs (null: all). */
    record Target(String parameter, String account) {
    }

    private KillSwitchChange() {
    }

    /** Whether the change is a write or deletion of {@code parameter} or of an account's switch beside it. */
    static boolean concerns(Change change, String parameter) {
        return !targets(change, parameter).isEmpty();
    }

    /** The switches the change wrote or deleted (named by name or ARN), the global one first. */
    static List<Target> targets(Change change, String parameter) {
        if (!"ssm.amazonaws.com".equals(change.eventSource()) || !CALLS.contains(change.eventName())) {
            return List.of();
        }
        String global = normalised(parameter);
        List<Target> out = new ArrayList<>();
        for (String name : names(change.request())) {
            String n = normalised(name);
            if (n.equals(global)) {
                out.add(0, new Target(global, null));
            } else if (n.startsWith(global + "/")
                    && io.portcullis.safeguard.KillSwitch.ACCOUNT_ID.matcher(n.substring(global.length() + 1))
                            .matches()) {
                out.add(new Target(n, n.substring(global.length() + 1)));
            }
        }
        return out;
    }

    /** The page: what happened to each switch, who did it, when, and what it means. */
    static String describe(Change change, String parameter) {
        return targets(change, parameter).stream().map(t -> describe(change, t))
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static String describe(Change change, Target target) {
        String who = (change.actor().principalArn() == null ? "an unknown caller" : change.actor().principalArn())
                + " (" + (change.actor().type() == null ? "unknown identity type" : change.actor().type())
                + (change.actor().sourceIp() == null ? "" : ", from " + change.actor().sourceIp()) + ")";
        String when = " at " + change.eventTime() + " (event " + change.eventId() + ").";
        String parameter = target.parameter();
        String account = target.account();
        String name = account == null ? "Kill switch " + parameter
                : "Kill switch " + parameter + " of account " + account + " alone";
        String blind = " If nobody on-call meant this, treat it as an attempt to blind Portcullis"
                + (account == null ? "." : " in that account.");
        if (!"PutParameter".equals(change.eventName())) {
            return account == null
                    ? name + " was deleted by " + who + when + " A missing switch reads as dry-run: Portcullis changes"
                            + " nothing until it is created again with enforce." + blind
                    : name + " was deleted by " + who + when + " Account " + account + " follows the global kill"
                            + " switch again. If nobody on-call meant this, check why the account's own switch was"
                            + " taken away.";
        }
        String value = change.request().path("value").asText("").trim();
        String what = value.isEmpty() || value.equals(HIDDEN)
                ? " was overwritten by " + who + when + " CloudTrail does not record the new value: read it with"
                        + " aws ssm get-parameter --name " + parameter + "."
                : " was set to '" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "' by " + who + when;
        return name + what + (account == null
                ? " Set to dry-run, Portcullis changes nothing in any account."
                : " Set to dry-run, Portcullis changes nothing in account " + account + "; set to enforce, the account"
                        + " follows the global kill switch.") + blind;
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
