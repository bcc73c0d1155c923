package io.portcullis.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.playbook.Playbook;
import io.portcullis.playbook.ProtocolCoverage;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.protocol.Protocol;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * What a playbook's schema cannot say well: which fields belong to which step type (and where retired ones went),
 * that actions are registered and serve the playbook's family, that names are unique, that time zones exist, that
 * the order makes sense (remediate, then verify, and resolve last), and that it honours the protocol.
 */
final class PlaybookChecks {

    /** Type-specific fields and the step type they belong to. */
    static final Map<String, String> FIELD_TYPES = Map.of("window", "wait-for-window", "action", "remediate");

    /**
     * Fields playbooks no longer carry, and where their setting lives now: Slack ids are a workspace's, so the
     * deployment's; a gate's time limit and timeout action are the incident's protocol row's, so every family's gate
     * means the same.
     */
    static final Map<String, String> RETIRED = Map.of(
            "approvers", "a playbook names no Slack ids: it is deployed to every workspace, and a wrong id would only"
                    + " fail at the gate; remove it and set the stack's SlackApproverGroup or SlackApprovers",
            "channel", "a playbook names no Slack ids: the on-call channel is the stack's SlackChannelId; remove it",
            "within", "the gate's time limit is the incident's protocol row's (approval.within in"
                    + " functions/policy/protocol.yaml); remove it",
            "onTimeout", "what happens when nobody decides is the incident's protocol row's (approval.onTimeout in"
                    + " functions/policy/protocol.yaml); remove it");

    private PlaybookChecks() {
    }

    /**
     * The protocol's side (see {@link ProtocolCoverage}): refused when the playbook cannot honour a response the
     * protocol can give its family. A playbook too broken to read is left to the other checks.
     */
    static List<Problem> coverage(Path file, JsonNode playbook, Protocol protocol, ToIntFunction<String> lineOf) {
        Playbook parsed;
        try {
            parsed = Playbook.fromTree(playbook);
        } catch (RuntimeException e) {
            return List.of();
        }
        return ProtocolCoverage.check(parsed, protocol).stream()
                .map(g -> problem(file, lineOf, g.pointer(), g.message())).toList();
    }

    static List<Problem> check(Path file, JsonNode playbook, ToIntFunction<String> lineOf) {
        List<Problem> out = new ArrayList<>();
        JsonNode steps = playbook.path("steps");
        String family = playbook.path("family").asText();
        Set<String> names = new HashSet<>();
        int lastRemediate = -1;
        int lastVerify = -1;
        for (int i = 0; i < steps.size(); i++) {
            JsonNode step = steps.get(i);
            String at = "/steps/" + i;
            String type = step.path("type").asText();
            String name = step.path("name").asText();
            if (!names.add(name)) {
                out.add(problem(file, lineOf, at + "/name", "step name '" + name + "' is used twice; state names must be unique"));
            }
            RETIRED.forEach((field, why) -> {
                if (step.has(field)) {
                    out.add(problem(file, lineOf, at + "/" + field, why));
                }
            });
            FIELD_TYPES.forEach((field, owner) -> {
                if (step.has(field) && !owner.equals(type)) {
                    out.add(problem(file, lineOf, at + "/" + field, "'" + field + "' belongs to " + owner
                            + " steps, not " + type + "; remove it"));
                }
            });
            if (type.equals("remediate")) {
                lastRemediate = i;
                String key = step.path("action").asText();
                var action = RemediationAction.byKey(key);
                if (action.isEmpty()) {
                    out.add(problem(file, lineOf, at + "/action", "no action '" + key + "' is registered; use one of "
                            + String.join(", ", java.util.Arrays.stream(RemediationAction.values()).map(RemediationAction::key).toList())));
                } else if (!action.get().family().key().equals(family)) {
                    out.add(problem(file, lineOf, at + "/action", "'" + key + "' remediates " + action.get().family().key()
                            + " findings, but this playbook handles " + family));
                }
            }
            if (type.equals("verify")) {
                lastVerify = i;
            }
            if (type.equals("wait-for-window")) {
                String zone = step.path("window").path("timeZone").asText();
                try {
                    ZoneId.of(zone);
                } catch (DateTimeException e) {
                    out.add(problem(file, lineOf, at + "/window/timeZone", "'" + zone
                            + "' is not a time zone; use an IANA name such as Europe/London"));
                }
            }
        }
        if (steps.isArray() && !steps.isEmpty()) {
            if (lastRemediate < 0) {
                out.add(problem(file, lineOf, "/steps", "no remediate step: a playbook must undo something"));
            } else if (lastVerify < lastRemediate) {
                out.add(problem(file, lineOf, "/steps", "no verify step after the last remediate step: every change"
                        + " Portcullis makes is checked by re-reading the live state"));
            }
            if (!"resolve".equals(steps.get(steps.size() - 1).path("type").asText())) {
                out.add(problem(file, lineOf, "/steps/" + (steps.size() - 1), "the last step must be of type resolve"));
            }
        }
        return out;
    }

    private static Problem problem(Path file, ToIntFunction<String> lineOf, String pointer, String message) {
        return new Problem(file, lineOf.applyAsInt(pointer), PolicyValidator.fieldOf(pointer), message);
    }
}
