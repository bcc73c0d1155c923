package io.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalSlack;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Clicks on the buttons of messages the local Slack received, as Slack would post them: a form body with one
 * {@code payload}, a {@code block_actions} JSON naming the clicking user, the button (block id, action id, value)
 * and the message's input values.
 */
final class SlackClicks {

    private SlackClicks() {
    }

    /** The first button with this action id in the message's actions block whose block id starts with prefix. */
    static JsonNode button(LocalSlack.Request message, String blockPrefix, String actionId) {
        JsonNode block = message.block("actions", blockPrefix);
        for (JsonNode element : block.path("elements")) {
            if (element.path("action_id").asText().equals(actionId)) {
                ((ObjectNode) element).put("block_id", block.path("block_id").asText());
                return element;
            }
        }
        throw new AssertionError("no " + actionId + " button in a " + blockPrefix + " block of " + message.text());
    }

    static String click(String userId, JsonNode button, String reason) {
        return click(userId, button.path("block_id").asText(), button.path("action_id").asText(),
                button.path("value").asText(), reason);
    }

    static String click(String userId, String blockId, String actionId, String value, String reason) {
        ObjectNode payload = Json.mapper().createObjectNode();
        payload.put("type", "block_actions");
        payload.putObject("user").put("id", userId).put("username", userId.toLowerCase());
        payload.putObject("team").put("id", "T0LOCAL");
        ObjectNode action = payload.putArray("actions").addObject();
        action.put("type", "button");
        action.put("block_id", blockId);
        action.put("action_id", actionId);
        action.put("value", value);
        action.put("action_ts", "1700000000.000001");
        ObjectNode values = payload.putObject("state").putObject("values");
        if (reason != null) {
            values.putObject("reason:" + blockId.substring(blockId.indexOf(':') + 1)).putObject("reject_reason")
                    .put("type", "plain_text_input").put("value", reason);
        }
        return "payload=" + URLEncoder.encode(payload.toString(), StandardCharsets.UTF_8);
    }
}
