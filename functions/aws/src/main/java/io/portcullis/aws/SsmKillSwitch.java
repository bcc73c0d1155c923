package io.portcullis.aws;

import io.portcullis.incident.RemediationMode;
import io.portcullis.safeguard.KillSwitch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * The kill switches as SSM Parameter Store parameters holding {@code enforce} or {@code dry-run}: the global one
 * (template.yaml {@code KillSwitch}) and, created by operators when they want one account in dry-run alone, one per
 * account named {@code <global name>/<account id>}. Each is read at run time and trusted for {@code maxAge} (30 s by
 * default), one GetParameter per parameter per period, so a flip takes effect within that without a deployment:
 *
 * <pre>aws ssm put-parameter --overwrite --name /&lt;stack&gt;/kill-switch --value dry-run
 * aws ssm put-parameter --name /&lt;stack&gt;/kill-switch/111122223333 --value dry-run --type String</pre>
 *
 * <p>An account's incidents follow the stricter of the global switch and the account's own
 * ({@link KillSwitch#perAccount}); an account without a parameter of its own follows the global one.
 *
 * <p>Fails safe: a global parameter that is missing, and any parameter that cannot be read (permissions, throttling,
 * an SSM outage) or holds anything else, reads as {@code dry-run} (for every account, or for that account), and
 * {@code onUnreadable} is told once per outage of each parameter so on-call hears of it. A remediation tool that
 * cannot tell whether it may act does not act; the cost is that containment waits for the switch to be readable
 * again, and the alert says so.
 */
public final class SsmKillSwitch implements KillSwitch {

    private static final Logger LOG = LoggerFactory.getLogger(SsmKillSwitch.class);

    private final Supplier<SsmClient> ssm;
    private final String name;
    private final Clock clock;
    private final Duration maxAge;
    private final Consumer<String> onUnreadable;
    private final KillSwitch perAccount;
    /** The last reading of each parameter, by name (the global one and every account's asked for). */
    private final Map<String, Reading> readings = new HashMap<>();

    /** One parameter's last reading: its position, or empty when an account's parameter does not exist. */
    private record Reading(Optional<Position> position, Instant readAt, boolean unreadable) {
    }

    /**
     * @param name         the global switch's parameter; an account's is {@code name + "/" + account}
     * @param onUnreadable told (with the reason) when a switch becomes unreadable; not again for that switch until it
     *                     has been read successfully in between
     */
    public SsmKillSwitch(Supplier<SsmClient> ssm, String name, Clock clock, Duration maxAge,
                         Consumer<String> onUnreadable) {
        this.ssm = new Lazy<>(ssm);
        this.name = name;
        this.clock = clock;
        this.maxAge = maxAge;
        this.onUnreadable = onUnreadable;
        this.perAccount = KillSwitch.perAccount(this::position,
                account -> read(name + "/" + account, " for account " + account, true));
    }

    @Override
    public Position position() {
        return read(name, "", false).orElseThrow();
    }

    @Override
    public Position position(String account) {
        return perAccount.position(account);
    }

    /**
     * @param scope           whose incidents the switch governs, in words (" for account 111122223333")
     * @param absentFollowsGlobal an account's switch: a parameter that does not exist is no switch (empty), not a
     *                            problem
     */
    private synchronized Optional<Position> read(String parameter, String scope, boolean absentFollowsGlobal) {
        Instant now = clock.instant();
        Reading last = readings.get(parameter);
        if (last != null && now.isBefore(last.readAt().plus(maxAge))) {
            return last.position();
        }
        boolean wasUnreadable = last != null && last.unreadable();
        String problem;
        try {
            String value = ssm.get().getParameter(r -> r.name(parameter)).parameter().value();
            String trimmed = value == null ? "" : value.trim();
            problem = switch (trimmed) {
                case "enforce", "dry-run" -> null;
                default -> "holds '" + (trimmed.length() > 40 ? trimmed.substring(0, 40) + "…" : trimmed)
                        + "', not enforce or dry-run";
            };
            if (problem == null) {
                return remember(parameter, Optional.of(new Position(RemediationMode.parse(trimmed), "kill switch "
                        + parameter + " is set to " + trimmed)), now, false);
            }
        } catch (ParameterNotFoundException e) {
            if (absentFollowsGlobal) {
                return remember(parameter, Optional.empty(), now, false);
            }
            problem = "does not exist";
        } catch (SdkException e) {
            problem = "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
        Position failSafe = new Position(RemediationMode.DRY_RUN, "kill switch " + parameter + " " + problem
                + ", so dry-run" + scope + " to be safe");
        LOG.warn("{}", failSafe.reason());
        if (!wasUnreadable) {
            try {
                onUnreadable.accept(failSafe.reason());
            } catch (RuntimeException e) {
                LOG.error("Could not raise the alarm that kill switch {} is unreadable: {}", parameter, e.toString());
            }
        }
        return remember(parameter, Optional.of(failSafe), now, true);
    }

    private Optional<Position> remember(String parameter, Optional<Position> position, Instant now,
                                        boolean unreadable) {
        readings.put(parameter, new Reading(position, now, unreadable));
        return position;
    }
}
