package io.portcullis.aws;

import io.portcullis.incident.RemediationMode;
import io.portcullis.safeguard.KillSwitch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * The kill switch as an SSM Parameter Store parameter (template.yaml {@code KillSwitch}) holding {@code enforce} or
 * {@code dry-run}, read at run time and trusted for {@code maxAge} (30 s by default), so a flip takes effect within
 * that without a deployment:
 *
 * <pre>aws ssm put-parameter --overwrite --name /&lt;stack&gt;/kill-switch --value dry-run</pre>
 *
 * <p>Fails safe: a parameter that is missing, cannot be read (permissions, throttling, an SSM outage) or holds
 * anything else reads as {@code dry-run}, and {@code onUnreadable} is told once per outage so on-call hears of it. A
 * remediation tool that cannot tell whether it may act does not act; the cost is that containment waits for the
 * switch to be readable again, and the alert says so.
 */
public final class SsmKillSwitch implements KillSwitch {

    private static final Logger LOG = LoggerFactory.getLogger(SsmKillSwitch.class);

    private final Supplier<SsmClient> ssm;
    private final String name;
    private final Clock clock;
    private final Duration maxAge;
    private final Consumer<String> onUnreadable;
    private Position cached;
    private Instant readAt;
    private boolean unreadable;

    /**
     * @param onUnreadable told (with the reason) when the switch becomes unreadable; not again until it has been
     *                     read successfully in between
     */
    public SsmKillSwitch(Supplier<SsmClient> ssm, String name, Clock clock, Duration maxAge,
                         Consumer<String> onUnreadable) {
        this.ssm = new Lazy<>(ssm);
        this.name = name;
        this.clock = clock;
        this.maxAge = maxAge;
        this.onUnreadable = onUnreadable;
    }

    @Override
    public synchronized Position position() {
        Instant now = clock.instant();
        if (cached != null && now.isBefore(readAt.plus(maxAge))) {
            return cached;
        }
        String problem;
        try {
            String value = ssm.get().getParameter(r -> r.name(name)).parameter().value();
            String trimmed = value == null ? "" : value.trim();
            problem = switch (trimmed) {
                case "enforce", "dry-run" -> null;
                default -> "holds '" + (trimmed.length() > 40 ? trimmed.substring(0, 40) + "…" : trimmed)
                        + "', not enforce or dry-run";
            };
            if (problem == null) {
                unreadable = false;
                return remember(new Position(RemediationMode.parse(trimmed), "kill switch " + name + " is set to "
                        + trimmed), now);
            }
        } catch (ParameterNotFoundException e) {
            problem = "does not exist";
        } catch (SdkException e) {
            problem = "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
        Position failSafe = new Position(RemediationMode.DRY_RUN, "kill switch " + name + " " + problem
                + ", so dry-run to be safe");
        LOG.warn("{}", failSafe.reason());
        if (!unreadable) {
            unreadable = true;
            try {
                onUnreadable.accept(failSafe.reason());
            } catch (RuntimeException e) {
                LOG.error("Could not raise the alarm that the kill switch is unreadable: {}", e.toString());
            }
        }
        return remember(failSafe, now);
    }

    private Position remember(Position position, Instant now) {
        cached = position;
        readAt = now;
        return position;
    }
}
