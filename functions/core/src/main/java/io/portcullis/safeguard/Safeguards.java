package io.portcullis.safeguard;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.policy.PolicyFiles;
import io.portcullis.protocol.Protocol;
import io.portcullis.protocol.TimeoutAction;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * How Portcullis guards itself, from the protocol's {@code safeguards} section ({@code functions/policy/protocol.yaml}).
 * Every field is optional; the defaults below apply to what the file leaves out.
 *
 * <pre>
 * safeguards:
 *   silentFeedAfter: PT24H          # page when no event at all arrived from an account for this long
 *   breaker:
 *     maxAutomatic: 5               # more automatic remediations than this in one account …
 *     within: PT10M                 # … within this sliding window: the rest wait for approval, on-call is paged
 *     allAccounts:                  # and more than this across all accounts together, within its own window
 *       maxAutomatic: 25
 *       within: PT10M
 *     approval: {within: PT30M, onTimeout: escalate}   # the approval gate those incidents get
 * </pre>
 *
 * @param silentFeedAfter how long an account may send no event before on-call is paged (a stopped trail, a broken
 *                        forwarding rule and a disabled detector all look like silence)
 * @param breaker         the blast-radius breaker
 */
public record Safeguards(Duration silentFeedAfter, Breaker breaker) {

    public static final Duration DEFAULT_SILENT_FEED_AFTER = Duration.ofHours(24);

    /**
     * A count of automatic remediations in a sliding window.
     *
     * @param maxAutomatic how many may happen within {@code within}
     * @param within       the sliding window
     */
    public record Limit(int maxAutomatic, Duration within) {

        /** Across all accounts: five accounts' worth of the per-account default in the same window. */
        public static final Limit DEFAULT_ALL_ACCOUNTS = new Limit(25, Duration.ofMinutes(10));

        public Limit {
            check(maxAutomatic, within, "safeguards.breaker");
        }

        private static void check(int maxAutomatic, Duration within, String field) {
            if (maxAutomatic < 1) {
                throw new IllegalArgumentException("protocol: " + field + ".maxAutomatic must be 1 or more");
            }
            if (within == null || within.isNegative() || within.isZero()) {
                throw new IllegalArgumentException("protocol: " + field + ".within must be a positive duration");
            }
        }
    }

    /**
     * @param maxAutomatic   how many automatic remediations one account may have within {@code within}
     * @param within         the sliding window
     * @param approvalWithin how long on-call has to approve an incident the open breaker held back
     * @param onTimeout      what happens when nobody decides in time
     * @param allAccounts    how many automatic remediations all accounts together may have, and within what window
     */
    public record Breaker(int maxAutomatic, Duration within, Duration approvalWithin, TimeoutAction onTimeout,
                          Limit allAccounts) {

        public static final Breaker DEFAULT = new Breaker(5, Duration.ofMinutes(10), Duration.ofMinutes(30),
                TimeoutAction.ESCALATE, Limit.DEFAULT_ALL_ACCOUNTS);

        public Breaker {
            Limit.check(maxAutomatic, within, "safeguards.breaker");
            if (allAccounts == null) {
                throw new IllegalArgumentException("protocol: safeguards.breaker.allAccounts is missing");
            }
        }

        /**
         * A breaker whose limit across all accounts never binds before the per-account one in a single account
         * (the default, or {@code maxAutomatic} when that is larger, in the same window).
         */
        public Breaker(int maxAutomatic, Duration within, Duration approvalWithin, TimeoutAction onTimeout) {
            this(maxAutomatic, within, approvalWithin, onTimeout, new Limit(Math.max(maxAutomatic,
                    Limit.DEFAULT_ALL_ACCOUNTS.maxAutomatic()), within));
        }

        /** The limit of one account. */
        public Limit perAccount() {
            return new Limit(maxAutomatic, within);
        }
    }

    public Safeguards {
        if (silentFeedAfter.isNegative() || silentFeedAfter.isZero()) {
            throw new IllegalArgumentException("protocol: safeguards.silentFeedAfter must be a positive duration");
        }
    }

    /** The safeguards of the protocol shipped in the function package. */
    public static Safeguards defaults() {
        return fromTree(PolicyFiles.bundled(Protocol.RESOURCE));
    }

    /** From the protocol's YAML tree (already checked by {@code ./portcullis validate}). */
    public static Safeguards fromTree(JsonNode protocol) {
        JsonNode s = protocol.path("safeguards");
        JsonNode b = s.path("breaker");
        Breaker d = Breaker.DEFAULT;
        int maxAutomatic = b.has("maxAutomatic") ? b.path("maxAutomatic").asInt(0) : d.maxAutomatic();
        Duration within = duration(b.path("within"), d.within(), "safeguards.breaker.within");
        JsonNode all = b.path("allAccounts");
        // Left out, the limit across all accounts follows the per-account one's window and never binds first in a
        // single account: a deployment of one account behaves as before there was such a limit.
        int allMax = all.has("maxAutomatic") ? all.path("maxAutomatic").asInt(0)
                : Math.max(maxAutomatic, Limit.DEFAULT_ALL_ACCOUNTS.maxAutomatic());
        Duration allWithin = duration(all.path("within"), within, "safeguards.breaker.allAccounts.within");
        Limit allAccounts;
        try {
            allAccounts = new Limit(allMax, allWithin);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("safeguards.breaker.",
                    "safeguards.breaker.allAccounts."), e);
        }
        Breaker breaker = new Breaker(maxAutomatic, within,
                duration(b.path("approval").path("within"), d.approvalWithin(), "safeguards.breaker.approval.within"),
                b.path("approval").has("onTimeout") ? timeout(b.path("approval").path("onTimeout").asText(""))
                        : d.onTimeout(), allAccounts);
        return new Safeguards(duration(s.path("silentFeedAfter"), DEFAULT_SILENT_FEED_AFTER,
                "safeguards.silentFeedAfter"), breaker);
    }

    private static Duration duration(JsonNode node, Duration fallback, String field) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        try {
            return Duration.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("protocol: " + field + " is '" + node.asText()
                    + "', not an ISO-8601 duration such as PT10M", e);
        }
    }

    private static TimeoutAction timeout(String text) {
        return Arrays.stream(TimeoutAction.values()).filter(t -> t.key().equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("protocol: safeguards.breaker.approval.onTimeout is '"
                        + text + "', not one of [remediate, escalate, abort]"));
    }
}
