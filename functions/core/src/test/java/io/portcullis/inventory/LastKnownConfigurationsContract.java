package io.portcullis.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LastKnownConfigurations} that keeps versions does, run against the in-memory fake
 * ({@code InMemoryLastKnownConfigurationsTest}) and the DynamoDB store in the emulator ({@code DynamoDbInventoryIT}),
 * so tests that use the fake can trust it to behave as the store.
 */
public abstract class LastKnownConfigurationsContract {

    static final String ACCOUNT = "123456789012";
    static final String REGION = "eu-west-1";
    static final Instant T1 = Instant.parse("2026-11-25T03:00:00Z");
    static final Instant T2 = T1.plusSeconds(300);
    static final Instant T3 = T1.plusSeconds(600);

    /** A fresh store, or one where the resources of each test (named uniquely) are new. */
    protected abstract LastKnownConfigurations store();

    LastKnownConfigurations store;

    @BeforeEach
    void aStore() {
        store = store();
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 17);
    }

    static ResourceRef flowLog() {
        return ResourceRef.flowLog(unique("fl-"), ACCOUNT, REGION);
    }

    static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static JsonNode flowLogTo(String bucket) {
        return json("{\"resourceId\": \"vpc-0a1b2c3d\", \"resourceType\": \"VPC\", \"trafficType\": \"ALL\","
                + " \"logDestinationType\": \"s3\", \"logDestination\": \"arn:aws:s3:::" + bucket + "\","
                + " \"logGroupName\": null, \"maxAggregationInterval\": 600, \"tags\": {\"team\": \"net\"}}");
    }

    @Test
    void recordsANewVersionOnlyWhenTheConfigurationDiffersFromTheNewest() {
        ResourceRef r = flowLog();

        boolean first = store.record(r, flowLogTo("logs-a"), T1);
        boolean same = store.record(r, flowLogTo("logs-a"), T2);
        boolean changed = store.record(r, flowLogTo("logs-b"), T3);

        assertThat(List.of(first, same, changed)).containsExactly(true, false, true);
        assertThat(store.versions(r)).extracting(KnownConfiguration::since).containsExactly(T3, T1);
        assertThat(store.versions(r)).extracting(k -> k.configuration().path("logDestination").asText())
                .containsExactly("arn:aws:s3:::logs-b", "arn:aws:s3:::logs-a");
        assertThat(store.versions(r).get(0).resource()).isEqualTo(r);
    }

    @Test
    void theSameConfigurationWrittenInAnotherKeyOrderIsNotANewVersion() {
        ResourceRef r = flowLog();
        store.record(r, json("{\"a\": 1, \"b\": {\"c\": [1, 2]}}"), T1);

        assertThat(store.record(r, json("{\"b\": {\"c\": [1, 2]}, \"a\": 1}"), T2)).isFalse();
        assertThat(store.versions(r)).hasSize(1);
    }

    @Test
    void beforeAnswersTheNewestVersionFirstSeenStrictlyBeforeTheInstant() {
        ResourceRef r = flowLog();
        store.record(r, flowLogTo("logs-a"), T1);
        store.record(r, flowLogTo("logs-b"), T3);

        assertThat(store.before(r, T1)).isEmpty();
        assertThat(store.before(r, T1.plusMillis(1))).hasValueSatisfying(k -> assertThat(k.since()).isEqualTo(T1));
        assertThat(store.before(r, T3)).hasValueSatisfying(k -> {
            assertThat(k.since()).isEqualTo(T1);
            assertThat(k.configuration()).isEqualTo(flowLogTo("logs-a"));
            assertThat(k.resource()).isEqualTo(r);
        });
        assertThat(store.before(r, T3.plusSeconds(1))).hasValueSatisfying(k ->
                assertThat(k.configuration()).isEqualTo(flowLogTo("logs-b")));
        assertThat(store.before(flowLog(), T3)).as("a resource no sweep saw").isEmpty();
    }

    @Test
    void aVersionIsDatedToTheMillisecondRoundedUpSoNeverBeforeTheReadThatSawIt() {
        ResourceRef r = flowLog();
        Instant read = T1.plusNanos(500_000);

        store.record(r, flowLogTo("logs-a"), read);

        assertThat(store.versions(r).get(0).since()).isEqualTo(T1.plusMillis(1));
        assertThat(store.before(r, read)).isEmpty();
        assertThat(store.before(r, T1.plusMillis(1))).isEmpty();
        assertThat(store.before(r, T1.plusMillis(1).plusNanos(1))).isPresent();
    }

    @Test
    void keepsTheLastFiveVersionsAndForgetsOlderOnes() {
        ResourceRef r = flowLog();
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < LastKnownConfigurations.VERSIONS_KEPT + 2; i++) {
            Instant at = T1.plusSeconds(300L * i);
            times.add(at);
            assertThat(store.record(r, flowLogTo("logs-" + i), at)).isTrue();
        }

        List<KnownConfiguration> kept = store.versions(r);

        assertThat(kept).hasSize(LastKnownConfigurations.VERSIONS_KEPT);
        assertThat(kept).extracting(KnownConfiguration::since)
                .containsExactlyElementsOf(times.reversed().subList(0, LastKnownConfigurations.VERSIONS_KEPT));
        assertThat(store.before(r, times.get(2))).as("the versions before it are forgotten").isEmpty();
        assertThat(store.before(r, times.get(3))).hasValueSatisfying(k ->
                assertThat(k.configuration()).isEqualTo(flowLogTo("logs-2")));
    }

    @Test
    void aReadingNoNewerThanTheNewestVersionIsNotRecorded() {
        ResourceRef r = flowLog();
        store.record(r, flowLogTo("logs-b"), T3);

        assertThat(store.record(r, flowLogTo("logs-a"), T2)).as("an older reading").isFalse();
        assertThat(store.record(r, flowLogTo("logs-a"), T3)).as("a reading at the same time").isFalse();
        assertThat(store.versions(r)).extracting(KnownConfiguration::since).containsExactly(T3);
    }

    @Test
    void resourcesAreKeptApartByTheirArn() {
        String id = unique("sg-");
        ResourceRef here = ResourceRef.securityGroup(id, ACCOUNT, REGION);
        ResourceRef otherAccount = ResourceRef.securityGroup(id, "210987654321", REGION);
        ResourceRef otherRegion = ResourceRef.securityGroup(id, ACCOUNT, "us-east-1");

        store.record(here, json("{\"ingress\": []}"), T1);
        store.record(otherAccount, json("{\"ingress\": [{\"ruleId\": \"sgr-1\"}]}"), T2);

        assertThat(store.versions(here)).singleElement().satisfies(k ->
                assertThat(k.configuration()).isEqualTo(json("{\"ingress\": []}")));
        assertThat(store.versions(otherAccount)).singleElement().satisfies(k -> assertThat(k.since()).isEqualTo(T2));
        assertThat(store.versions(otherRegion)).isEmpty();
    }

    @Test
    void newestListsTheLastVersionOfEveryResourceOfATypeInOneAccountAndRegion() {
        String region = unique("test-region-");
        ResourceRef a = ResourceRef.flowLog(unique("fl-"), ACCOUNT, region);
        ResourceRef b = ResourceRef.flowLog(unique("fl-"), ACCOUNT, region);
        store.record(a, flowLogTo("logs-a"), T1);
        store.record(a, flowLogTo("logs-a2"), T2);
        store.record(b, flowLogTo("logs-b"), T1);
        store.record(ResourceRef.flowLog(unique("fl-"), "210987654321", region), flowLogTo("other-account"), T1);
        store.record(ResourceRef.flowLog(unique("fl-"), ACCOUNT, region + "-2"), flowLogTo("other-region"), T1);
        store.record(ResourceRef.securityGroup(unique("sg-"), ACCOUNT, region), json("{\"ingress\": []}"), T1);

        List<KnownConfiguration> newest = store.newest(ResourceRef.FLOW_LOG, ACCOUNT, region);

        assertThat(newest).extracting(KnownConfiguration::resource).containsExactlyInAnyOrder(a, b);
        assertThat(newest).filteredOn(k -> k.resource().equals(a)).singleElement().satisfies(k -> {
            assertThat(k.since()).isEqualTo(T2);
            assertThat(k.configuration()).isEqualTo(flowLogTo("logs-a2"));
        });
        assertThat(store.newest(ResourceRef.FLOW_LOG, ACCOUNT, unique("empty-region-"))).isEmpty();
    }

    @Test
    void twoSweepsRecordingAtOnceLoseNoVersion() throws Exception {
        ResourceRef r = flowLog();
        store.record(r, flowLogTo("logs-0"), T1);
        // Two sweeps, interleaved in time: one saw logs-a at T1+1 s and T1+3 s, the other logs-b at T1+2 s and +4 s.
        Map<String, Boolean> written = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> sweeps = new ArrayList<>();
            for (String sweep : List.of("a", "b")) {
                int offset = sweep.equals("a") ? 1 : 2;
                sweeps.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 2; i++) {
                        String bucket = "logs-" + sweep + i;
                        written.put(bucket, store.record(r, flowLogTo(bucket), T1.plusSeconds(offset + 2L * i)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> s : sweeps) {
                s.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<KnownConfiguration> kept = store.versions(r);
        List<String> keptBuckets = kept.stream().map(k -> k.configuration().path("logDestination").asText()
                .substring("arn:aws:s3:::".length())).toList();
        List<String> reportedWritten = written.entrySet().stream().filter(Map.Entry::getValue)
                .map(Map.Entry::getKey).toList();

        assertThat(keptBuckets).as("every version a sweep was told it wrote is kept")
                .containsAll(reportedWritten).hasSize(reportedWritten.size() + 1).endsWith("logs-0");
        List<Instant> sinces = new ArrayList<>(kept.stream().map(KnownConfiguration::since).toList());
        List<Instant> sorted = new ArrayList<>(sinces);
        sorted.sort(Collections.reverseOrder());
        assertThat(sinces).as("newest first, each later than the one before").isEqualTo(sorted).doesNotHaveDuplicates();
        assertThat(reportedWritten).as("the last reading of all is kept as the newest").contains("logs-b1");
    }
}
