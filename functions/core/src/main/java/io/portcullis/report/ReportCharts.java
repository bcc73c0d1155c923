package io.portcullis.report;

import io.portcullis.report.ReportFigures.Timing;
import io.portcullis.report.ReportFigures.WeekCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The weekly report's charts, each a {@code <figure>} holding one {@link Svg} and a {@code <figcaption>}. Bars carry
 * their numbers as text and their series as a texture and a legend, so colour is never the only carrier of meaning.
 */
final class ReportCharts {

    static final List<String> PRIORITIES = List.of("P1", "P2", "P3", "P4");
    private static final Map<String, String> PRIORITY_TEXTURE = Map.of("P1", "solid", "P2", "horizontal",
            "P3", "vertical", "P4", "outline");
    private static final Map<String, String> PRIORITY_MEANING = Map.of("P1", "contain now", "P2", "on-call approval",
            "P3", "next low-tide window", "P4", "record only");
    private static final int WIDTH = 720;

    private ReportCharts() {
    }

    static String figure(String svg, String caption) {
        return "<figure>" + svg + "<figcaption>" + Markup.escape(caption) + "</figcaption></figure>\n";
    }

    /** (a) incidents per week, stacked by priority, oldest week first. */
    static String weeksByPriority(List<WeekCounts> weeks) {
        int left = 64, top = 28, plotW = 430, plotH = 230, height = top + plotH + 64;
        Svg svg = new Svg("chart-weeks", WIDTH, height);
        int max = weeks.stream().mapToInt(w -> Math.max(w.total(), sum(w.byPriority()))).max().orElse(0);
        double step = Svg.niceStep(max, 4);
        double scaleTop = Math.max(step, Math.ceil(max / step) * step);
        double bottom = top + plotH;
        for (double v = 0; v <= scaleTop + 1e-9; v += step) {
            double y = bottom - v / scaleTop * plotH;
            svg.line(left, y, left + plotW, y, v == 0 ? "axis" : "grid");
            svg.text(left - 6, y + 4, "end", "tick", Svg.num(v));
        }
        int n = Math.max(1, weeks.size());
        double band = (double) plotW / n;
        double barW = Math.min(70, band * 0.6);
        StringJoiner desc = new StringJoiner(" ");
        desc.add("Incidents per ISO week by priority, oldest week first.");
        for (int i = 0; i < weeks.size(); i++) {
            WeekCounts w = weeks.get(i);
            double x = left + band * i + (band - barW) / 2;
            double y = bottom;
            for (String p : PRIORITIES) {
                int count = count(w.byPriority(), p);
                double h = count / scaleTop * plotH;
                y -= h;
                svg.texturedRect(x, y, barW, h, "bar " + p.toLowerCase(Locale.ROOT), PRIORITY_TEXTURE.get(p));
                if (count > 0 && h >= 15) {
                    svg.text(x + barW / 2, y + h / 2 + 4, "middle", "bar-label on-" + p.toLowerCase(Locale.ROOT),
                            p + " " + count);
                }
            }
            svg.text(x + barW / 2, y - 5, "middle", "value", Integer.toString(w.total()));
            boolean thisWeek = i == weeks.size() - 1;
            svg.text(x + barW / 2, bottom + 18, "middle", thisWeek ? "tick strong" : "tick", w.week());
            if (thisWeek) {
                svg.text(x + barW / 2, bottom + 32, "middle", "tick", "this week");
            }
            desc.add((thisWeek ? "This week, " : "") + w.week() + ": " + w.total() + " "
                    + (w.total() == 1 ? "incident" : "incidents") + " (" + byPriority(w.byPriority()) + ").");
        }
        if (weeks.isEmpty()) {
            svg.text(left + plotW / 2.0, top + plotH / 2.0, "middle", "note", "no weeks to show");
            desc.add("No weeks to show.");
        } else if (max == 0) {
            svg.text(left + plotW / 2.0, top + plotH / 2.0, "middle", "note", "no incidents in these five weeks");
        }
        double legendX = left + plotW + 30;
        svg.text(legendX, top + 4, "start", "legend-title", "Priority");
        for (int i = 0; i < PRIORITIES.size(); i++) {
            String p = PRIORITIES.get(i);
            double ly = top + 16 + i * 26;
            svg.texturedRect(legendX, ly, 18, 18, "bar " + p.toLowerCase(Locale.ROOT), PRIORITY_TEXTURE.get(p));
            svg.text(legendX + 26, ly + 13, "start", "legend", p + " " + PRIORITY_MEANING.get(p));
        }
        svg.axisLabels(left + plotW / 2.0, height - 8, "ISO week", 16, top + plotH / 2.0, "incidents");
        return figure(svg.render("Incidents per week by priority, last five weeks", desc.toString()),
                "Figure 1. Incidents per week by priority, this week and the four before it. Each bar is one week, "
                        + "split by priority from P1 at the bottom; the number above a bar is the week's total.");
    }

    /** (b) this week's time to contain per priority, median and 90th percentile, as a share of the target. */
    static String containAgainstTarget(List<Timing> timings) {
        int left = 200, top = 44, plotW = 420, rowH = 58;
        int rows = Math.max(1, timings.size());
        int plotH = rows * rowH;
        int height = top + plotH + 56;
        Svg svg = new Svg("chart-contain", WIDTH, height);
        double maxRatio = 0;
        for (Timing t : timings) {
            maxRatio = Math.max(maxRatio, Math.max(ratio(t.containMedianSeconds(), t), ratio(t.containP90Seconds(), t)));
        }
        // Past three times the target the exact length no longer matters; the label still states the value.
        double scaleMax = Math.min(3.0, Math.max(1.5, maxRatio * 1.1));
        double stepPct = Svg.niceStep(scaleMax * 100, 5);
        double bottom = top + plotH;
        for (double pct = 0; pct <= scaleMax * 100 + 1e-9; pct += stepPct) {
            double x = left + pct / 100 / scaleMax * plotW;
            svg.line(x, top, x, bottom, pct == 0 ? "axis" : "grid");
            svg.text(x, bottom + 16, "middle", "tick", Svg.num(pct) + "%");
        }
        double targetX = left + 1 / scaleMax * plotW;
        StringJoiner desc = new StringJoiner(" ");
        desc.add("Time to contain this week, from detection, per priority, as a share of the protocol's target"
                + " (100% is the target).");
        for (int i = 0; i < timings.size(); i++) {
            Timing t = timings.get(i);
            double rowTop = top + i * rowH;
            svg.text(left - 10, rowTop + 18, "end", "row-label", t.priority() + " · target "
                    + Markup.duration(t.targetSeconds()));
            svg.text(left - 10, rowTop + 32, "end", "tick", t.contained() + " of " + t.incidents() + " contained");
            if (t.breaches() > 0) {
                svg.text(left - 10, rowTop + 46, "end", "tick strong", t.breaches()
                        + (t.breaches() == 1 ? " breach" : " breaches"));
            }
            containBar(svg, left, plotW, scaleMax, rowTop + 8, "median", t.containMedianSeconds(), t, "bar median",
                    "solid");
            containBar(svg, left, plotW, scaleMax, rowTop + 28, "p90", t.containP90Seconds(), t, "bar p90",
                    "horizontal");
            desc.add(t.priority() + ": target " + Markup.duration(t.targetSeconds()) + "; " + t.contained() + " of "
                    + t.incidents() + " contained; "
                    + (t.containMedianSeconds() == null ? "no time to contain." : "median "
                    + Markup.duration(t.containMedianSeconds()) + " (" + percent(t.containMedianSeconds(), t)
                    + " of target), 90th percentile " + Markup.duration(t.containP90Seconds()) + " ("
                    + percent(t.containP90Seconds(), t) + " of target).")
                    + " " + t.breaches() + (t.breaches() == 1 ? " breach." : " breaches."));
        }
        if (timings.isEmpty()) {
            svg.text(left + plotW / 2.0, top + rowH / 2.0, "middle", "note", "no priorities to show");
            desc.add("No priorities to show.");
        }
        svg.line(targetX, top - 6, targetX, bottom, "target");
        svg.text(targetX, top - 10, "middle", "target-label", "target");
        // Legend across the top left.
        svg.texturedRect(left, 8, 16, 12, "bar median", "solid");
        svg.text(left + 22, 18, "start", "legend", "median");
        svg.texturedRect(left + 90, 8, 16, 12, "bar p90", "horizontal");
        svg.text(left + 112, 18, "start", "legend", "90th percentile");
        svg.line(left + 240, 6, left + 240, 22, "target");
        svg.text(left + 248, 18, "start", "legend", "target (dashed)");
        svg.axisLabels(left + plotW / 2.0, height - 8, "time to contain, % of the protocol's target", 14,
                top + plotH / 2.0, "priority");
        return figure(svg.render("Time to contain this week against the protocol's target", desc.toString()),
                "Figure 2. Time to contain this week per priority, median (solid) and 90th percentile (striped), "
                        + "as a share of the protocol's target; the dashed line is the target. A bar past it means "
                        + "the target was missed; the text beside each bar gives the time itself.");
    }

    private static void containBar(Svg svg, int left, int plotW, double scaleMax, double y, String name, Long seconds,
                                   Timing t, String cssClass, String texture) {
        if (seconds == null) {
            svg.text(left + 6, y + 12, "start", "note", name + " " + Markup.NONE + " (nothing contained)");
            return;
        }
        double r = ratio(seconds, t);
        boolean offScale = r > scaleMax;
        double w = Math.min(r, scaleMax) / scaleMax * plotW;
        svg.texturedRect(left, y, w, 16, cssClass, texture);
        String label = name + " " + Markup.duration(seconds) + (offScale ? " (off scale, " + percent(seconds, t) + ")" : "");
        if (w > plotW - 170) {
            svg.text(left + w - 6, y + 12, "end", "bar-label on-bar", label);
        } else {
            svg.text(left + w + 6, y + 12, "start", "value", label);
        }
    }

    private static double ratio(Long seconds, Timing t) {
        if (seconds == null) {
            return 0;
        }
        return t.targetSeconds() > 0 ? (double) seconds / t.targetSeconds() : 0;
    }

    private static String percent(Long seconds, Timing t) {
        return t.targetSeconds() > 0 ? Math.round(ratio(seconds, t) * 100) + "%" : Markup.NONE;
    }

    /**
     * (c) one dimension of this week's incidents as horizontal bars, one row per key, in the map's order.
     *
     * @param label how a key reads for people (e.g. {@code cli-sdk} → {@code CLI/SDK})
     */
    static String countsBars(String id, String title, String caption, String dimension, Map<String, Integer> counts,
                             Function<String, String> label) {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        int left = 190, top = 16, plotW = 420, rowH = 28;
        int plotH = Math.max(1, entries.size()) * rowH;
        int height = top + plotH + 52;
        Svg svg = new Svg(id, WIDTH, height);
        int max = entries.stream().mapToInt(e -> e.getValue() == null ? 0 : e.getValue()).max().orElse(0);
        double step = Svg.niceStep(max, 5);
        double scaleTop = Math.max(step, Math.ceil(max / step) * step);
        double bottom = top + plotH;
        for (double v = 0; v <= scaleTop + 1e-9; v += step) {
            double x = left + v / scaleTop * plotW;
            svg.line(x, top, x, bottom, v == 0 ? "axis" : "grid");
            svg.text(x, bottom + 16, "middle", "tick", Svg.num(v));
        }
        int total = entries.stream().mapToInt(e -> e.getValue() == null ? 0 : e.getValue()).sum();
        StringJoiner desc = new StringJoiner("; ", title + ", " + total + " in all: ", ".");
        for (int i = 0; i < entries.size(); i++) {
            String name = label.apply(entries.get(i).getKey());
            int v = entries.get(i).getValue() == null ? 0 : entries.get(i).getValue();
            double y = top + i * rowH + 5;
            double w = v / scaleTop * plotW;
            svg.text(left - 10, y + 13, "end", "row-label", name);
            svg.texturedRect(left, y, w, 18, "bar count", "solid");
            svg.text(left + w + 6, y + 13, "start", "value", Integer.toString(v));
            desc.add(name + " " + v);
        }
        if (entries.isEmpty()) {
            svg.text(left + plotW / 2.0, top + rowH / 2.0 + 4, "middle", "note", "nothing to show");
        } else if (total == 0) {
            svg.text(left + plotW / 2.0, top + plotH / 2.0 + 4, "middle", "note", "no incidents this week");
        }
        svg.axisLabels(left + plotW / 2.0, height - 8, "incidents this week", 16, top + plotH / 2.0, dimension);
        return figure(svg.render(title, desc.toString()), caption);
    }

    static int count(Map<String, Integer> map, String key) {
        if (map == null) {
            return 0;
        }
        Integer v = map.get(key);
        return v == null ? 0 : v;
    }

    private static int sum(Map<String, Integer> map) {
        return map == null ? 0 : map.values().stream().mapToInt(v -> v == null ? 0 : v).sum();
    }

    static String byPriority(Map<String, Integer> map) {
        StringJoiner j = new StringJoiner(", ");
        for (String p : PRIORITIES) {
            j.add(p + " " + count(map, p));
        }
        return j.toString();
    }
}
