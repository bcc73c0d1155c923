package io.portcullis.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the deployment {@code sam deploy} would make lets every approval gate be answered: the template's
 * parameter defaults, overridden by the {@code parameter_overrides} that {@code sam deploy --guided} saved in
 * {@code samconfig.toml} (its {@code default} environment). Without a samconfig.toml there is nothing to check yet,
 * and the note says what to set; the template's Rules refuse such a stack at deploy time anyway.
 */
public final class DeploymentChecks {

    /** The parameters that name approvers; at least one must be set. */
    static final List<String> APPROVER_PARAMETERS = List.of("SlackApproverGroup", "SlackApprovers");

    /** Problems (exit 1) and notes (said, not failed). */
    public record Result(List<Problem> problems, List<String> notes) {
    }

    private static final Pattern SECTION = Pattern.compile("^\\s*\\[\\s*([^\\]]+?)\\s*]\\s*(#.*)?$");
    private static final Pattern OVERRIDES = Pattern.compile("^\\s*parameter_overrides\\s*=\\s*(.+?)\\s*$");
    private static final Pattern PAIR = Pattern.compile("([A-Za-z0-9]+)=(?:\"((?:\\\\.|[^\"\\\\])*)\"|'([^']*)'|(\\S*))");

    private DeploymentChecks() {
    }

    public static Result check(Path template, Path samconfig) {
        Map<String, String> values = defaults(template);
        List<Problem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (samconfig == null || !Files.isRegularFile(samconfig)) {
            if (APPROVER_PARAMETERS.stream().allMatch(p -> values.getOrDefault(p, "").isBlank())) {
                notes.add(template + ": " + String.join(", ", APPROVER_PARAMETERS) + ": empty by default, and no"
                        + " samconfig.toml says otherwise; when you deploy, set SlackApproverGroup (your on-call Slack"
                        + " user group, S…) or SlackApprovers (Slack user ids, U…): without one no approval gate can be"
                        + " answered, no Undo offered, and the stack refuses to deploy");
            }
            return new Result(problems, notes);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(samconfig);
        } catch (IOException e) {
            problems.add(new Problem(samconfig, 1, "", "cannot be read: " + e.getMessage()));
            return new Result(problems, notes);
        }
        int line = 1;
        String section = "";
        for (int i = 0; i < lines.size(); i++) {
            Matcher s = SECTION.matcher(lines.get(i));
            if (s.matches()) {
                section = s.group(1);
                continue;
            }
            Matcher o = OVERRIDES.matcher(lines.get(i));
            if (o.matches() && (section.equals("default.deploy.parameters") || section.equals("default.global.parameters"))) {
                values.putAll(overrides(o.group(1)));
                line = i + 1;
            }
        }
        if (APPROVER_PARAMETERS.stream().allMatch(p -> values.getOrDefault(p, "").isBlank())) {
            problems.add(new Problem(samconfig, line, "parameter_overrides", "neither SlackApproverGroup nor"
                    + " SlackApprovers is set, so no approval gate could be answered and no Undo offered (the stack"
                    + " refuses to deploy like this); add SlackApproverGroup (your on-call Slack user group id, S…) or"
                    + " SlackApprovers (Slack user ids, U…) to it, or run sam deploy --guided again"));
        }
        return new Result(problems, notes);
    }

    private static Map<String, String> defaults(Path template) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            JsonNode parameters = new ObjectMapper(new YAMLFactory()).readTree(template.toFile()).path("Parameters");
            for (String name : APPROVER_PARAMETERS) {
                out.put(name, parameters.path(name).path("Default").asText(""));
            }
        } catch (IOException e) {
            // No readable template: only samconfig.toml's values count.
        }
        return out;
    }

    /** {@code "A=\"x\" B=\"\""} (what sam deploy --guided writes), a literal string, or a list of "A=x". */
    static Map<String, String> overrides(String tomlValue) {
        String text = tomlValue.strip();
        String pairs;
        if (text.startsWith("[")) {
            List<String> items = new ArrayList<>();
            Matcher m = Pattern.compile("\"((?:\\\\.|[^\"\\\\])*)\"|'([^']*)'").matcher(text);
            while (m.find()) {
                items.add(m.group(1) != null ? unescape(m.group(1)) : m.group(2));
            }
            pairs = String.join(" ", items.stream().map(DeploymentChecks::quoted).toList());
        } else if (text.startsWith("'")) {
            pairs = text.substring(1, Math.max(1, text.lastIndexOf('\'')));
        } else if (text.startsWith("\"")) {
            pairs = unescape(text.substring(1, Math.max(1, text.lastIndexOf('"'))));
        } else {
            pairs = text;
        }
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = PAIR.matcher(pairs);
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2).replace("\\\"", "\"").replace("\\\\", "\\")
                    : m.group(3) != null ? m.group(3) : m.group(4);
            out.put(m.group(1), value);
        }
        return out;
    }

    /** "A=x y" → A="x y", so a list item reads like the string form. */
    private static String quoted(String item) {
        int eq = item.indexOf('=');
        return eq < 0 ? item : item.substring(0, eq + 1) + "\"" + item.substring(eq + 1).replace("\"", "\\\"") + "\"";
    }

    /** TOML basic-string escapes that matter here. */
    private static String unescape(String s) {
        return s.replace("\\\"", "\u0000").replace("\\\\", "\\").replace("\u0000", "\"");
    }
}
