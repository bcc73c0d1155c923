package io.portcullis.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.portcullis.json.Json;
import io.portcullis.protocol.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checks policy files against their closed JSON Schemas ({@code functions/policy/schemas}) and reports every problem
 * at once, each with its file, line and field, in words that say what to change.
 */
public final class PolicyValidator {

    /** Each file name the policy folder may hold, and the schema that governs it. */
    public static final Map<String, String> SCHEMAS = Map.of(
            "protocol.yaml", "protocol.schema.json",
            "accounts.yaml", "accounts.schema.json",
            "exceptions.yaml", "exceptions.schema.json",
            "rules.yaml", "rules.schema.json",
            "identities.yaml", "identities.schema.json");

    private final YAMLFactory yaml = new YAMLFactory();
    private final ObjectMapper mapper = new ObjectMapper(yaml);
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();

    public static final String PLAYBOOK_SCHEMA = "playbook.schema.json";
    /** Where a playbooks folder's protocol is, from the folder (the repository's layout). */
    public static final String PROTOCOL_BESIDE_PLAYBOOKS = "../functions/policy/protocol.yaml";

    /** The protocol playbooks are checked against; read per playbooks folder when not set. */
    private Protocol protocol;

    /** Checks playbooks against this protocol instead of the one beside them. */
    public PolicyValidator withProtocol(Protocol protocol) {
        this.protocol = protocol;
        return this;
    }

    /** Validates every policy file in {@code dir} (every playbook, when the folder is {@code playbooks}). */
    public List<Problem> validateDirectory(Path dir) {
        List<Problem> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            problems.add(new Problem(dir, 1, "", "is not a directory"));
            return problems;
        }
        boolean playbooks = dir.toAbsolutePath().normalize().getFileName() != null
                && dir.toAbsolutePath().normalize().getFileName().toString().equals("playbooks");
        Protocol before = protocol;
        if (playbooks && protocol == null) {
            protocol = protocolBeside(dir, problems);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList()) {
                String schema = playbooks ? PLAYBOOK_SCHEMA : SCHEMAS.get(file.getFileName().toString());
                if (schema == null) {
                    problems.add(new Problem(file, 1, "", "no schema governs this file name; policy files are "
                            + SCHEMAS.keySet().stream().sorted().toList()));
                } else {
                    problems.addAll(validate(file, schema));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            protocol = before;
        }
        return problems;
    }

    /**
     * The repository's protocol beside a playbooks folder, else the one built into the tools; null (with a problem)
     * when it cannot be read, so the playbooks are not checked against a protocol nobody deploys.
     */
    private static Protocol protocolBeside(Path playbooks, List<Problem> problems) {
        Path file = playbooks.toAbsolutePath().resolve(PROTOCOL_BESIDE_PLAYBOOKS).normalize();
        if (!Files.isRegularFile(file)) {
            return Protocol.defaults();
        }
        try {
            return Protocol.fromTree(io.portcullis.policy.PolicyFiles.read(file));
        } catch (RuntimeException e) {
            problems.add(new Problem(file, 1, "", "cannot be read as a protocol (" + e.getMessage() + "), so the"
                    + " playbooks were not checked against it; run ./portcullis validate " + file.getParent()));
            return null;
        }
    }

    public List<Problem> validate(Path file, String schemaName) {
        JsonNode document;
        YamlLocations locations;
        try {
            byte[] bytes = Files.readAllBytes(file);
            try (JsonParser parser = yaml.createParser(bytes)) {
                locations = YamlLocations.index(parser);
            }
            document = mapper.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            // SnakeYAML's message spans lines and repeats the source; the first line and its position say it all.
            String message = e.getOriginalMessage().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("^"))
                    .limit(4).collect(java.util.stream.Collectors.joining("; "));
            java.util.regex.Matcher at = java.util.regex.Pattern.compile("line (\\d+), column").matcher(message);
            if (at.find()) {
                line = Integer.parseInt(at.group(1));
            }
            return List.of(new Problem(file, line, "", "is not valid YAML: " + message));
        } catch (IOException e) {
            return List.of(new Problem(file, 1, "", "cannot be read: " + e.getMessage()));
        }
        if (document == null || document.isMissingNode()) {
            return List.of(new Problem(file, 1, "", "is empty"));
        }
        JsonSchema schema = factory.getSchema(schema(schemaName), config);
        List<Problem> problems = new ArrayList<>();
        for (ValidationMessage m : schema.validate(document)) {
            if (schemaName.equals(PLAYBOOK_SCHEMA) && "additionalProperties".equals(m.getType())
                    && PlaybookChecks.RETIRED.containsKey(m.getProperty())) {
                continue; // PlaybookChecks says where the setting went.
            }
            problems.add(problem(file, document, locations, m));
        }
        if (schemaName.equals("protocol.schema.json")) {
            problems.addAll(ProtocolChecks.check(file, document, locations::lineOf));
        }
        if (schemaName.equals("exceptions.schema.json")) {
            problems.addAll(crossReferences(file, document, locations, "/exceptions", "/rule"));
        }
        if (schemaName.equals("rules.schema.json")) {
            problems.addAll(severityReferences(file, document, locations));
            problems.addAll(adviceReferences(file, document, locations));
            problems.addAll(remediateAsReferences(file, document, locations));
        }
        if (schemaName.equals("identities.schema.json")) {
            problems.addAll(identityEntries(file, document, locations));
        }
        if (schemaName.equals("accounts.schema.json")) {
            problems.addAll(accountEntries(file, document, locations));
        }
        if (schemaName.equals(PLAYBOOK_SCHEMA)) {
            problems.addAll(PlaybookChecks.check(file, document, locations::lineOf));
            if (protocol != null) {
                problems.addAll(PlaybookChecks.coverage(file, document, protocol, locations::lineOf));
            }
        }
        problems.sort(Comparator.comparingInt(Problem::line).thenComparing(Problem::field));
        return problems.stream().distinct().toList();
    }

    /**
     * An account entry gives a name (its environment may then come from AWS Organizations), an environment, or both:
     * an entry with neither would say nothing about the account.
     */
    private static List<Problem> accountEntries(Path file, JsonNode document, YamlLocations locations) {
        List<Problem> out = new ArrayList<>();
        document.path("accounts").properties().forEach(e -> {
            JsonNode entry = e.getValue();
            if (entry.isObject() && !entry.has("name") && !entry.has("environment")) {
                String pointer = "/accounts/" + e.getKey();
                out.add(new Problem(file, locations.lineOf(pointer), field(pointer, document), "gives neither name nor"
                        + " environment; give a name (its environment then comes from AWS Organizations), an"
                        + " environment, or both"));
            }
        });
        return out;
    }

    /**
     * Each identity names one principal (an ARN, with an optional session, or a SourceIdentity) and one person (an
     * e-mail or a Slack id): an entry with both or neither would say nothing certain about anyone.
     */
    private static List<Problem> identityEntries(Path file, JsonNode document, YamlLocations locations) {
        List<Problem> out = new ArrayList<>();
        JsonNode list = document.path("identities");
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            if (!entry.isObject()) {
                continue; // the schema says so
            }
            String pointer = "/identities/" + i;
            boolean arn = entry.has("arn");
            boolean source = entry.has("sourceIdentity");
            if (arn == source) {
                out.add(new Problem(file, locations.lineOf(pointer), field(pointer, document),
                        (arn ? "gives both arn and" : "gives neither arn nor")
                                + " sourceIdentity; give exactly one: the principal this entry names"));
            }
            if (entry.has("session") && !arn) {
                out.add(new Problem(file, locations.lineOf(pointer + "/session"), field(pointer + "/session", document),
                        "a session narrows a role's arn; give the role's arn with it"));
            }
            if (entry.has("email") == entry.has("slack")) {
                out.add(new Problem(file, locations.lineOf(pointer), field(pointer, document),
                        (entry.has("email") ? "gives both email and" : "gives neither email nor")
                                + " slack; give exactly one: the person it is"));
            }
        }
        return out;
    }

    /** Severity overrides must name rules that exist: a typo would silently change nothing. */
    private static List<Problem> severityReferences(Path file, JsonNode document, YamlLocations locations) {
        java.util.Set<String> known = io.portcullis.rule.RuleSet.defaults().findingIds();
        List<Problem> out = new ArrayList<>();
        document.path("severities").fieldNames().forEachRemaining(rule -> {
            if (!known.contains(rule)) {
                String pointer = "/severities/" + rule;
                out.add(new Problem(file, locations.lineOf(pointer), field(pointer, document), "no rule '" + rule
                        + "' exists; use one of " + String.join(", ", known)));
            }
        });
        return out;
    }

    /**
     * Every rule of this file (the built-in rules and its configRules) has advice for the person who makes such a
     * change, and advice names only rules that exist: a typo would leave a rule without advice and advise nobody.
     */
    private static List<Problem> adviceReferences(Path file, JsonNode document, YamlLocations locations) {
        if (!document.path("advice").isObject()) {
            return List.of(); // the schema says it is missing
        }
        io.portcullis.rule.RuleSet rules;
        try {
            rules = io.portcullis.rule.RuleSet.fromData(document, java.util.Set.of());
        } catch (RuntimeException e) {
            return List.of(); // the schema has said what is wrong with the rules themselves
        }
        io.portcullis.rule.Advice advice = io.portcullis.rule.Advice.fromData(document);
        List<Problem> out = new ArrayList<>();
        String pointer = document.path("advice").has("rules") ? "/advice/rules" : "/advice";
        for (String rule : advice.missingFor(rules)) {
            out.add(new Problem(file, locations.lineOf(pointer), field(pointer, document), "no advice for rule '" + rule
                    + "'; add one or two sentences under advice.rules on how to make such a change safely"
                    + (rule.startsWith(io.portcullis.rule.ConfigComplianceRule.PREFIX)
                    ? " (or one for its family under advice.configFamilies)" : "")));
        }
        for (String rule : advice.unknownIn(rules)) {
            String at = "/advice/rules/" + rule;
            out.add(new Problem(file, locations.lineOf(at), field(at, document), "no rule '" + rule
                    + "' exists; use one of " + String.join(", ", rules.findingIds())));
        }
        return out;
    }

    /**
     * A Config verdict's {@code remediateAs} must name findings whose actions exist (the CloudTrail-driven rules'): a
     * typo would leave the verdict with no action that recognises it, and its incident would end in front of a person
     * for nothing.
     */
    private static List<Problem> remediateAsReferences(Path file, JsonNode document, YamlLocations locations) {
        java.util.Set<String> known = new java.util.TreeSet<>(io.portcullis.rule.RuleSet.defaults().findingIds());
        known.removeIf(id -> id.startsWith(io.portcullis.rule.ConfigComplianceRule.PREFIX));
        List<Problem> out = new ArrayList<>();
        document.path("configRules").properties().forEach(rule -> {
            JsonNode as = rule.getValue().path("remediateAs");
            for (int i = 0; i < as.size(); i++) {
                String id = as.get(i).asText();
                if (as.get(i).isTextual() && !known.contains(id)) {
                    String pointer = "/configRules/" + rule.getKey().replace("~", "~0").replace("/", "~1")
                            + "/remediateAs/" + i;
                    out.add(new Problem(file, locations.lineOf(pointer), field(pointer, document), "no finding '" + id
                            + "' has actions to remediate it as; use one of " + String.join(", ", known)
                            + ", or remove it to have a person asked"));
                }
            }
        });
        return out;
    }

    /** Exceptions must name rules that exist: a typo would silently suppress nothing. */
    private static List<Problem> crossReferences(Path file, JsonNode document, YamlLocations locations, String list0,
                                                 String field0) {
        java.util.Set<String> known = io.portcullis.rule.RuleSet.defaults().findingIds();
        List<Problem> out = new ArrayList<>();
        JsonNode list = document.at(list0);
        for (int i = 0; i < list.size(); i++) {
            JsonNode rule = list.get(i).at(field0);
            if (rule.isTextual() && !known.contains(rule.asText())) {
                String pointer = list0 + "/" + i + field0;
                out.add(new Problem(file, locations.lineOf(pointer), field(pointer, document), "no rule '"
                        + rule.asText() + "' exists; use one of " + String.join(", ", known)));
            }
        }
        return out;
    }

    private JsonNode schema(String name) {
        String resource = "/io/portcullis/policy/schemas/" + name;
        try (InputStream in = PolicyValidator.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema " + resource);
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Problem problem(Path file, JsonNode document, YamlLocations locations, ValidationMessage m) {
        String pointer = m.getInstanceLocation().toString();
        JsonNode value = pointer.isEmpty() ? document : document.at(pointer);
        String type = m.getType();
        return switch (type) {
            case "additionalProperties" -> {
                String child = pointer + "/" + m.getProperty();
                yield new Problem(file, locations.lineOf(child), field(child, document),
                        "unknown field '" + m.getProperty() + "'; check its spelling or remove it (the schema allows no other fields)");
            }
            case "required" -> new Problem(file, locations.lineOf(pointer), field(pointer, document),
                    "missing required field '" + m.getProperty() + "'; add it");
            case "enum" -> new Problem(file, locations.lineOf(pointer), field(pointer, document),
                    "'" + value.asText() + "' is not allowed; use one of " + allowed(m));
            case "const" -> new Problem(file, locations.lineOf(pointer), field(pointer, document),
                    "'" + value.asText() + "' is not allowed; it must be " + allowed(m));
            case "pattern" -> new Problem(file, locations.lineOf(pointer), field(pointer, document),
                    "'" + value.asText() + "' does not have the required form " + allowed(m));
            case "propertyNames" -> new Problem(file, locations.lineOf(pointer), field(pointer, document),
                    "a key does not have the required form: " + detail(m));
            default -> new Problem(file, locations.lineOf(pointer), field(pointer, document), detail(m));
        };
    }

    private static String allowed(ValidationMessage m) {
        Object[] args = m.getArguments();
        String text = args == null || args.length == 0 ? "" : String.valueOf(args[args.length - 1]);
        return text.startsWith("[") ? text.substring(1, text.length() - 1).replace("\"", "") : text;
    }

    private static String detail(ValidationMessage m) {
        String message = m.getMessage();
        int colon = message.indexOf(": ");
        return colon >= 0 ? message.substring(colon + 2) : message;
    }

    /** {@code /steps/2/action} → {@code steps[2].action}, for documents where digits are always list indexes. */
    static String fieldOf(String pointer) {
        return field(pointer, null).replaceAll("\\.(\\d+)(?=\\.|$)", "[$1]");
    }

    /** {@code /rows/5/priority} → {@code rows[5].priority}; map keys stay keys even when they are digits. */
    static String field(String pointer, JsonNode document) {
        StringBuilder out = new StringBuilder();
        JsonNode node = document;
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String name = part.replace("~1", "/").replace("~0", "~");
            boolean index = node != null && node.isArray();
            node = node == null ? null : index ? node.get(Integer.parseInt(name)) : node.get(name);
            if (index) {
                out.append('[').append(name).append(']');
            } else {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(name);
            }
        }
        return out.toString();
    }
}
