package io.portcullis.report;

import io.portcullis.change.Actor;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.exception.PolicyException;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.Resolution;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.protocol.Decision;
import io.portcullis.protocol.Priority;
import io.portcullis.protocol.Response;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A generated incident history: every kind of incident the report counts, with seeded random times and owners. */
public final class History {

    static final String[] ACCOUNTS = {"111111111111", "222222222222", "333333333333"};
    static final String[] PRINCIPALS = {"arn:aws:sts::111111111111:assumed-role/Admin/alice",
            "arn:aws:sts::111111111111:assumed-role/Admin/bob", "arn:aws:iam::222222222222:user/carol",
            "arn:aws:sts::333333333333:assumed-role/terraform/ci"};

    private History() {
    }

    /** {@code n} incidents detected in {@code [from, to)}. */
    public static List<Incident> generate(long seed, int n, Instant from, Instant to) {
        Random random = new Random(seed);
        List<Incident> out = new ArrayList<>();
        long span = Duration.between(from, to).toSeconds();
        for (int k = 0; k < n; k++) {
            Instant detected = from.plusSeconds((long) (random.nextDouble() * span));
            Priority priority = Priority.values()[random.nextInt(4)];
            RuleFamily family = RuleFamily.values()[random.nextInt(RuleFamily.values().length)];
            Origin origin = Origin.values()[random.nextInt(Origin.values().length)];
            String account = ACCOUNTS[random.nextInt(ACCOUNTS.length)];
            String principal = PRINCIPALS[random.nextInt(PRINCIPALS.length)];
            // A few resources come back again and again.
            String resourceId = random.nextInt(10) == 0 ? "sg-repeat" + random.nextInt(3) : "sg-" + k;
            out.add(incident(k, detected, priority, family, origin, account, principal, resourceId, random));
        }
        return out;
    }

    static Incident incident(int k, Instant detected, Priority priority, RuleFamily family, Origin origin,
                             String account, String principal, String resourceId, Random random) {
        Instant event = detected.minusSeconds(1 + random.nextInt(600));
        Response response = switch (priority) {
            case P1 -> Response.AUTO;
            case P2 -> Response.APPROVAL;
            case P3 -> Response.SCHEDULED;
            case P4 -> Response.RECORD;
        };
        IncidentStatus status;
        Resolution resolution;
        Instant remediated = null;
        Instant verified = null;
        Instant resolved = null;
        Instant decided = detected;
        PolicyException risk = null;
        int roll = random.nextInt(10);
        long containIn = switch (priority) {
            case P1 -> 5 + random.nextInt(1800);
            case P2 -> 60 + random.nextInt(6 * 3600);
            case P3 -> 3600 + random.nextInt(9 * 86_400);
            case P4 -> 0;
        };
        if (response == Response.RECORD) {
            status = IncidentStatus.RESOLVED;
            resolution = Resolution.RECORDED;
            resolved = detected;
        } else if (roll == 0) {
            status = IncidentStatus.OPEN;
            resolution = response == Response.AUTO ? Resolution.AUTOMATIC : null;
            decided = resolution == null ? null : detected;
        } else if (roll == 1 && response != Response.AUTO) {
            status = IncidentStatus.REJECTED;
            resolution = Resolution.REJECTED;
            decided = detected.plusSeconds(120);
            risk = new PolicyException("rule-" + family.key(), resourceId, null, null, List.of(), "owner" + k,
                    "accepted", LocalDate.ofInstant(detected, java.time.ZoneOffset.UTC).plusDays(random.nextInt(40)),
                    "Slack rejection of inc-" + k);
        } else if (roll == 2) {
            status = IncidentStatus.FAILED;
            resolution = response == Response.AUTO ? Resolution.AUTOMATIC : Resolution.APPROVED;
        } else {
            status = IncidentStatus.RESOLVED;
            resolution = response == Response.AUTO ? Resolution.AUTOMATIC
                    : roll == 3 ? Resolution.TIMED_OUT : Resolution.APPROVED;
            remediated = detected.plusSeconds(containIn);
            verified = remediated.plusSeconds(2);
            resolved = verified.plusSeconds(1);
        }
        ResourceRef resource = ResourceRef.securityGroup(resourceId, account, "eu-west-1");
        Finding finding = Finding.of("rule-" + family.key(), family, Severity.HIGH, Exposure.INTERNET, resource,
                Map.of(), "generated");
        Actor actor = new Actor(principal, "AssumedRole", null, true, "203.0.113.1", "console");
        List<TimelineEntry> timeline = List.of(new TimelineEntry(detected, "detected", "portcullis-detector", "x"),
                new TimelineEntry(resolved != null ? resolved : detected.plusSeconds(200), "last", "portcullis", "y"));
        return new Incident("inc-gen-" + k, 2, status, RemediationMode.ENFORCE, "gen-" + k, "Generated", event, actor,
                origin, resource, "production", List.of(finding), priority, response,
                new Decision(priority, response, 1, "row", Map.of()), detected, remediated, verified, resolved,
                detected.plusSeconds(3), decided, resolution, List.of(), "generated", timeline, List.of(), List.of(), 1,
                risk);
    }
}
