package io.portcullis.playbook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the playbook worker may act and with which credentials.
 *
 * <p>A single-account deployment acts in its own account and region with the worker's own role (IAM's global
 * resources included); anything elsewhere goes to a person, as the role reaches nowhere else. An organisation's hub
 * acts in its own account (every region) with the worker's own role, and in a member account by assuming that
 * account's member role ({@link MemberSessions}).
 *
 * <p>A member session is kept per account, region and incident, until {@link #RENEW_BEFORE} before its credentials
 * expire. Per incident, not per account: the session is named after the incident ({@link #sessionName}), so the
 * member account's CloudTrail names the incident behind every change Portcullis makes there, and no incident's
 * changes are made under another's name. Never across accounts: a session's credentials are the member role of one
 * account and its clients talk to that account only. A refusal is kept for {@link #REFUSAL_KEPT}, so the steps of
 * an incident in an account that refuses the role ask once, not once per step.
 */
public final class AccountReach implements Reach {

    /** How long before its credentials expire a session is replaced: no step starts on credentials about to lapse. */
    public static final Duration RENEW_BEFORE = Duration.ofMinutes(2);
    /** How long a member account's refusal is believed before the role is asked again. */
    public static final Duration REFUSAL_KEPT = Duration.ofMinutes(5);
    /** The session name's prefix; the incident id follows. */
    public static final String SESSION_PREFIX = "portcullis-";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AccountReach.class);

    private final String homeAccount;
    private final String homeRegion;
    private final Within own;
    private final MemberSessions members;
    private final Clock clock;
    private final Map<Key, Kept> sessions = new ConcurrentHashMap<>();

    private AccountReach(String homeAccount, String homeRegion, List<ResourceActions> own, MemberSessions members,
                         Clock clock) {
        this.homeAccount = homeAccount;
        this.homeRegion = homeRegion;
        this.own = new Within(own);
        this.members = members;
        this.clock = clock;
    }

    /**
     * A single-account deployment: {@code own} (the worker's role) in {@code account} and {@code region} (either
     * null: any), a person for everything else.
     */
    public static AccountReach singleAccount(String account, String region, List<ResourceActions> own) {
        return new AccountReach(account, region, own, null, Clock.systemUTC());
    }

    /**
     * An organisation's hub: {@code own} (the worker's role) in {@code hubAccount}, every region; a session from
     * {@code members} in every other account.
     */
    public static AccountReach organisation(String hubAccount, List<ResourceActions> own, MemberSessions members,
                                            Clock clock) {
        if (hubAccount == null || hubAccount.isBlank()) {
            throw new IllegalArgumentException("an organisation's hub needs its own account id (PORTCULLIS_ACCOUNT_ID)"
                    + " to tell its own resources from the members'");
        }
        return new AccountReach(hubAccount, null, own, members, clock);
    }

    @Override
    public Result at(Place place, String incidentId) {
        if (members == null) {
            return home(place) ? own : new Outside("Portcullis may not act in account " + place.account() + " / "
                    + place.region() + " (its role is scoped to account " + (homeAccount == null ? "any" : homeAccount)
                    + ", region " + (homeRegion == null ? "any" : homeRegion) + ")");
        }
        if (homeAccount.equals(place.account())) {
            return own;
        }
        if (place.account() == null || !place.account().matches("\\d{12}")) {
            return new Outside("Portcullis cannot tell which account " + place.region() + " resource belongs to (the"
                    + " event names account '" + place.account() + "')");
        }
        Instant now = clock.instant();
        sessions.values().removeIf(k -> !now.isBefore(k.until()));
        Key key = new Key(place.account(), place.clientRegion(), incidentId);
        Kept kept = sessions.get(key);
        if (kept != null) {
            return kept.result();
        }
        Kept opened = open(key, now);
        sessions.put(key, opened);
        return opened.result();
    }

    private Kept open(Key key, Instant now) {
        Place place = new Place(key.account(), key.region());
        try {
            MemberSessions.Session session = members.open(place, sessionName(key.incidentId()));
            return new Kept(new Within(session.actions()), session.expires().minus(RENEW_BEFORE));
        } catch (MemberSessions.Refused e) {
            LOG.warn("Account {} refused the member role for incident {}: {}", key.account(), key.incidentId(),
                    e.getMessage());
            return new Kept(new Outside("Portcullis could not act in account " + key.account() + " / " + key.region()
                    + ": " + e.getMessage()), now.plus(REFUSAL_KEPT));
        }
    }

    /** In the deployment's own account and region (IAM's global resources belong to every region). */
    private boolean home(Place place) {
        return (homeAccount == null || homeAccount.equals(place.account()))
                && (homeRegion == null || homeRegion.equals(place.region()) || place.global());
    }

    /**
     * {@code portcullis-<incident id>} as STS takes a session name: only letters, digits and {@code _+=,.@-} (anything
     * else becomes {@code -}), at most 64 characters.
     */
    public static String sessionName(String incidentId) {
        String name = (SESSION_PREFIX + incidentId).replaceAll("[^\\w+=,.@-]", "-");
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    private record Key(String account, String region, String incidentId) {
    }

    private record Kept(Result result, Instant until) {
    }
}
