package io.portcullis.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The interaction function's Slack secrets: the signing secret from its own secret
 * ({@value #SIGNING_SECRET_ID}, {@code {"signingSecret": "…"}}), the bot token from the Slack secret
 * ({@code PORTCULLIS_SLACK_SECRET_ID}). Nothing is read when this is built: each value is read on first use, which
 * is after a SnapStart restore, never during initialisation, so no snapshot holds a secret. Each is kept for
 * {@link #TTL} and then read again, so a rotated secret takes effect within that time without a new version.
 *
 * <p>When {@value #SIGNING_SECRET_ID} is not set, the signing secret is read from the Slack secret as before, with a
 * warning: every function that reads the bot token could then also forge button clicks.
 */
public final class SlackSecrets {

    public static final String SIGNING_SECRET_ID = "PORTCULLIS_SLACK_SIGNING_SECRET_ID";
    /** How long a value read is used before it is read again. */
    public static final Duration TTL = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(SlackSecrets.class);

    /** Reads one field of one secret: (secret id, field) to value. */
    private final java.util.function.BiFunction<String, String, String> secrets;
    private final String botSecretId;
    private final String signingSecretId;
    private final Clock clock;
    private final Cached botToken = new Cached();
    private final Cached signingSecret = new Cached();

    /**
     * @param secrets         reads a field of a secret: (secret id, field name) to its value
     * @param botSecretId     the Slack secret: the bot token (and, in older deployments, the signing secret)
     * @param signingSecretId the signing secret's own secret, or null to fall back to the Slack secret
     */
    public SlackSecrets(java.util.function.BiFunction<String, String, String> secrets, String botSecretId,
                        String signingSecretId, Clock clock) {
        this.secrets = secrets;
        this.botSecretId = botSecretId;
        this.signingSecretId = signingSecretId == null || signingSecretId.isBlank() ? null : signingSecretId;
        this.clock = clock;
    }

    /** Over the function's connection; its Secrets Manager client is made on the first read and kept. */
    public static SlackSecrets of(AwsConnection aws, String botSecretId, String signingSecretId, Clock clock) {
        SecretsManagerClient[] client = new SecretsManagerClient[1];
        return new SlackSecrets((id, field) -> {
            SecretsManagerClient secrets;
            synchronized (client) {
                if (client[0] == null) {
                    client[0] = aws.secretsManager();
                }
                secrets = client[0];
            }
            return new SecretsManagerSlackCredentials(secrets, id).read(field);
        }, botSecretId, signingSecretId, clock);
    }

    public String botToken() {
        return botToken.get(() -> secrets.apply(botSecretId, SecretsManagerSlackCredentials.BOT_TOKEN));
    }

    public String signingSecret() {
        return signingSecret.get(() -> {
            if (signingSecretId == null) {
                LOG.warn("{} is not set: the signing secret is read from the Slack bot-token secret, which other"
                        + " functions read too; give it a secret of its own", SIGNING_SECRET_ID);
                return secrets.apply(botSecretId, SecretsManagerSlackCredentials.SIGNING_SECRET);
            }
            return secrets.apply(signingSecretId, SecretsManagerSlackCredentials.SIGNING_SECRET);
        });
    }

    /** A value and when it was read. */
    private final class Cached {
        private String value;
        private Instant readAt;

        synchronized String get(java.util.function.Supplier<String> read) {
            Instant now = clock.instant();
            if (value == null || !now.isBefore(readAt.plus(TTL))) {
                value = read.get();
                readAt = now;
            }
            return value;
        }
    }
}
