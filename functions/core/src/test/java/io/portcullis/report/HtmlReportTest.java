package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HtmlReportTest {

    static Stream<Arguments> weeks() {
        return Stream.of(Arguments.of("empty week", SampleFigures.emptyWeek()),
                Arguments.of("P4-only week", SampleFigures.p4Only()),
                Arguments.of("busy week with hostile names", SampleFigures.realistic(SampleFigures.HOSTILE)),
                Arguments.of("10,000-incident week", SampleFigures.tenThousand()));
    }

    static List<String> charts(String html) {
        List<String> charts = new ArrayList<>();
        Matcher m = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            charts.add(m.group());
        }
        return charts;
    }

    @Test
    void showsHostileNamesAsTextNeverAsMarkup() {
        String html = HtmlReport.render(SampleFigures.realistic(SampleFigures.HOSTILE));

        assertThat(html).doesNotContain(SampleFigures.HOSTILE).doesNotContainIgnoringCase("<script")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("Public website; &quot;temporary&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
    }

    @Test
    void escapesAllFiveCharactersAndControlCharacters() {
        assertThat(Markup.escape("a&b<c>d\"e'f\u0000g")).isEqualTo("a&amp;b&lt;c&gt;d&quot;e&#39;f\uFFFDg");
        assertThat(Markup.escape(null)).isEqualTo("—");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weeks")
    void everyChartHasATitleATextAlternativeTwoAxisLabelsAndACaption(String name, ReportFigures figures) {
        String html = HtmlReport.render(figures);

        List<String> charts = charts(html);
        assertThat(charts).hasSize(4);
        for (String svg : charts) {
            Matcher labelledBy = Pattern.compile("^<svg role=\"img\" aria-labelledby=\"([^ \"]+) ([^\"]+)\"")
                    .matcher(svg);
            assertThat(labelledBy.find()).as(svg).isTrue();
            assertThat(svg).contains("<title id=\"" + labelledBy.group(1) + "\">")
                    .contains("<desc id=\"" + labelledBy.group(2) + "\">");
            assertThat(between(svg, "<title", "</title>")).as("title").matches("(?s)<title[^>]*>.{10,}");
            assertThat(between(svg, "<desc", "</desc>")).as("desc states numbers").matches("(?s)<desc[^>]*>.*\\d.*");
            assertThat(Pattern.compile("<text[^>]*class=\"axis-label\"").matcher(svg).results().count())
                    .as("axis labels").isEqualTo(2);
        }
        assertThat(Pattern.compile("<figure><svg .*?</svg><figcaption>[^<]{20,}</figcaption></figure>",
                Pattern.DOTALL).matcher(html).results().count()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weeks")
    void loadsNothingAndRunsNothing(String name, ReportFigures figures) {
        String html = HtmlReport.render(figures).toLowerCase(Locale.ROOT);

        assertThat(html).startsWith("<!doctype html>").doesNotContain("<script").doesNotContain("http://")
                .doesNotContain("https://").doesNotContain("@import").doesNotContain("url(")
                .doesNotContain("<link").doesNotContain("<img").doesNotContain(" src=").doesNotContain(" href=")
                .contains("@media print");
    }

    @Test
    void anEmptyWeekReadsAsSentencesAndZeros() {
        String html = HtmlReport.render(SampleFigures.emptyWeek());

        assertThat(html).contains("<strong>0 incidents</strong> this week, as many as the week before (2026-W46: 0)")
                .contains("No breaches this week.").contains("No incident is still open.")
                .contains("No resource was remediated more than once in the five weeks.")
                .contains("No principal made more than one risky console change in the five weeks.")
                .contains("No exception expires in the next 14 days.")
                .contains("No incidents in any account this week or the week before, and none still open.")
                .contains("No incidents in any organizational unit this week or the week before, and none still open.")
                .contains("2026-W47: 0 incidents (P1 0, P2 0, P3 0, P4 0).")
                .contains("P1: target 15 min; 0 of 0 contained; no time to contain. 0 breaches.")
                .doesNotContain("NaN").doesNotContain("Infinity").doesNotContain("null");
    }

    @Test
    void aP4OnlyWeekShowsItsRecordsAndNoTimeToContain() {
        String html = HtmlReport.render(SampleFigures.p4Only());

        assertThat(html).contains("This week, 2026-W47: 6 incidents (P1 0, P2 0, P3 0, P4 6).")
                .contains("P4: target 30 d; 0 of 6 contained; no time to contain.")
                .contains("<td>P4</td><td class=\"num\">6</td><td class=\"num\">1 min 35 s</td>")
                .contains("median — (nothing contained)")
                .contains("6 more than the week before").doesNotContain("NaN").doesNotContain("null");
    }

    @Test
    void statesChartNumbersAndTargetsInItsTextAlternative() {
        String html = HtmlReport.render(SampleFigures.realistic("sg-1"));

        assertThat(html).contains("This week, 2026-W47: 37 incidents (P1 4, P2 8, P3 10, P4 15).")
                .contains("P1: target 15 min; 4 of 4 contained; median 3 min (20% of target), 90th percentile "
                        + "25 min (167% of target). 1 breach.")
                .contains("This week&#39;s incidents by origin, 37 in all: console 14; infrastructure-as-code 11; "
                        + "CLI/SDK 8; AWS service 2; unknown 2.")
                .contains("<td class=\"id\">inc-92bb</td><td>P2</td><td class=\"id\">arn:aws:iam::444455556666:role/deploy</td><td class=\"id\">sg-1 (444455556666)</td><td class=\"num\">still open</td>")
                .contains("<td class=\"num\">10 d 4 h</td>");
    }

    @Test
    void longListsShowTwoHundredRowsAndPointToTheCsv() {
        String html = HtmlReport.render(SampleFigures.tenThousand());

        assertThat(Pattern.compile("<td class=\"id\">inc-b\\d+</td>").matcher(html).results().count()).isEqualTo(200);
        assertThat(Pattern.compile("<td class=\"id\">inc-o\\d+</td>").matcher(html).results().count()).isEqualTo(200);
        assertThat(html).contains("and 2300 more — see the CSV.").contains("and 50 more — see the JSON.");
        assertThat(html.length()).isLessThan(400_000);
    }

    @Test
    void showsEachAccountAndUnitWorstFirstUnderTheTotalsTheyAddUpTo() {
        String html = HtmlReport.render(SampleFigures.realistic("sandbox"));

        String accounts = between(html, "<h2>By account</h2>", "</section>");
        assertThat(accounts).contains("<tr><td>sandbox (444455556666)</td><td>Root/sandbox</td>"
                + "<td class=\"num\">16</td><td class=\"num\">0</td><td class=\"num\">1 · 4 · 4 · 7</td>"
                + "<td class=\"num\">7</td><td class=\"num\">1 h</td><td class=\"num breach\">2</td>"
                + "<td class=\"num\">1</td><td class=\"num\">1</td></tr>")
                .contains("<tr><th scope=\"row\">All accounts</th><td>—</td>"
                        + "<td class=\"num\">37</td><td class=\"num\">25</td><td class=\"num\">4 · 8 · 10 · 15</td>"
                        + "<td class=\"num\">17</td><td class=\"num\">—</td><td class=\"num\">3</td>"
                        + "<td class=\"num\">1</td><td class=\"num\">2</td></tr>");
        assertThat(accounts.indexOf("444455556666")).as("worst first").isLessThan(accounts.indexOf("payments-prod"));
        String units = between(html, "<h2>By organizational unit</h2>", "</section>");
        assertThat(units).contains("<tr><td>Root/Workloads/Prod</td><td class=\"num\">1</td><td class=\"num\">21</td>")
                .contains("<tr><th scope=\"row\">All units</th><td class=\"num\">2</td><td class=\"num\">37</td>");
        // The lists of incidents name the account too.
        assertThat(between(html, "<h2>Still open</h2>", "</section>")).contains("payments-prod (111122223333)");

        String noUnit = between(HtmlReport.render(SampleFigures.p4Only()), "<h2>By organizational unit</h2>",
                "</section>");
        assertThat(noUnit).contains("<td>(no organizational unit)</td>");
    }

    @ParameterizedTest
    @CsvSource({"0, 0 s", "59, 59 s", "60, 1 min", "250, 4 min 10 s", "3600, 1 h", "7500, 2 h 5 min",
            "86400, 1 d", "273600, 3 d 4 h", "-90, −1 min 30 s"})
    void durationsReadAsPeopleSayThem(long seconds, String text) {
        assertThat(Markup.duration(seconds)).isEqualTo(text);
    }

    private static String between(String s, String start, String end) {
        int i = s.indexOf(start);
        int j = s.indexOf(end, i);
        return i < 0 || j < 0 ? "" : s.substring(i, j);
    }
}
