package io.portcullis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample events in the repository's events/ folder, the same files sam local invoke -e uses. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path events() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("events"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no events/ folder above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("events");
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(events().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
