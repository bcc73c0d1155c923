package io.portcullis.local;

import io.portcullis.report.ReportStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Report files in a local folder, {@code <dir>/<week>/<name>}: what {@code ./portcullis report --out} writes. */
public final class FileReportStore implements ReportStore {

    private final Path dir;

    public FileReportStore(Path dir) {
        this.dir = dir;
    }

    public Path file(String week, String name) {
        return dir.resolve(week).resolve(name);
    }

    @Override
    public String put(String week, String name, String contentType, byte[] body) {
        Path file = file(week, name);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file.toString();
    }

    @Override
    public io.portcullis.report.ReportLink link(String week, String name, Duration wanted) {
        return io.portcullis.report.ReportLink.file(file(week, name).toAbsolutePath().toUri().toString());
    }
}
