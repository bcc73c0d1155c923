package io.portcullis.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Reads {@link SlackCredentials} from a Secrets Manager secret whose {@code SecretString} is
 *
 * <pre>{@code {"botToken": "xoxb-…"}}</pre>
 *
 * <p>and the signing secret from its own secret, {@code {"signingSecret": "8f14e45f…"}}, which only the interaction
 * function reads ({@link SlackSecrets}). A bot-token secret that still holds {@code signingSecret} is read as before.
 *
 * <p>Errors name the secret and the field that is wrong, and never quote the secret's content: the JSON parser's own
 * messages can contain a piece of it, so they are not passed on.
 */
public final class SecretsManagerSlackCredentials {

    public static final String BOT_TOKEN = "botToken";
    public static final String SIGNING_SECRET = "signingSecret";
    private static final String SHAPE = "{\"" + BOT_TOKEN + "\":\"xoxb-…\"}";

    private final SecretsManagerClient secrets;
    private final String secretId;

    /**
     * @param secrets  a Secrets Manager client ({@link AwsConnection#secretsManager()})
     * @param secretId the secret's name or ARN
     */
    public SecretsManagerSlackCredentials(SecretsManagerClient secrets, String secretId) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        if (secretId == null || secretId.isBlank()) {
            throw new IllegalArgumentException("the Slack secret's id is not set: give the name or ARN of the "
                    + "Secrets Manager secret that holds " + SHAPE);
        }
        this.secretId = secretId;
    }

    /** The current credentials (the signing secret null when this secret has none); a Secrets Manager request. */
    public SlackCredentials read() {
        return parse(secretId, secretString());
    }

    /** One field of the secret, which must be a non-empty string; a Secrets Manager request. */
    public String read(String field) {
        return field(secretId, secretString(), field);
    }

    private String secretString() {
        GetSecretValueResponse value;
        try {
            value = secrets.getSecretValue(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException("Slack secret '" + secretId + "' does not exist: create it with a "
                    + "SecretString of the form " + SHAPE + ", or fix the secret id", e);
        } catch (SecretsManagerException e) {
            throw new IllegalStateException("could not read Slack secret '" + secretId + "': "
                    + e.awsErrorDetails().errorCode() + " (check the function role's secretsmanager:GetSecretValue"
                    + " permission and the secret's KMS key policy)", e);
        }
        return value.secretString();
    }

    /** The credentials in a secret's {@code SecretString}: a bot token, and a signing secret if it still holds one. */
    static SlackCredentials parse(String secretId, String secretString) {
        JsonNode root = object(secretId, secretString);
        List<String> missing = new ArrayList<>();
        String botToken = text(root, BOT_TOKEN, missing);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Slack secret '" + secretId + "' has no " + String.join(" and ", missing)
                    + " (a non-empty string): store JSON of the form " + SHAPE);
        }
        JsonNode signing = root.get(SIGNING_SECRET);
        String signingSecret = signing != null && signing.isTextual() && !signing.asText().isBlank()
                ? signing.asText().trim() : null;
        return new SlackCredentials(botToken, signingSecret);
    }

    /** One string field of a secret's {@code SecretString}; an error naming the secret and the field. */
    static String field(String secretId, String secretString, String field) {
        List<String> missing = new ArrayList<>();
        String value = text(object(secretId, secretString), field, missing);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Slack secret '" + secretId + "' has no \"" + field + "\" (a non-empty"
                    + " string): store JSON of the form {\"" + field + "\":\"…\"}");
        }
        return value;
    }

    private static JsonNode object(String secretId, String secretString) {
        if (secretString == null || secretString.isBlank()) {
            throw new IllegalStateException("Slack secret '" + secretId + "' has no SecretString (is it binary?): "
                    + "store JSON of the form " + SHAPE);
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(secretString);
        } catch (JsonProcessingException e) {
            // Not chained: the parser's message quotes the text around the error, which is the secret.
            throw new IllegalStateException("Slack secret '" + secretId + "' is not valid JSON (at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + "): store JSON of the form "
                    + SHAPE);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalStateException("Slack secret '" + secretId + "' is not a JSON object: store JSON of the "
                    + "form " + SHAPE);
        }
        return root;
    }

    private static String text(JsonNode root, String field, List<String> missing) {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            missing.add("\"" + field + "\"");
            return null;
        }
        return value.asText().trim();
    }
}
