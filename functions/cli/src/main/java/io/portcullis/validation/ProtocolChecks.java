package io.portcullis.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * What the protocol's schema cannot say in words: which of a row's {@code approval} fields belong to which response.
 * A field that means nothing for its row would be ignored without a word, so it is refused.
 */
final class ProtocolChecks {

    private ProtocolChecks() {
    }

    static List<Problem> check(Path file, JsonNode protocol, ToIntFunction<String> lineOf) {
        List<Problem> out = new ArrayList<>();
        JsonNode rows = protocol.path("rows");
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            JsonNode approval = row.path("approval");
            String response = row.path("response").asText();
            String at = "/rows/" + i + "/approval";
            if (!approval.isObject()) {
                continue;
            }
            switch (response) {
                case "auto", "record" -> out.add(problem(file, lineOf, at, "a " + response + " row asks nobody, so"
                        + " 'approval' means nothing here; remove it (or make the response approval or scheduled)"));
                case "approval" -> {
                    for (String field : List.of("inAdvance", "notice")) {
                        if (approval.has(field)) {
                            out.add(problem(file, lineOf, at + "/" + field, "'" + field + "' is for scheduled rows:"
                                    + " an approval row always asks on-call and gives them 'within'; remove it"));
                        }
                    }
                }
                case "scheduled" -> {
                    if (approval.has("within")) {
                        out.add(problem(file, lineOf, at + "/within", "a scheduled row's approval stays open until"
                                + " the playbook's window opens, so 'within' means nothing here; remove it (use"
                                + " 'notice' for the least time on-call gets)"));
                    }
                    if (approval.path("inAdvance").asBoolean(false)) {
                        for (String field : List.of("notice", "onTimeout")) {
                            if (approval.has(field)) {
                                out.add(problem(file, lineOf, at + "/" + field, "'" + field + "' means nothing when"
                                        + " inAdvance is true (nobody is asked); remove it"));
                            }
                        }
                    }
                }
                default -> {
                    // An unknown response is the schema's to report.
                }
            }
        }
        return out;
    }

    private static Problem problem(Path file, ToIntFunction<String> lineOf, String pointer, String message) {
        return new Problem(file, lineOf.applyAsInt(pointer), PolicyValidator.fieldOf(pointer), message);
    }
}
