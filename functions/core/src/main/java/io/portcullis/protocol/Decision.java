package io.portcullis.protocol;

import java.util.Map;

/**
 * The protocol's answer for an incident, with what it was asked, so every priority can be explained.
 *
 * @param priority the priority
 * @param response what happens next
 * @param row      the 1-based number of the row that matched
 * @param rowName  that row's name
 * @param inputs   the values the row was matched on (severity, exposure, environment, origin)
 */
public record Decision(Priority priority, Response response, int row, String rowName, Map<String, String> inputs) {

    public Decision {
        inputs = Map.copyOf(inputs);
    }
}
