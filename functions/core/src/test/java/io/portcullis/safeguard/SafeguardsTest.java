package io.portcullis.safeguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portcullis.protocol.TimeoutAction;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SafeguardsTest {

    static JsonNode yaml(String text) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(text);
    }

    @Test
    void theShippedProtocolSetsTheSilentFeedWindowAndTheBreaker() {
        Safeguards s = Safeguards.defaults();

        assertThat(s.silentFeedAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(s.breaker()).isEqualTo(new Safeguards.Breaker(5, Duration.ofMinutes(10), Duration.ofMinutes(30),
                TimeoutAction.ESCALATE));
    }

    @Test
    void whatTheProtocolLeavesOutTakesTheDefaults() throws Exception {
        Safeguards s = Safeguards.fromTree(yaml("version: 1\nsafeguards:\n  breaker: {maxAutomatic: 2}\n"));

        assertThat(s.silentFeedAfter()).isEqualTo(Safeguards.DEFAULT_SILENT_FEED_AFTER);
        assertThat(s.breaker().maxAutomatic()).isEqualTo(2);
        assertThat(s.breaker().within()).isEqualTo(Safeguards.Breaker.DEFAULT.within());
    }

    @Test
    void badValuesAreRefusedNamingTheField() throws Exception {
        assertThatThrownBy(() -> Safeguards.fromTree(yaml("safeguards: {silentFeedAfter: six hours}")))
                .hasMessageContaining("safeguards.silentFeedAfter").hasMessageContaining("six hours");
        assertThatThrownBy(() -> Safeguards.fromTree(yaml("safeguards: {breaker: {maxAutomatic: 0}}")))
                .hasMessageContaining("safeguards.breaker.maxAutomatic");
        assertThatThrownBy(() -> Safeguards.fromTree(yaml("safeguards: {breaker: {approval: {within: PT5M, onTimeout: wait}}}")))
                .hasMessageContaining("onTimeout").hasMessageContaining("wait");
    }
}
