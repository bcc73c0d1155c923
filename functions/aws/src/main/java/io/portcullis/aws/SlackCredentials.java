package io.portcullis.aws;

/**
 * The Slack app's secrets: the bot token that posts messages, and the signing secret that proves a button click came
 * from Slack. Read from Secrets Manager ({@link SecretsManagerSlackCredentials}), never from plain environment
 * variables. {@link #toString()} never shows them, so a log line or an exception message cannot leak them.
 *
 * @param botToken      the bot user OAuth token, {@code xoxb-…}
 * @param signingSecret the app's signing secret
 */
public record SlackCredentials(String botToken, String signingSecret) {

    @Override
    public String toString() {
        return "SlackCredentials[botToken=" + redacted(botToken) + ", signingSecret=" + redacted(signingSecret) + "]";
    }

    private static String redacted(String value) {
        return value == null || value.isEmpty() ? "(empty)" : "(redacted)";
    }
}
