package io.portcullis.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.policy.PolicyFiles;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of each watched account ({@code functions/policy/accounts.yaml}, or {@code evaluate --accounts}):
 * used for resources that carry no environment tag, and the floor a tag cannot go below in a production account.
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
