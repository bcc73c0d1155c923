package io.portcullis.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.policy.PolicyFiles;
import io.portcullis.rule.RuleFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A playbook as written in {@code playbooks/*.yaml} (already checked by {@code ./portcullis validate}): the ordered
 * steps an incident of one rule family goes through.
 */
public record Playbook(String name, String description, RuleFamily family, List<PlaybookStep> steps) {

    public Playbook {
        steps = List.copyOf(steps);
    }

    public static Playbook fromTree(JsonNode root) {
        List<PlaybookStep> steps = new ArrayList<>();
        for (JsonNode s : root.path("steps")) {
            steps.add(PlaybookStep.fromTree(s));
        }
        return new Playbook(root.path("name").asText(), root.path("description").asText(),
                java.util.Arrays.stream(RuleFamily.values()).filter(f -> f.key().equals(root.path("family").asText())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("family: unknown '" + root.path("family").asText() + "'")), steps);
    }

    /** Every playbook in a directory, by file name order. */
    public static List<Playbook> readAll(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted()
                    .map(p -> fromTree(PolicyFiles.read(p))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
