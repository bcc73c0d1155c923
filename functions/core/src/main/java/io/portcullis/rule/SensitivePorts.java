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

    public static SensitivePorts defaults() {
        Map<Integer, String> admin = new LinkedHashMap<>();
        admin.put(22, "SSH");
        admin.put(23, "Telnet");
        admin.put(3389, "RDP");
        admin.put(5985, "WinRM");
        admin.put(5986, "WinRM over HTTPS");
        admin.put(5900, "VNC");
        Map<Integer, String> db = new LinkedHashMap<>();
        db.put(1433, "SQL Server");
        db.put(1521, "Oracle");
        db.put(3306, "MySQL");
        db.put(5432, "PostgreSQL");
        db.put(5439, "Redshift");
        db.put(6379, "Redis");
        db.put(9200, "Elasticsearch");
        db.put(11211, "Memcached");
        db.put(27017, "MongoDB");
        return new SensitivePorts(admin, db);
    }

    /** The first sensitive port the range contains, lowest port first, with its name; empty if none. */
    public Optional<Map.Entry<Integer, String>> firstIn(PortRange range) {
        Map<Integer, String> all = new java.util.TreeMap<>(database);
        all.putAll(administrative);
        return all.entrySet().stream().filter(e -> range.contains(e.getKey())).findFirst();
    }
}
