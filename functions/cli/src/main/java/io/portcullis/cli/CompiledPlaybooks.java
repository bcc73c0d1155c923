package io.portcullis.cli;

import io.portcullis.json.Json;
import io.portcullis.playbook.Playbook;
import io.portcullis.playbook.PlaybookCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The compiled state machines in {@code playbooks/asl/}, kept in step with the playbooks they come from. */
public final class CompiledPlaybooks {

    private CompiledPlaybooks() {
    }

    public static Path aslFile(Path playbooksDir, String name) {
        return playbooksDir.resolve("asl").resolve(name + ".asl.json");
    }

    public static String render(Playbook playbook) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(PlaybookCompiler.compile(playbook))
                    + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compiled files that differ from their playbook; written when {@code write}. */
    public static List<String> sync(Path playbooksDir, boolean write) {
        List<String> stale = new ArrayList<>();
        for (Playbook playbook : Playbook.readAll(playbooksDir)) {
            Path file = aslFile(playbooksDir, playbook.name());
            String want = render(playbook);
            try {
                String have = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
                if (!have.equals(want)) {
                    stale.add(playbooksDir.getFileName().resolve("asl").resolve(file.getFileName()).toString());
                    if (write) {
                        Files.createDirectories(file.getParent());
                        Files.writeString(file, want, StandardCharsets.UTF_8);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot sync " + file + ": " + e.getMessage(), e);
            }
        }
        return stale;
    }
}
