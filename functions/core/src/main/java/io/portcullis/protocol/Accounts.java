package io.portcullis.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.policy.PolicyFiles;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of each watched account ({@code functions/policy/accounts.yaml}, or {@code evaluate --accounts}):
 * used for resources that carry no environment tag.
 */
public record Accounts(Map<String, Environment> environments) {

    public static final String RESOURCE = "accounts.yaml";

    public Accounts {
        environments = Map.copyOf(environments);
    }

    public static Accounts none() {
        return new Accounts(Map.of());
    }

    public static Accounts defaults() {
        return fromTree(PolicyFiles.bundled(RESOURCE));
    }

    public static Accounts fromTree(JsonNode root) {
        Map<String, Environment> out = new LinkedHashMap<>();
        JsonNode accounts = root.path("accounts");
        if (!accounts.isObject()) {
            throw new IllegalArgumentException("accounts: 'accounts' must be a map from account id to {environment: …}");
        }
        accounts.properties().forEach(e -> {
            String env = e.getValue().path("environment").asText("");
            out.put(e.getKey(), switch (env) {
                case "production" -> Environment.PRODUCTION;
                case "non-production" -> Environment.NON_PRODUCTION;
                default -> throw new IllegalArgumentException("accounts." + e.getKey() + ".environment is '" + env
                        + "', not one of [production, non-production]");
            });
        });
        return new Accounts(out);
    }

    /** The resource's tag first, then this file, else unknown. */
    public Environment environmentOf(String account, Environment fromTags) {
        if (fromTags != Environment.UNKNOWN) {
            return fromTags;
        }
        return environments.getOrDefault(account, Environment.UNKNOWN);
    }
}
