package io.portcullis.remediation;

import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IncidentStore;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.network.IngressRule;
import io.portcullis.protocol.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The remediation function's use case for security-group ingress: claim the incident, re-read the group, revoke
 * only the offending rules that are still there, re-read to verify, resolve.
 *
 * <p>Safe to run twice for the same incident, and concurrently: the claim is an optimistic-lock write, and a claim
 * older than {@link #CLAIM_TIMEOUT} is taken over (its worker died).
 */
public final class RemediateIncident {

    public static final String ACTOR = "portcullis-remediator";
    public static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(5);

    private final IncidentStore incidents;
    private final SecurityGroupInspector inspector;
    private final SecurityGroupRemediator remediator;
    private final Clock clock;
    private final RemediationMode mode;

    public RemediateIncident(IncidentStore incidents, SecurityGroupInspector inspector,
                             SecurityGroupRemediator remediator, Clock clock, RemediationMode mode) {
        this.incidents = incidents;
        this.inspector = inspector;
        this.remediator = remediator;
        this.clock = clock;
        this.mode = mode;
    }

    public RemediationResult remediate(String incidentId) {
        Optional<Incident> found = incidents.find(incidentId);
        if (found.isEmpty()) {
            return new RemediationResult.Skipped(incidentId, "no incident with this id");
        }
        Incident incident = found.get();
        if (incident.status().isFinal()) {
            return new RemediationResult.Skipped(incidentId, "already " + incident.status());
        }
        if (incident.response() != Response.AUTO) {
            return new RemediationResult.Skipped(incidentId,
                    "the protocol says " + incident.response().label() + ", not automatic remediation");
        }
        if (!ResourceRef.SECURITY_GROUP.equals(incident.resource().type())
                || !"AuthorizeSecurityGroupIngress".equals(incident.eventName())) {
            // Only added ingress is revoked here; anything else waits for its playbook, whoever queued it.
            return new RemediationResult.Skipped(incidentId, "no automatic remediation for " + incident.eventName()
                    + " on " + incident.resource().type());
        }
        Instant now = clock.instant();
        if (incident.status() == IncidentStatus.REMEDIATING && incident.claimedAt() != null
                && incident.claimedAt().plus(CLAIM_TIMEOUT).isAfter(now)) {
            return new RemediationResult.Busy(incidentId);
        }
        Incident claimed = incident.next(IncidentStatus.REMEDIATING,
                        new TimelineEntry(now, "claimed", ACTOR, "Remediation started (" + effectiveMode(incident).value() + ")."))
                .withClaimedAt(now);
        if (!incidents.replace(claimed, incident.version())) {
            return new RemediationResult.Busy(incidentId);
        }
        try {
            return new RemediationResult.Finished(act(claimed));
        } catch (RuntimeException e) {
            // Release the claim so the queue's retry can act at once, and let the error reach Lambda.
            TimelineEntry failed = new TimelineEntry(clock.instant(), "attempt-failed", ACTOR,
                    "Remediation attempt failed and will be retried: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            incidents.find(incidentId).filter(current -> current.status() == IncidentStatus.REMEDIATING)
                    .ifPresent(current -> incidents.replace(current.next(IncidentStatus.OPEN, failed), current.version()));
            throw e;
        }
    }

    /** The stricter of the incident's recorded mode and this worker's: a dry-run incident is never enforced. */
    private RemediationMode effectiveMode(Incident incident) {
        return incident.mode() == RemediationMode.DRY_RUN ? RemediationMode.DRY_RUN : mode;
    }

    private Incident act(Incident claimed) {
        List<IngressRule> offending = claimed.offendingRules();
        Optional<SecurityGroupState> before = inspector.describe(claimed.resource());
        List<IngressRule> present = before.map(s -> s.stillPresent(offending)).orElse(List.of());
        Instant now = clock.instant();
        if (present.isEmpty() && !claimed.revokedRules().isEmpty()) {
            // An earlier attempt revoked and recorded it, then failed before verifying: verify now.
            Incident resolved = claimed.next(IncidentStatus.RESOLVED, new TimelineEntry(now, "verified", ACTOR,
                    "Re-read " + claimed.resource().id() + ": the rule revoked earlier is gone."));
            return save(resolved.withRemediation(claimed.revokedRules(), claimed.remediatedAt(), now, now), claimed);
        }
        if (present.isEmpty()) {
            String why = before.isEmpty()
                    ? "Security group " + claimed.resource().id() + " no longer exists; nothing to undo."
                    : "The offending rule is already gone from " + claimed.resource().id() + "; nothing was changed.";
            Incident resolved = claimed.next(IncidentStatus.RESOLVED, new TimelineEntry(now, "verified", ACTOR, why));
            return save(resolved.withRemediation(List.of(), null, now, now), claimed);
        }
        String rules = describe(present);
        if (effectiveMode(claimed) == RemediationMode.DRY_RUN) {
            Incident dry = claimed.next(IncidentStatus.DRY_RUN, new TimelineEntry(now, "dry-run", ACTOR,
                    "Dry-run: would revoke " + rules + " from " + claimed.resource().id()
                            + "; no change was made to the account."));
            return save(dry.withRemediation(present, null, null, now), claimed);
        }
        remediator.revokeIngress(claimed.resource(), present.stream().map(IngressRule::ruleId).toList());
        Instant remediatedAt = clock.instant();
        // Recorded before verifying, so a failure from here on cannot hide that Portcullis changed the group.
        Incident revoked = save(claimed.next(IncidentStatus.REMEDIATING, new TimelineEntry(remediatedAt, "remediated",
                ACTOR, "Revoked " + rules + " from " + claimed.resource().id() + "."))
                .withRemediation(present, remediatedAt, null, null), claimed);

        List<IngressRule> left = inspector.describe(claimed.resource()).map(s -> s.stillPresent(offending)).orElse(List.of());
        Instant verifiedAt = clock.instant();
        if (!left.isEmpty()) {
            Incident failed = revoked.next(IncidentStatus.FAILED, new TimelineEntry(verifiedAt, "verify-failed", ACTOR,
                    "After the revoke, " + describe(left) + " is still present on " + claimed.resource().id()
                            + "; a person must look."));
            return save(failed.withRemediation(present, remediatedAt, null, null), revoked);
        }
        Incident resolved = revoked.next(IncidentStatus.RESOLVED, new TimelineEntry(verifiedAt, "verified", ACTOR,
                "Re-read " + claimed.resource().id() + ": the offending rule is gone; the other rules are untouched."));
        return save(resolved.withRemediation(present, remediatedAt, verifiedAt, verifiedAt), revoked);
    }

    private Incident save(Incident updated, Incident claimed) {
        Incident versioned = updated.withVersion(claimed.version() + 1);
        if (!incidents.replace(versioned, claimed.version())) {
            throw new IllegalStateException("incident " + claimed.incidentId()
                    + " was changed by someone else while this worker held its claim");
        }
        return versioned;
    }

    private static String describe(List<IngressRule> rules) {
        return rules.stream().map(r -> r.describe() + (r.ruleId() != null ? " (" + r.ruleId() + ")" : ""))
                .collect(Collectors.joining(", "));
    }
}
