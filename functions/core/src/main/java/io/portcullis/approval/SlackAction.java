package io.portcullis.approval;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A button click as Slack posts it: {@code application/x-www-form-urlencoded} with one field {@code payload}, a
 * {@code block_actions} JSON whose first action is our button.
 *
 * @param userId     the clicking Slack user
 * @param actionId   {@code approve} or {@code reject} (block {@code approval:<incident>}), or {@code undo} (block
 *                   {@code undo:<incident>})
 * @param approvalId the button's value
 * @param incidentId the incident the message was about (its block id {@code approval:<incident>})
 * @param reason     the text of the message's {@code reject_reason} input, if filled in
 */
public record SlackAction(String userId, String actionId, String approvalId, String incidentId, String reason) {

    public static final String APPROVE = "approve";
    public static final String REJECT = "reject";
    public static final String UNDO = "undo";
    public static final String BLOCK_PREFIX = "approval:";
    public static final String UNDO_BLOCK_PREFIX = "undo:";
    public static final String REASON_ACTION = "reject_reason";

    /** The click, or empty when the body is not a Portcullis approval click. */
    public static Optional<SlackAction> parse(byte[] body) {
        String form = new String(body, StandardCharsets.UTF_8);
        String payload = null;
        for (String pair : form.split("&")) {
            if (pair.startsWith("payload=")) {
                try {
                    payload = URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        if (payload == null) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(payload);
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
        if (root == null || !"block_actions".equals(root.path("type").asText())) {
            return Optional.empty();
        }
        JsonNode action = root.path("actions").path(0);
        String user = root.path("user").path("id").asText("");
        String actionId = action.path("action_id").asText("");
        String value = action.path("value").asText("");
        String block = action.path("block_id").asText("");
        boolean gate = block.startsWith(BLOCK_PREFIX) && (actionId.equals(APPROVE) || actionId.equals(REJECT));
        boolean undo = block.startsWith(UNDO_BLOCK_PREFIX) && actionId.equals(UNDO);
        if (user.isBlank() || value.isBlank() || !(gate || undo)) {
            return Optional.empty();
        }
        String reason = null;
        for (JsonNode blockValues : root.path("state").path("values")) {
            JsonNode input = blockValues.path(REASON_ACTION);
            if (input.path("value").isTextual() && !input.path("value").asText().isBlank()) {
                reason = input.path("value").asText().trim();
            }
        }
        String incident = block.substring(gate ? BLOCK_PREFIX.length() : UNDO_BLOCK_PREFIX.length());
        return Optional.of(new SlackAction(user, actionId, value, incident, reason));
    }
}
