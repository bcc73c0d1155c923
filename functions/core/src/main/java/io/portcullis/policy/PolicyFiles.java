package io.portcullis.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The policy files the platform team keeps in git ({@code functions/policy/*.yaml}), read as YAML. The build copies
 * them into every function package under {@code io/portcullis/policy/}.
 */
public final class PolicyFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PolicyFiles() {
    }

    public static JsonNode bundled(String name) {
        String resource = "/io/portcullis/policy/" + name;
        try (InputStream in = PolicyFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the function package has no " + resource);
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    public static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
