package io.portcullis.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryLastKnownConfigurationsTest {

    final InMemoryLastKnownConfigurations inventory = new InMemoryLastKnownConfigurations();
    final ResourceRef flowLog = ResourceRef.flowLog("fl-1", "123456789012", "us-east-1");

    static JsonNode config(String resourceId, String traffic) {
        return Json.mapper().createObjectNode().put("resourceId", resourceId).put("trafficType", traffic);
    }

    static Instant at(String time) {
        return Instant.parse("2026-11-25T" + time + "Z");
    }

    @Test
    void theVersionInPlaceBeforeAChangeIsTheNewestFirstSeenStrictlyBeforeIt() {
        assertThat(inventory.record(flowLog, config("vpc-1", "ALL"), at("01:00:00"))).isTrue();
        assertThat(inventory.record(flowLog, config("vpc-1", "ALL"), at("02:00:00"))).as("unchanged").isFalse();
        assertThat(inventory.record(flowLog, config("vpc-1", "REJECT"), at("03:00:00"))).isTrue();

        assertThat(inventory.before(flowLog, at("03:00:00")).orElseThrow().configuration()).isEqualTo(config("vpc-1", "ALL"));
        assertThat(inventory.before(flowLog, at("03:00:01")).orElseThrow().configuration())
                .isEqualTo(config("vpc-1", "REJECT"));
        assertThat(inventory.before(flowLog, at("01:00:00"))).isEmpty();
        assertThat(inventory.versions(flowLog)).extracting(KnownConfiguration::since)
                .containsExactly(at("03:00:00"), at("01:00:00"));
    }

    @Test
    void keepsOnlyTheNewestVersions() {
        for (int i = 0; i < LastKnownConfigurations.VERSIONS_KEPT + 2; i++) {
            inventory.record(flowLog, config("vpc-" + i, "ALL"), at("0" + i + ":00:00"));
        }
        assertThat(inventory.versions(flowLog)).hasSize(LastKnownConfigurations.VERSIONS_KEPT)
                .first().satisfies(v -> assertThat(v.configuration().path("resourceId").asText()).isEqualTo("vpc-6"));
    }

    @Test
    void theNewestOfEachResourceOfATypeInTheAccountAndRegionDeletedOnesIncluded() {
        ResourceRef other = ResourceRef.flowLog("fl-2", "123456789012", "us-east-1");
        ResourceRef elsewhere = ResourceRef.flowLog("fl-3", "123456789012", "eu-west-1");
        inventory.record(flowLog, config("vpc-1", "ALL"), at("01:00:00"));
        inventory.record(other, config("vpc-2", "ALL"), at("02:00:00"));
        inventory.record(elsewhere, config("vpc-3", "ALL"), at("03:00:00"));
        inventory.record(ResourceRef.securityGroup("sg-1", "123456789012", "us-east-1"),
                Json.mapper().createObjectNode(), at("04:00:00"));

        assertThat(inventory.latestOfType(ResourceRef.FLOW_LOG, "123456789012", "us-east-1"))
                .extracting(k -> k.resource().id()).containsExactly("fl-2", "fl-1");
    }
}
