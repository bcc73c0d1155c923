package io.portcullis.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.SlackAction;
import io.portcullis.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The buttons Portcullis posted to the local Slack, and the clicks Slack would send for them: a form body with one
 * {@code payload}, a {@code block_actions} JSON naming the clicking user, the button (block id, action id, value)
 * and, for a rejection, the reason typed into the message's input. {@link LocalRuntime#click} signs and posts it.
 */
public final class SlackButtons {

    /** A button as it is in a posted message. */
    public record Button(LocalSlack.Request message, String blockId, String actionId, String value) {
    }

    private SlackButtons() {
    }

    /** The newest message holding a button {@code actionId} in an actions block with this exact block id. */
    public static Optional<Button> newest(LocalSlack slack, String blockId, String actionId) {
        List<LocalSlack.Request> messages = slack.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            LocalSlack.Request m = messages.get(i);
            if (m.blocks() == null || !m.blocks().isArray()) {
                continue;
            }
            for (JsonNode block : m.blocks()) {
                if (!block.path("type").asText().equals("actions") || !block.path("block_id").asText().equals(blockId)) {
                    continue;
                }
                for (JsonNode element : block.path("elements")) {
                    if (element.path("action_id").asText().equals(actionId)) {
                        return Optional.of(new Button(m, blockId, actionId, element.path("value").asText()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The Approve or Reject button of the incident's approval message. */
    public static Optional<Button> approval(LocalSlack slack, String incidentId, String actionId) {
        return newest(slack, SlackAction.BLOCK_PREFIX + incidentId, actionId);
    }

    /** The Undo button the resolve step offered for the incident. */
    public static Optional<Button> undo(LocalSlack slack, String incidentId) {
        return newest(slack, SlackAction.UNDO_BLOCK_PREFIX + incidentId, SlackAction.UNDO);
    }

    /** The form body Slack posts when {@code userId} clicks {@code button} (with {@code reason} typed, or null). */
    public static String click(String userId, Button button, String reason) {
        ObjectNode payload = Json.mapper().createObjectNode();
        payload.put("type", "block_actions");
        payload.putObject("user").put("id", userId).put("username", userId.toLowerCase(java.util.Locale.ROOT));
        payload.putObject("team").put("id", "T0LOCAL");
        ObjectNode action = payload.putArray("actions").addObject();
        action.put("type", "button");
        action.put("block_id", button.blockId());
        action.put("action_id", button.actionId());
        action.put("value", button.value());
        action.put("action_ts", String.format(java.util.Locale.ROOT, "%d.000001", System.currentTimeMillis() / 1000));
        ObjectNode values = payload.putObject("state").putObject("values");
        if (reason != null) {
            String incident = button.blockId().substring(button.blockId().indexOf(':') + 1);
            values.putObject("reason:" + incident).putObject(SlackAction.REASON_ACTION)
                    .put("type", "plain_text_input").put("value", reason);
        }
        return "payload=" + URLEncoder.encode(payload.toString(), StandardCharsets.UTF_8);
    }
}
