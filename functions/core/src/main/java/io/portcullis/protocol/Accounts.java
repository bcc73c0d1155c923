package io.portcullis.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.policy.PolicyFiles;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The accounts Portcullis watches: the environment of each (used for resources that carry no environment tag, and
 * the floor a tag cannot go below in a production account), its name for people and its organizational unit (the
 * report groups by it). Built from AWS Organizations in an organisation deployment, with
 * {@code functions/policy/accounts.yaml} as the override, or from the file alone ({@code evaluate --accounts}, a
 * single-account deployment).
 *
 * @param environments the environment of each account listed
 * @param names        a name for people, by account (absent: the id is its name)
 * @param units        the organizational unit's path ({@code Root/Workloads/Prod}), by account (absent: none known)
 */
public record Accounts(Map<String, Environment> environments, Map<String, String> names, Map<String, String> units) {

    public static final String RESOURCE = "accounts.yaml";

    public Accounts {
        environments = Map.copyOf(environments);
        names = Map.copyOf(names);
        units = Map.copyOf(units);
    }

    /** Environments only: no names, no units. */
    public Accounts(Map<String, Environment> environments) {
        this(environments, Map.of(), Map.of());
    }

    public static Accounts none() {
        return new Accounts(Map.of());
    }

    public static Accounts defaults() {
        return fromTree(PolicyFiles.bundled(RESOURCE));
    }

    public static Accounts fromTree(JsonNode root) {
        Map<String, Environment> out = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        JsonNode accounts = root.path("accounts");
        if (!accounts.isObject()) {
            throw new IllegalArgumentException("accounts: 'accounts' must be a map from account id to {name: …,"
                    + " environment: …}");
        }
        accounts.properties().forEach(e -> {
            String name = e.getValue().path("name").asText("");
            if (!name.isBlank()) {
                names.put(e.getKey(), name);
            }
            // A named account may leave its environment to AWS Organizations (the account's environment tag).
            if (!name.isBlank() && !e.getValue().has("environment")) {
                return;
            }
            String env = e.getValue().path("environment").asText("");
            out.put(e.getKey(), switch (env) {
                case "production" -> Environment.PRODUCTION;
                case "non-production" -> Environment.NON_PRODUCTION;
                default -> throw new IllegalArgumentException("accounts." + e.getKey() + ".environment is '" + env
                        + "', not one of [production, non-production]" + (name.isBlank() ? " (an account without a"
                        + " name needs one)" : ""));
            });
        });
        return new Accounts(out, names, Map.of());
    }

    /** Every account listed here (with an environment, a name or a unit). */
    public Set<String> ids() {
        Set<String> ids = new java.util.TreeSet<>(environments.keySet());
        ids.addAll(names.keySet());
        ids.addAll(units.keySet());
        return ids;
    }

    public boolean contains(String account) {
        return environments.containsKey(account) || names.containsKey(account) || units.containsKey(account);
    }

    /** The account's name for people, or its id when it has none. */
    public String nameOf(String account) {
        return names.getOrDefault(account, account);
    }

    /** The account's organizational unit path, or the empty string when none is known. */
    public String unitOf(String account) {
        return units.getOrDefault(account, "");
    }

    /** These accounts with {@code override}'s entries winning, field by field (the accounts file over Organizations). */
    public Accounts overriddenBy(Accounts override) {
        Map<String, Environment> e = new LinkedHashMap<>(environments);
        e.putAll(override.environments);
        Map<String, String> n = new LinkedHashMap<>(names);
        n.putAll(override.names);
        Map<String, String> u = new LinkedHashMap<>(units);
        u.putAll(override.units);
        return new Accounts(e, n, u);
    }

    /**
     * The resource's environment. In an account marked production, production whatever the tag says: anyone who may
     * tag a resource ({@code ec2:CreateTags}) could otherwise turn "contain at once" into "ask first" with
     * {@code env=dev}, so a tag may make the environment stricter, never weaker. Elsewhere the tag first, then this
     * file, else unknown (judged as production).
     */
    public Environment environmentOf(String account, Environment fromTags) {
        Environment marked = environments.getOrDefault(account, Environment.UNKNOWN);
        if (marked == Environment.PRODUCTION) {
            return Environment.PRODUCTION;
        }
        return fromTags != Environment.UNKNOWN ? fromTags : marked;
    }
}
