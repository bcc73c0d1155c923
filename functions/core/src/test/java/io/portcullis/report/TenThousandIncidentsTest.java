package io.portcullis.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.protocol.Protocol;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A week with 10,000 incidents produces a correct report inside the report function's memory setting: the whole
 * report (figures, HTML, CSV, JSON) is made in a fresh JVM whose heap is capped at three quarters of the function's
 * {@code MemorySize} in template.yaml (the rest is the JVM's own and Lambda's), and which dies on running out.
 */
class TenThousandIncidentsTest {

    static final int INCIDENTS = 10_000;

    @Test
    void tenThousandIncidentsFitInTheReportFunctionsMemory() throws Exception {
        int memoryMb = reportFunctionMemory();
        int heapMb = memoryMb * 3 / 4;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), TenThousandIncidentsTest.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("incidents=" + INCIDENTS).contains("heapPeakMb=");
        System.out.println("10,000-incident report in a " + heapMb + " MB heap (function memory " + memoryMb + " MB): "
                + output.trim());
    }

    /** The child: one week of 10,000 incidents, the whole report, and what it weighed. */
    public static void main(String[] args) throws IOException {
        Instant[] week = WeeklyReport.bounds("2026-W47", ZoneOffset.UTC);
        List<Incident> incidents = new ArrayList<>(History.generate(10, INCIDENTS, week[0], week[1]));
        ReportFigures figures = WeeklyReport.compute("2026-W47", ZoneOffset.UTC, incidents,
                incidents.stream().filter(i -> !i.status().isFinal()).toList(), Protocol.defaults().containWithin(),
                List.of(), week[1]);
        String html = HtmlReport.render(figures);
        long[] csvChars = {0};
        try (Writer counting = new Writer() {
            @Override
            public void write(char[] buffer, int off, int len) {
                csvChars[0] += len;
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }) {
            CsvReport.write(incidents, counting);
        }
        String json = Json.mapper().writeValueAsString(figures);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        int total = figures.weeks().get(figures.weeks().size() - 1).total();
        System.out.println("incidents=" + total + " htmlBytes=" + html.length() + " csvChars=" + csvChars[0]
                + " jsonBytes=" + json.length() + " heapPeakMb=" + peak / (1024 * 1024) + " heapMaxMb="
                + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        if (total != INCIDENTS) {
            System.exit(3);
        }
    }

    static int reportFunctionMemory() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("template.yaml").toFile());
        JsonNode memory = template.path("Resources").path("ReportFunction").path("Properties").path("MemorySize");
        return memory.isMissingNode() ? template.path("Globals").path("Function").path("MemorySize").asInt() : memory.asInt();
    }
}
