package io.portcullis.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.json.Json;
import io.portcullis.testing.InMemoryLastKnownConfigurations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TakeInventoryTest {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "eu-west-1";
    static final Instant T1 = Instant.parse("2026-11-25T03:00:00Z");
    static final Instant T2 = T1.plusSeconds(300);
    static final Instant T3 = T1.plusSeconds(600);

    static final ResourceRef FLOW_LOG = ResourceRef.flowLog("fl-0123456789abcdef0", ACCOUNT, REGION);
    static final ResourceRef TRAIL = ResourceRef.trail("arn:aws:cloudtrail:eu-west-1:123456789012:trail/org", ACCOUNT,
            REGION);
    static final ResourceRef BUCKET = ResourceRef.bucket("audit-logs", ACCOUNT, "us-east-1");
    static final ResourceRef ROLE = ResourceRef.iam("role", "deployer", ACCOUNT);

    final InMemoryLastKnownConfigurations store = new InMemoryLastKnownConfigurations();
    /** What each kind's source answers now; a kind mapped to null fails to read. */
    final Map<String, List<KnownConfiguration>> live = new LinkedHashMap<>();
    final List<SweepPart> partsAsked = new ArrayList<>();

    static ObjectNode config(String field, String value) {
        return Json.mapper().createObjectNode().put(field, value);
    }

    void liveNow(String kind, ResourceRef resource, JsonNode configuration, Instant readAt) {
        live.put(kind, List.of(new KnownConfiguration(resource, configuration, readAt)));
    }

    TakeInventory sweep() {
        Map<String, InventorySource> sources = new LinkedHashMap<>();
        for (String kind : List.of("flow logs", "trails", "buckets", "iam")) {
            sources.put(kind, new InventorySource() {
                @Override
                public List<KnownConfiguration> readAll() {
                    List<KnownConfiguration> now = live.get(kind);
                    if (now == null && live.containsKey(kind)) {
                        throw new IllegalStateException("AccessDenied: not authorized to read " + kind);
                    }
                    return now == null ? List.of() : now;
                }

                @Override
                public List<KnownConfiguration> read(SweepPart part) {
                    partsAsked.add(part);
                    return readAll();
                }
            });
        }
        return new TakeInventory(sources, store);
    }

    TakeInventory.Result run() {
        return sweep().run(SweepPart.ALL, () -> false);
    }

    @Test
    void theFirstSweepRecordsEveryConfigurationAndAnUnchangedOneIsNotWrittenAgain() {
        liveNow("flow logs", FLOW_LOG, config("logDestination", "arn:aws:s3:::logs-a"), T1);
        liveNow("buckets", BUCKET, config("sseAlgorithm", "aws:kms"), T1);

        TakeInventory.Result first = run();
        liveNow("flow logs", FLOW_LOG, config("logDestination", "arn:aws:s3:::logs-a"), T2);
        liveNow("buckets", BUCKET, config("sseAlgorithm", "aws:kms"), T2);
        int callsBefore = store.recordCalls;
        TakeInventory.Result second = run();

        assertThat(first.read()).isEqualTo(2);
        assertThat(first.changed()).isEqualTo(2);
        assertThat(second.read()).isEqualTo(2);
        assertThat(second.changed()).isZero();
        assertThat(store.writes).isEqualTo(2);
        assertThat(store.recordCalls).as("unchanged configurations are not even offered to the store")
                .isEqualTo(callsBefore);
        assertThat(store.versions(FLOW_LOG)).singleElement().satisfies(k -> assertThat(k.since()).isEqualTo(T1));
    }

    @Test
    void aChangedConfigurationIsANewVersionAndTheOneBeforeTheChangeStaysAnswerable() {
        liveNow("flow logs", FLOW_LOG, config("logDestination", "arn:aws:s3:::logs-a"), T1);
        run();
        liveNow("flow logs", FLOW_LOG, config("logDestination", "arn:aws:s3:::logs-b"), T3);

        TakeInventory.Result result = run();

        assertThat(result.changed()).isEqualTo(1);
        assertThat(store.before(FLOW_LOG, T2)).hasValueSatisfying(k -> {
            assertThat(k.configuration()).isEqualTo(config("logDestination", "arn:aws:s3:::logs-a"));
            assertThat(k.since()).isEqualTo(T1);
        });
        assertThat(store.versions(FLOW_LOG)).extracting(KnownConfiguration::since).containsExactly(T3, T1);
    }

    @Test
    void aKindThatCannotBeReadIsNamedAndTheOthersAreSweptAllTheSame() {
        liveNow("flow logs", FLOW_LOG, config("logDestination", "arn:aws:s3:::logs-a"), T1);
        live.put("trails", null);
        liveNow("buckets", BUCKET, config("sseAlgorithm", "AES256"), T1);
        liveNow("iam", ROLE, Json.mapper().createObjectNode().set("inlinePolicies",
                Json.mapper().createObjectNode()), T1);

        TakeInventory.Result result = run();

        assertThat(result.unread()).containsExactly(
                "trails: IllegalStateException: AccessDenied: not authorized to read trails");
        assertThat(result.changed()).isEqualTo(3);
        assertThat(store.versions(FLOW_LOG)).hasSize(1);
        assertThat(store.versions(BUCKET)).hasSize(1);
        assertThat(store.versions(ROLE)).hasSize(1);
        assertThat(store.versions(TRAIL)).isEmpty();
    }

    @Test
    void aConfigurationTheStoreRefusesIsCountedAndTheRestAreRecorded() {
        ResourceRef other = ResourceRef.flowLog("fl-0fedcba9876543210", ACCOUNT, REGION);
        live.put("flow logs", List.of(
                new KnownConfiguration(FLOW_LOG, config("logDestination", "arn:aws:s3:::logs-a"), T1),
                new KnownConfiguration(other, config("logDestination", "arn:aws:s3:::logs-b"), T1)));
        liveNow("buckets", BUCKET, config("sseAlgorithm", "AES256"), T1);
        store.failingArns.add(FLOW_LOG.arn());

        TakeInventory.Result result = run();

        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.changed()).isEqualTo(2);
        assertThat(store.versions(other)).hasSize(1);
        assertThat(store.versions(BUCKET)).hasSize(1);
    }

    @Test
    void whenTheNewestVersionsCannotBeQueriedEachConfigurationIsCheckedByTheStoreItself() {
        liveNow("flow logs", FLOW_LOG, config("logDestination", "arn:aws:s3:::logs-a"), T1);
        run();
        store.newestFails = true;
        liveNow("flow logs", FLOW_LOG, config("logDestination", "arn:aws:s3:::logs-a"), T2);

        TakeInventory.Result unchanged = run();
        liveNow("flow logs", FLOW_LOG, config("logDestination", "arn:aws:s3:::logs-b"), T3);
        TakeInventory.Result changed = run();

        assertThat(unchanged.changed()).isZero();
        assertThat(changed.changed()).isEqualTo(1);
        assertThat(store.writes).isEqualTo(2);
    }

    @Test
    void aRunWhoseTimeIsUpStopsAndTheNextRunRecordsWhatItLeft() {
        List<KnownConfiguration> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            many.add(new KnownConfiguration(ResourceRef.flowLog("fl-" + i, ACCOUNT, REGION),
                    config("logDestination", "arn:aws:s3:::logs-" + i), T1));
        }
        live.put("flow logs", many);
        liveNow("buckets", BUCKET, config("sseAlgorithm", "AES256"), T1);
        AtomicInteger checks = new AtomicInteger();

        // Time is up after the first kind's read and four records.
        TakeInventory.Result cut = sweep().run(SweepPart.ALL, () -> checks.incrementAndGet() > 5);
        TakeInventory.Result next = run();

        assertThat(cut.changed()).isEqualTo(4);
        assertThat(cut.left()).isEqualTo(6);
        assertThat(cut.unread()).containsExactly("trails: no time left in this run",
                "buckets: no time left in this run", "iam: no time left in this run");
        assertThat(next.changed()).isEqualTo(7);
        assertThat(next.left()).isZero();
        assertThat(store.writes).isEqualTo(11);
    }

    @Test
    void eachSourceIsAskedForThePartOfThisRun() {
        SweepPart part = new SweepPart(2, 12);

        TakeInventory.Result result = sweep().run(part, () -> false);

        assertThat(partsAsked).hasSize(4).containsOnly(part);
        assertThat(result.part()).isEqualTo("3 of 12");
        assertThat(run().part()).isEqualTo("all");
    }
}
