package io.portcullis.report;

import java.util.Locale;

/**
 * One accessible inline SVG chart, drawn element by element. Every chart this layer renders is an
 * {@code <svg role="img">} labelled by its own {@code <title>} and {@code <desc>} (the text alternative, which states
 * the numbers), and carries exactly one x and one y axis label ({@code class="axis-label"}).
 *
 * <p>Why hand-written rather than a charting library (ENGINEERING.md prefers libraries for charts): the domain core
 * may not take new dependencies, the JVM chart libraries (JFreeChart with JFreeSVG, XChart) emit SVG without
 * {@code title}/{@code desc}/ARIA or text that a screen reader or a test can read, and the report needs only bar
 * charts. Textures are drawn as plain lines rather than SVG {@code <pattern>}s, because patterns are referenced with
 * {@code url(#…)} and the page promises no {@code url(} at all.
 *
 * <p>Example:
 * <pre>{@code
 * Svg svg = new Svg("weeks", 720, 300);
 * svg.rect(60, 40, 30, 200, "p1");
 * svg.axisLabels(390, 295, "ISO week", 14, 150, "incidents");
 * String markup = svg.render("Incidents per week", "2026-W47: 12 incidents …");
 * }</pre>
 */
final class Svg {

    private final String id;
    private final int width;
    private final int height;
    private final StringBuilder body = new StringBuilder(4096);
    private boolean axisLabelled;

    /** @param id unique on the page; the title and description take {@code id-title} and {@code id-desc} */
    Svg(String id, int width, int height) {
        this.id = id;
        this.width = width;
        this.height = height;
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    Svg rect(double x, double y, double w, double h, String cssClass) {
        body.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h))).append("\" class=\"")
                .append(cssClass).append("\"/>");
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String cssClass) {
        body.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"")
                .append(num(x2)).append("\" y2=\"").append(num(y2)).append("\" class=\"").append(cssClass)
                .append("\"/>");
        return this;
    }

    /** @param anchor {@code start}, {@code middle} or {@code end}; {@code text} is escaped here */
    Svg text(double x, double y, String anchor, String cssClass, String text) {
        body.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"")
                .append(anchor).append("\" class=\"").append(cssClass).append("\">").append(Markup.escape(text))
                .append("</text>");
        return this;
    }

    /**
     * A bar whose meaning does not rest on colour alone: a texture of lines on top of the fill.
     *
     * @param texture {@code solid}, {@code horizontal} (lines every 4 px), {@code vertical} or {@code outline}
     */
    Svg texturedRect(double x, double y, double w, double h, String cssClass, String texture) {
        rect(x, y, w, h, cssClass);
        if (w <= 0 || h <= 0) {
            return this;
        }
        switch (texture) {
            case "horizontal" -> {
                for (double ly = y + 3; ly < y + h; ly += 4) {
                    line(x, ly, x + w, ly, "texture");
                }
            }
            case "vertical" -> {
                for (double lx = x + 3; lx < x + w; lx += 4) {
                    line(lx, y, lx, y + h, "texture");
                }
            }
            default -> {
                // solid and outline: the fill and its border say it
            }
        }
        return this;
    }

    /** The chart's two axis labels; the y label is turned to read bottom to top. */
    Svg axisLabels(double xLabelX, double xLabelY, String xLabel, double yLabelX, double yLabelY, String yLabel) {
        text(xLabelX, xLabelY, "middle", "axis-label", xLabel);
        body.append("<text x=\"").append(num(yLabelX)).append("\" y=\"").append(num(yLabelY))
                .append("\" text-anchor=\"middle\" class=\"axis-label\" transform=\"rotate(-90 ").append(num(yLabelX))
                .append(' ').append(num(yLabelY)).append(")\">").append(Markup.escape(yLabel)).append("</text>");
        axisLabelled = true;
        return this;
    }

    /** The finished {@code <svg>}; {@code title} and {@code description} are escaped here. */
    String render(String title, String description) {
        if (!axisLabelled) {
            throw new IllegalStateException("chart " + id + " has no axis labels: call axisLabels before render");
        }
        return "<svg role=\"img\" aria-labelledby=\"" + id + "-title " + id + "-desc\" viewBox=\"0 0 " + width + " "
                + height + "\" width=\"" + width + "\" height=\"" + height + "\" class=\"chart\">"
                + "<title id=\"" + id + "-title\">" + Markup.escape(title) + "</title>"
                + "<desc id=\"" + id + "-desc\">" + Markup.escape(description) + "</desc>"
                + body + "</svg>";
    }

    /** Round steps (1, 2, 5 × 10ⁿ) for an axis from 0 to at least {@code max}, about {@code ticks} of them. */
    static double niceStep(double max, int ticks) {
        double raw = Math.max(max, 1) / ticks;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double residual = raw / magnitude;
        double nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
        return Math.max(1, nice * magnitude);
    }
}
