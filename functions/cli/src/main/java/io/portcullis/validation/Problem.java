package io.portcullis.validation;

import java.nio.file.Path;

/**
 * One thing wrong with a policy or playbook file.
 *
 * @param file  the file
 * @param line  1-based line
 * @param field the field, e.g. {@code rows[5].priority} (empty for the whole file)
 * @param message what is wrong and how to fix it
 */
public record Problem(Path file, int line, String field, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
