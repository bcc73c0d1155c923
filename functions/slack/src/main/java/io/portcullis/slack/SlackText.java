package io.portcullis.slack;

/**
 * Text for Slack messages: what came from an event made inert, and every text cut to the length Slack accepts.
 *
 * <p>Slack's mrkdwn gives {@code <…>} its meaning (mentions such as {@code <!channel>}, links such as
 * {@code <http://x|click>}), so {@code &}, {@code <} and {@code >} become entities, as Slack's formatting guide asks.
 * Control characters could forge new lines or reorder what is shown (bidirectional overrides), so they go too.
 * Emphasis markers ({@code *}, {@code _}, {@code ~}, {@code `}) cannot be escaped in mrkdwn; that is why
 * {@link SlackNotifier} shows free text from events in {@code plain_text} objects and identifiers as
 * {@link #code(String) inline code}, where Slack applies no formatting.
 *
 * <p>Limits are Block Kit's (docs.slack.dev, reference/block-kit): a block rejected for length would lose the whole
 * message, so a long text is shortened with an ellipsis instead.
 */
public final class SlackText {

    /** A section block's {@code text}. */
    public static final int SECTION_TEXT = 3000;
    /** Each of a section block's {@code fields}. */
    public static final int SECTION_FIELD = 2000;
    /** A header block's text. */
    public static final int HEADER = 150;
    /** A button's label. */
    public static final int BUTTON = 75;
    /** A confirmation dialog's title. */
    public static final int CONFIRM_TITLE = 100;
    /** A confirmation dialog's text. */
    public static final int CONFIRM_TEXT = 300;
    /** A confirmation dialog's confirm and deny labels. */
    public static final int CONFIRM_BUTTON = 30;
    /** An input block's label. */
    public static final int INPUT_LABEL = 2000;
    /** A message's top-level {@code text}, the notification fallback; Slack truncates beyond 40,000. */
    public static final int FALLBACK = 4000;

    private static final String ELLIPSIS = "…";

    private SlackText() {
    }

    /**
     * {@code text} with {@code &}, {@code <}, {@code >} as entities, line breaks (U+2028 and U+2029 too) and tabs as
     * spaces, and other control and bidirectional-formatting characters removed; {@code ""} for null.
     */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                // Unicode's line and paragraph separators break lines too.
                case '\n', '\r', '\t', '\u2028', '\u2029' -> out.append(' ');
                default -> {
                    if (!Character.isISOControl(c) && !isBidiControl(c)) {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** {@link #escape(String) Escaped} and then {@link #truncate(String, int) cut} to {@code max} characters. */
    public static String escape(String text, int max) {
        return truncate(escape(text), max);
    }

    /**
     * An identifier (resource id, principal, event name) as mrkdwn inline code: escaped, with any backtick replaced by
     * a look-alike so the text cannot close the code span and format what follows.
     */
    public static String code(String text) {
        String inner = escape(text).replace('`', 'ˋ');
        return inner.isEmpty() ? "–" : "`" + inner + "`";
    }

    /**
     * {@code text} cut to at most {@code max} characters, ending in an ellipsis when it was cut. Never splits a
     * surrogate pair or an entity that {@link #escape(String)} wrote, so a cut text is still valid.
     */
    public static String truncate(String text, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        if (text == null) {
            return "";
        }
        if (text.length() <= max) {
            return text;
        }
        int end = max - ELLIPSIS.length();
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        int amp = text.lastIndexOf('&', end - 1);
        if (amp >= 0) {
            int semi = text.indexOf(';', amp);
            if (semi >= end && semi - amp <= 5) {
                end = amp;
            }
        }
        return text.substring(0, Math.max(end, 0)) + ELLIPSIS;
    }

    private static boolean isBidiControl(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F'
                || c == '\u061C';
    }
}
