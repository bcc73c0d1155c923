package io.portcullis.rule;

import io.portcullis.network.PortRange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Ports whose exposure to the internet is critical: administrative and database ports, with a name for people.
 */
public record SensitivePorts(Map<Integer, String> administrative, Map<Integer, String> database) {

    public SensitivePorts {
        administrative = Map.copyOf(administrative);
        database = Map.copyOf(database);
    }

    /** From rules.yaml's {@code securityGroups}: {@code administrativePorts} and {@code databasePorts}. */
    public static SensitivePorts fromData(com.fasterxml.jackson.databind.JsonNode securityGroups) {
        return new SensitivePorts(names(securityGroups.path("administrativePorts")),
                names(securityGroups.path("databasePorts")));
    }

    private static Map<Integer, String> names(com.fasterxml.jackson.databind.JsonNode node) {
        Map<Integer, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
        return out;
    }

    /** The first sensitive port the range contains, lowest port first, with its name; empty if none. */
    public Optional<Map.Entry<Integer, String>> firstIn(PortRange range) {
        Map<Integer, String> all = new java.util.TreeMap<>(database);
        all.putAll(administrative);
        return all.entrySet().stream().filter(e -> range.contains(e.getKey())).findFirst();
    }
}
