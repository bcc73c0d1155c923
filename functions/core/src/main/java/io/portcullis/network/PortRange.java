package io.portcullis.network;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An inclusive range of ports. For protocol {@code -1} EC2 reports {@code -1..-1}, which means every port.
 *
 * <p>Example: {@code new PortRange(20, 25).contains(22)} is true.
 */
public record PortRange(int from, int to) {

    public static final PortRange ALL = new PortRange(0, 65535);

    public PortRange {
        if (from < 0 || to > 65535 || from > to) {
            throw new IllegalArgumentException("port range " + from + "-" + to + " is not within 0-65535 in order");
        }
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    @JsonIgnore
    public boolean isAll() {
        return from == 0 && to == 65535;
    }

    @Override
    public String toString() {
        return isAll() ? "all ports" : from == to ? "port " + from : "ports " + from + "-" + to;
    }
}
