package io.portcullis.report;

/**
 * Text for the report's HTML and inline SVG. Everything that comes from data (resource names, principals, reasons,
 * account ids) goes through {@link #escape} before it reaches the page, so a resource named
 * {@code <script>alert(1)</script>} is shown, never run.
 */
public final class Markup {

    /** What the page shows for a figure that has no value. */
    static final String NONE = "—";

    private Markup() {
    }

    /**
     * Escapes {@code & < > " '} for text and attribute values (double- or single-quoted); null becomes "—". NUL and
     * other C0 controls except tab, LF and CR are replaced: the HTML parser reports them as errors.
     */
    static String escape(String text) {
        if (text == null) {
            return NONE;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /**
     * A duration for people: the two largest units, e.g. {@code 3 d 4 h}, {@code 2 h 5 min}, {@code 4 min 10 s},
     * {@code 0 s}; null becomes "—". Negative durations (clock skew) keep their sign.
     */
    public static String duration(Long seconds) {
        if (seconds == null) {
            return NONE;
        }
        long s = Math.abs(seconds);
        String sign = seconds < 0 ? "−" : "";
        long d = s / 86_400;
        long h = s % 86_400 / 3_600;
        long m = s % 3_600 / 60;
        long sec = s % 60;
        String text;
        if (d > 0) {
            text = h > 0 ? d + " d " + h + " h" : d + " d";
        } else if (h > 0) {
            text = m > 0 ? h + " h " + m + " min" : h + " h";
        } else if (m > 0) {
            text = sec > 0 ? m + " min " + sec + " s" : m + " min";
        } else {
            text = sec + " s";
        }
        return sign + text;
    }
}
