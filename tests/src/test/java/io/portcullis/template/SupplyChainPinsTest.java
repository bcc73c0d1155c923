package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.local.LocalRuntime;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the build downloads is checked against a digest kept in the repository, so a tampered mirror or a re-published
 * file fails the install instead of running: the Maven wrapper's distribution ({@code distributionSha256Sum}), and
 * every Python package of every requirements file (a {@code --hash=sha256:} per file, installed with
 * {@code --require-hashes}). Reads the files only; no network.
 */
class SupplyChainPinsTest {

    static final Path ROOT = LocalRuntime.repositoryRoot();
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** One requirement: {@code name[extras]==version} and its hashes, nothing else (no URL, index, -r or -e). */
    static final Pattern REQUIREMENT = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9._-]*)(\\[[A-Za-z0-9._,-]+])?==([A-Za-z0-9.+!-]+)((?:\\s+--hash=sha256:[0-9a-f]{64})+)");

    /** Every requirements file in the repository, wherever it is (a new one is checked without being listed here). */
    static List<Path> requirementFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                // Not the project's own files: history, build output, installed environments.
                return name.equals(".git") || name.equals("target") || name.equals("node_modules")
                        || name.startsWith(".venv") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (file.getFileName().toString().matches(".*requirements.*\\.txt")) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out.stream().sorted().toList();
    }

    /** The file's requirements, one per logical line (continuations joined, comments and blank lines dropped). */
    static List<String> requirements(Path file) throws IOException {
        String joined = Files.readString(file).replaceAll("\\\\\\r?\\n", " ");
        List<String> out = new ArrayList<>();
        for (String line : joined.split("\\r?\\n")) {
            String content = line.replaceAll("(^|\\s)#.*$", "").strip();
            if (!content.isEmpty()) {
                out.add(content);
            }
        }
        return out;
    }

    @Test
    void everyPythonRequirementIsPinnedWithTheHashesOfItsFiles() throws IOException {
        List<Path> files = requirementFiles();
        assertThat(files).extracting(p -> ROOT.relativize(p).toString()).contains(
                "tests/emulator/requirements.txt", "tests/emulator/localstack-requirements.txt",
                "tests/bench/peer/requirements.txt");
        for (Path file : files) {
            List<String> lines = requirements(file);
            assertThat(lines).as(ROOT.relativize(file).toString()).isNotEmpty();
            for (String line : lines) {
                Matcher m = REQUIREMENT.matcher(line);
                assertThat(m.matches()).as("%s: '%s' must be name==version followed by --hash=sha256:… for each of"
                        + " its files", ROOT.relativize(file), line.length() > 120 ? line.substring(0, 120) + "…"
                        : line).isTrue();
            }
        }
    }

    @Test
    void everyScriptThatInstallsARequirementsFileRequiresTheHashes() throws IOException {
        List<String> installs = new ArrayList<>();
        try (Stream<Path> scripts = Stream.concat(Stream.of(ROOT.resolve("portcullis")),
                Files.walk(ROOT.resolve("tests")).filter(p -> p.toString().endsWith(".sh")))) {
            for (Path script : scripts.toList()) {
                for (String line : Files.readAllLines(script)) {
                    if (line.matches(".*\\bpip3? install\\b.*") && !line.strip().startsWith("#")) {
                        installs.add(ROOT.relativize(script) + ": " + line.strip());
                    }
                }
            }
        }
        assertThat(installs).as("the scripts that install Python packages").hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(line -> assertThat(line).contains("--require-hashes").contains(" -r "));
    }

    @Test
    void theMavenWrapperChecksTheDistributionItDownloads() throws IOException {
        Properties wrapper = new Properties();
        wrapper.load(new StringReader(Files.readString(ROOT.resolve(".mvn/wrapper/maven-wrapper.properties"))));

        assertThat(wrapper.getProperty("distributionUrl")).endsWith("-bin.zip");
        assertThat(wrapper.getProperty("distributionSha256Sum")).as("distributionSha256Sum").isNotNull()
                .matches(SHA256);
        if (!"only-script".equals(wrapper.getProperty("distributionType"))) {
            // Only the script-only wrapper runs without maven-wrapper.jar; any other type downloads and runs the jar.
            assertThat(wrapper.getProperty("wrapperSha256Sum")).as("wrapperSha256Sum").isNotNull().matches(SHA256);
        }
    }
}
