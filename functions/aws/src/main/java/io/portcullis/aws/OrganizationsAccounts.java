package io.portcullis.aws;

import io.portcullis.protocol.AccountDirectory;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Environment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The organisation's accounts from AWS Organizations: every ACTIVE account ({@code ListAccounts}) with its name, its
 * organizational unit's path ({@code ListParents} up to the root, {@code DescribeOrganizationalUnit} for each unit's
 * name; the root is {@code Root}, so {@code Root/Workloads/Prod}) and its environment from the account's
 * {@code environment} (or {@code env}) tag ({@code ListTagsForResource}), read as a resource's tag is
 * ({@link Environment#fromTags}). {@code accounts.yaml} wins over all of it, field by field.
 *
 * <p>Read lazily, on the first event (never in the composition root: no AWS call in a SnapStart snapshot), then again
 * once the directory is older than its time to live. The list of accounts (membership and names) is read whole at
 * every refresh; units and tags cost two calls or more per account, so at most {@link #DETAILS_PER_REFRESH} accounts
 * have theirs read per refresh, those never read first, then the stalest: a large organisation's details fill in over
 * a few events, and until then its accounts' environment is unknown (judged as production).
 *
 * <p>A refresh that fails keeps the last directory read and logs a warning; it is tried again a minute later (or
 * after the time to live, if shorter), not on every event. When no directory was ever read, the directory is
 * {@code accounts.yaml} alone, logged at ERROR: events from accounts listed nowhere else are then refused (and logged
 * with their full text for replay) until Organizations answers.
 */
public final class OrganizationsAccounts implements AccountDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(OrganizationsAccounts.class);
    /** The default time to live of a directory read. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    /** Accounts whose unit and tags one refresh reads at most (about three calls each). */
    static final int DETAILS_PER_REFRESH = 40;
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);
    /** Organizations nests units five deep; a longer walk is a loop in a broken answer. */
    private static final int MAX_DEPTH = 10;

    private record Details(String unit, Environment environment, Instant readAt) {
    }

    private final Supplier<OrganizationsApi> connect;
    private final String organizationId;
    private final Accounts override;
    private final Clock clock;
    private final Duration ttl;

    private OrganizationsApi api;
    private Map<String, String> names;
    private Instant listedAt;
    private final Map<String, Details> details = new HashMap<>();
    private final Map<String, String> unitPaths = new HashMap<>();
    private Accounts current;
    private Instant nextAttempt = Instant.MIN;
    private String failure;

    /**
     * @param api            the Organizations client, made on first use
     * @param organizationId the organisation the deployment guards ({@code o-…}): accounts listed with another's ARN
     *                       make the read fail, so misdirected credentials cannot widen the membership
     * @param override       {@code accounts.yaml}: its entries win, field by field
     * @param ttl            how long one read is trusted
     */
    public OrganizationsAccounts(Supplier<OrganizationsApi> api, String organizationId, Accounts override, Clock clock,
                                 Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the directory's time to live must be positive, was " + ttl);
        }
        this.connect = api;
        this.organizationId = organizationId;
        this.override = override;
        this.clock = clock;
        this.ttl = ttl;
        this.current = override;
    }

    @Override
    public synchronized Accounts current() {
        Instant now = clock.instant();
        if (!now.isBefore(nextAttempt) && due(now)) {
            refresh(now);
        }
        return current;
    }

    @Override
    public synchronized String source() {
        String file = "accounts.yaml (" + override.ids().size() + " accounts)";
        if (listedAt == null) {
            return file + " alone: AWS Organizations has not been read" + (failure == null ? "" : " (" + failure + ")");
        }
        return "organisation " + organizationId + " (" + names.size() + " active accounts read from AWS Organizations"
                + " at " + listedAt + (failure == null ? "" : "; the last refresh failed: " + failure) + ") and "
                + file;
    }

    private boolean due(Instant now) {
        return listedAt == null || !now.isBefore(listedAt.plus(ttl)) || names.keySet().stream()
                .anyMatch(id -> stale(details.get(id), now));
    }

    private boolean stale(Details d, Instant now) {
        return d == null || !now.isBefore(d.readAt().plus(ttl));
    }

    private void refresh(Instant now) {
        try {
            api = api == null ? connect.get() : api;
            if (listedAt == null || !now.isBefore(listedAt.plus(ttl))) {
                names = list();
                listedAt = now;
                unitPaths.clear();
                details.keySet().retainAll(names.keySet());
            }
            List<String> todo = names.keySet().stream().filter(id -> stale(details.get(id), now))
                    .sorted(Comparator.comparing((String id) -> details.containsKey(id))
                            .thenComparing(id -> details.containsKey(id) ? details.get(id).readAt() : Instant.MIN))
                    .limit(DETAILS_PER_REFRESH).toList();
            try {
                for (String id : todo) {
                    details.put(id, new Details(unitOf(id), Environment.fromTags(api.listTagsForResource(id)), now));
                }
            } finally {
                current = build();
            }
            failure = null;
        } catch (RuntimeException e) {
            failure = e.getMessage();
            nextAttempt = now.plus(ttl.compareTo(RETRY_AFTER_FAILURE) < 0 ? ttl : RETRY_AFTER_FAILURE);
            if (listedAt == null) {
                LOG.error("The directory of accounts of organisation {} could not be read from AWS Organizations: {}."
                        + " Until it can, only the accounts in accounts.yaml and this account are members: events"
                        + " from any other account are refused. Check the detector's organizations:ListAccounts,"
                        + " ListParents, DescribeOrganizationalUnit and ListTagsForResource permissions and that this"
                        + " account is the management account or a delegated administrator. Tried again at {}.",
                        organizationId, failure, nextAttempt);
            } else {
                LOG.warn("The directory of accounts could not be refreshed from AWS Organizations: {}. Keeping the one"
                        + " read at {} ({} accounts); tried again at {}.", failure, listedAt, names.size(),
                        nextAttempt);
            }
        }
    }

    /** Every ACTIVE account, all pages; an account of another organisation fails the read. */
    private Map<String, String> list() {
        Map<String, String> out = new LinkedHashMap<>();
        String token = null;
        do {
            OrganizationsApi.AccountPage page = api.listAccounts(token);
            for (OrganizationsApi.Account a : page.accounts()) {
                if (organizationId != null && a.arn() != null && !a.arn().isBlank()
                        && !a.arn().contains(":account/" + organizationId + "/")) {
                    throw new IllegalStateException("AWS Organizations listed account " + a.id() + " of another"
                            + " organisation (" + a.arn() + "), not of " + organizationId + ": check "
                            + io.portcullis.aws.FunctionSettings.ORGANIZATION_ID);
                }
                if ("ACTIVE".equals(a.state())) {
                    out.put(a.id(), a.name().isBlank() ? a.id() : a.name());
                }
            }
            token = page.nextToken();
        } while (token != null);
        return out;
    }

    /** The account's unit path ({@code Root/Workloads/Prod}; {@code Root} for an account at the root). */
    private String unitOf(String account) {
        List<OrganizationsApi.Parent> parents = api.listParents(account);
        if (parents.isEmpty()) {
            return "";
        }
        OrganizationsApi.Parent parent = parents.get(0);
        return parent.root() ? "Root" : unitPath(parent.id(), 0);
    }

    private String unitPath(String unit, int depth) {
        String known = unitPaths.get(unit);
        if (known != null) {
            return known;
        }
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("AWS Organizations answered a unit path deeper than " + MAX_DEPTH
                    + " at " + unit);
        }
        String name = api.describeOrganizationalUnit(unit);
        List<OrganizationsApi.Parent> parents = api.listParents(unit);
        String above = parents.isEmpty() || parents.get(0).root() ? "Root" : unitPath(parents.get(0).id(), depth + 1);
        String path = above + "/" + name;
        unitPaths.put(unit, path);
        return path;
    }

    private Accounts build() {
        Map<String, Environment> environments = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        names.keySet().forEach(id -> {
            Details d = details.get(id);
            if (d != null && !d.unit().isBlank()) {
                units.put(id, d.unit());
            }
            if (d != null && d.environment() != Environment.UNKNOWN) {
                environments.put(id, d.environment());
            }
        });
        return new Accounts(environments, names, units).overriddenBy(override);
    }
}
