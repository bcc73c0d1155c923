package io.portcullis.slack;

/**
 * A Slack Web API call that failed: Slack answered {@code ok: false}, an HTTP error, or the call did not get through.
 * The message names the API method and Slack's error code (e.g. {@code invalid_auth}, {@code channel_not_found});
 * it never holds the token.
 */
public class SlackException extends RuntimeException {

    private final String method;
    private final String error;

    public SlackException(String method, String error) {
        super("Slack " + method + " failed: " + error + hint(error));
        this.method = method;
        this.error = error;
    }

    /** The Web API method, e.g. {@code chat.postMessage}. */
    public String method() {
        return method;
    }

    /** Slack's error code, or a short description when Slack gave none. */
    public String error() {
        return error;
    }

    private static String hint(String error) {
        return switch (error) {
            case "invalid_auth", "not_authed", "token_revoked", "account_inactive" ->
                    " (check the bot token in the Slack secret)";
            case "channel_not_found" -> " (check the channel id, and that the app is in the channel)";
            case "not_in_channel" -> " (invite the app to the channel)";
            case "missing_scope" -> " (give the app the scope Slack names: chat:write, im:write, usergroups:read,"
                    + " users:read.email; then reinstall it)";
            case "user_disabled" -> " (the person's Slack account is deactivated)";
            case "user_not_found", "user_not_visible" -> " (the app cannot see that Slack user)";
            default -> "";
        };
    }
}
