package io.portcullis.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IncidentStore;
import io.portcullis.incident.RemediationMode;
import io.portcullis.incident.TimelineEntry;
import io.portcullis.json.Json;
import io.portcullis.network.Cidr;
import io.portcullis.network.IngressRule;
import io.portcullis.network.IpProtocol;
import io.portcullis.network.PortRange;
import io.portcullis.playbook.PlaybookWorker;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Protocol;
import io.portcullis.remediation.ResourceTags;
import io.portcullis.remediation.SecurityGroupState;
import io.portcullis.rule.RuleSet;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Repeats (the same problem under a new event id) and redeliveries (the same event id again) of an open incident's
 * problem: every repeat is counted once, and a redelivery never, however many repeats the incident already has (its
 * timeline names only the first {@link Incident#REPEATS_ON_TIMELINE}) and whatever became of the incident since.
 */
class RepeatsAndRedeliveriesTest {

    static final String SG = "sg-0a1b2c3d4e5f60001";
    static final IngressRule SSH_WORLD = new IngressRule("sgr-0f1e2d3c4b5a60001", IpProtocol.TCP, new PortRange(22, 22),
            Cidr.parse("0.0.0.0/0"), null, "temporary debug access");

    final InMemoryIncidentStore incidents = new InMemoryIncidentStore();
    final InMemorySecurityGroups groups = new InMemorySecurityGroups();
    final List<String> handedOver = new ArrayList<>();
    final Clock clock = Clock.fixed(Instant.parse("2026-11-25T03:42:09Z"), ZoneOffset.UTC);

    @BeforeEach
    void productionGroupWithTheOffendingRule() {
        groups.put(new SecurityGroupState(ResourceRef.securityGroup(SG, "123456789012", "us-east-1"), "web-prod",
                Map.of("environment", "production"), List.of(SSH_WORLD)));
    }

    DetectChange detector(IncidentStore store) {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), groups, ResourceTags.NONE,
                store, (incident, input) -> handedOver.add(incident.incidentId()), clock, RemediationMode.ENFORCE,
                Set.of());
    }

    /** The console's SSH-to-the-world change under event id {@code eventId}: the same problem each time. */
    static byte[] change(String eventId) {
        try {
            ObjectNode event = (ObjectNode) Json.mapper().readTree(
                    Fixtures.bytes("cloudtrail/ec2-authorize-ssh-world-console.json"));
            ((ObjectNode) event.path("detail")).put("eventID", eventId);
            return Json.mapper().writeValueAsBytes(event);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String repeat(int i) {
        return String.format("e1a2b3c4-0000-4000-8000-%012d", i);
    }

    String open() {
        DetectionResult first = detector(incidents).handle(change(repeat(0)));
        assertThat(first).isInstanceOf(DetectionResult.Opened.class);
        return ((DetectionResult.Opened) first).incident().incidentId();
    }

    @Test
    void aRedeliveryIsADuplicateHoweverManyRepeatsTheIncidentHas() {
        String incidentId = open();
        List<DetectionResult> repeats = new ArrayList<>();
        List<DetectionResult> redeliveries = new ArrayList<>();

        for (int i = 1; i <= 120; i++) {
            repeats.add(detector(incidents).handle(change(repeat(i))));
            redeliveries.add(detector(incidents).handle(change(repeat(i))));
        }
        DetectionResult openerAgain = detector(incidents).handle(change(repeat(0)));

        assertThat(repeats).hasSize(120).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(
                DetectionResult.Attached.class, a -> assertThat(a.incidentId()).isEqualTo(incidentId)));
        assertThat(redeliveries).hasSize(120).allSatisfy(r -> assertThat(r).isEqualTo(
                new DetectionResult.Duplicate(incidentId)));
        assertThat(openerAgain).isEqualTo(new DetectionResult.Duplicate(incidentId));
        Incident incident = incidents.find(incidentId).orElseThrow();
        assertThat(incident.occurrences()).isEqualTo(1 + 120);
        assertThat(incident.timeline()).filteredOn(t -> t.step().equals("repeated"))
                .hasSize(Incident.REPEATS_ON_TIMELINE);
        assertThat(incidents.size()).isEqualTo(1);
    }

    @Test
    void aRepeatRedeliveredAfterItsIncidentFinishedOpensNothing() {
        String incidentId = open();
        detector(incidents).handle(change(repeat(1)));
        Incident open = incidents.find(incidentId).orElseThrow();
        incidents.replace(open.next(IncidentStatus.RESOLVED, new TimelineEntry(clock.instant(), "Resolve",
                PlaybookWorker.ACTOR, "Resolved: revoked.")), open.version());

        DetectionResult redelivered = detector(incidents).handle(change(repeat(1)));

        assertThat(redelivered).isEqualTo(new DetectionResult.Duplicate(incidentId));
        assertThat(incidents.size()).as("no second incident, so no second remediation").isEqualTo(1);
        assertThat(incidents.find(incidentId).orElseThrow().occurrences()).isEqualTo(2);
    }

    /** Incidents written before repeats took a claim name their repeats only on the timeline: that still counts. */
    @Test
    void aRepeatNotedOnlyOnAnOlderIncidentsTimelineIsStillADuplicate() {
        String incidentId = open();
        Incident open = incidents.find(incidentId).orElseThrow();
        incidents.replace(open.repeated(new TimelineEntry(clock.instant(), "repeated", DetectChange.ACTOR,
                "Repeated: AuthorizeSecurityGroupIngress by alice (console) at 2026-11-25T03:40:00Z, event "
                        + repeat(7) + ".")), open.version());

        DetectionResult redelivered = detector(incidents).handle(change(repeat(7)));

        assertThat(redelivered).isEqualTo(new DetectionResult.Duplicate(incidentId));
        assertThat(incidents.find(incidentId).orElseThrow().occurrences()).isEqualTo(2);
    }

    @Test
    void aRedeliveryPastTheCapStillHandsAStrandedPlaybookOver() {
        String incidentId = open();
        for (int i = 1; i <= Incident.REPEATS_ON_TIMELINE + 5; i++) {
            detector(incidents).handle(change(repeat(i)));
        }
        handedOver.clear();

        DetectionResult stranded = detector(incidents).handle(change(repeat(Incident.REPEATS_ON_TIMELINE + 5)));
        Incident open = incidents.find(incidentId).orElseThrow();
        incidents.replace(open.noted(new TimelineEntry(clock.instant(), "Snapshot", PlaybookWorker.ACTOR,
                "Snapshot taken.")), open.version());
        DetectionResult running = detector(incidents).handle(change(repeat(Incident.REPEATS_ON_TIMELINE + 5)));

        assertThat(stranded).isEqualTo(new DetectionResult.Duplicate(incidentId));
        assertThat(running).isEqualTo(new DetectionResult.Duplicate(incidentId));
        assertThat(handedOver).as("handed over while no playbook step had run, not after").containsExactly(incidentId);
    }

    /**
     * Two deliveries of the same repeat at once: both find no claim, both read the incident at the same version; the
     * one that writes second finds the claim taken and is a duplicate, not a retry that counts the event again.
     */
    @Test
    void twoDeliveriesOfOneRepeatAtOnceCountItOnce() {
        String incidentId = open();
        List<DetectionResult> first = new ArrayList<>();
        IncidentStore racing = beforeFirstAttach(incidents,
                () -> first.add(detector(incidents).handle(change(repeat(1)))));

        DetectionResult second = detector(racing).handle(change(repeat(1)));

        assertThat(first).containsExactly(new DetectionResult.Attached(incidentId, repeat(1)));
        assertThat(second).isEqualTo(new DetectionResult.Duplicate(incidentId));
        assertThat(incidents.find(incidentId).orElseThrow().occurrences()).isEqualTo(2);
    }

    /** Another repeat wrote the incident between this one's read and write: read again, and this one counts too. */
    @Test
    void aRepeatThatLosesTheRaceToAnotherIsAttachedOnTheNextTry() {
        String incidentId = open();
        List<DetectionResult> other = new ArrayList<>();
        IncidentStore racing = beforeFirstAttach(incidents,
                () -> other.add(detector(incidents).handle(change(repeat(2)))));

        DetectionResult result = detector(racing).handle(change(repeat(1)));

        assertThat(other).containsExactly(new DetectionResult.Attached(incidentId, repeat(2)));
        assertThat(result).isEqualTo(new DetectionResult.Attached(incidentId, repeat(1)));
        assertThat(incidents.find(incidentId).orElseThrow().occurrences()).isEqualTo(3);
        assertThat(incidents.attachedTo(repeat(1))).contains(incidentId);
        assertThat(incidents.attachedTo(repeat(2))).contains(incidentId);
    }

    /** {@code store}, with {@code meanwhile} run once just before the first attach reaches it. */
    static IncidentStore beforeFirstAttach(InMemoryIncidentStore store, Runnable meanwhile) {
        boolean[] ran = {false};
        return new IncidentStore() {
            public Creation create(Incident i) {
                return store.create(i);
            }

            public Optional<Incident> find(String id) {
                return store.find(id);
            }

            public boolean replace(Incident u, long v) {
                return store.replace(u, v);
            }

            public Attachment attach(Incident u, long v, String e, Instant at) {
                if (!ran[0]) {
                    ran[0] = true;
                    meanwhile.run();
                }
                return store.attach(u, v, e, at);
            }

            public Optional<String> attachedTo(String e) {
                return store.attachedTo(e);
            }

            public List<Incident> detectedBetween(Instant f, Instant t) {
                return store.detectedBetween(f, t);
            }

            public List<Incident> unfinished() {
                return store.unfinished();
            }

            public List<Incident> forResource(String key) {
                return store.forResource(key);
            }
        };
    }
}
