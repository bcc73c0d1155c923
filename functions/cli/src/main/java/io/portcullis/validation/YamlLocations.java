package io.portcullis.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** The line of every value and field in a YAML document, by JSON Pointer, so errors can name their line. */
final class YamlLocations {

    private final Map<String, Integer> lines = new HashMap<>();

    static YamlLocations index(JsonParser parser) throws IOException {
        YamlLocations locations = new YamlLocations();
        if (parser.nextToken() != null) {
            locations.walk(parser, "");
        }
        return locations;
    }

    private void walk(JsonParser p, String pointer) throws IOException {
        lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String child = pointer + "/" + p.currentName().replace("~", "~0").replace("/", "~1");
                lines.put(child, p.currentTokenLocation().getLineNr());
                p.nextToken();
                walk(p, child);
            }
        } else if (t == JsonToken.START_ARRAY) {
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                walk(p, pointer + "/" + i++);
            }
        }
    }

    /** The line of the pointer, or of its nearest ancestor that has one; 1 if none. */
    int lineOf(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 1;
            }
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
    }
}
