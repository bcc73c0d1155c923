package io.portcullis.notify;

/**
 * A Slack message Portcullis posted: its channel id and timestamp ({@code ts}). Later steps reply in its thread and
 * the interaction endpoint updates it.
 */
public record SlackThread(String channel, String ts) {
}
