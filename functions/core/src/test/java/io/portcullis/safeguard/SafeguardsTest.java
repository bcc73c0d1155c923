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
    void theShippedProtocolLimitsAllAccountsTogether() {
        assertThat(Safeguards.defaults().breaker().allAccounts())
                .isEqualTo(new Safeguards.Limit(25, Duration.ofMinutes(10)));
    }

    @Test
    void theLimitAcrossAllAccountsIsReadAndLeftOutNeverBindsBeforeOneAccountsOwn() throws Exception {
        Safeguards set = Safeguards.fromTree(yaml(
                "safeguards:\n  breaker: {maxAutomatic: 3, allAccounts: {maxAutomatic: 40, within: PT1H}}\n"));
        Safeguards left = Safeguards.fromTree(yaml("safeguards:\n  breaker: {maxAutomatic: 30, within: PT20M}\n"));

        assertThat(set.breaker().allAccounts()).isEqualTo(new Safeguards.Limit(40, Duration.ofHours(1)));
        assertThat(set.breaker().perAccount()).isEqualTo(new Safeguards.Limit(3, Duration.ofMinutes(10)));
        assertThat(left.breaker().allAccounts()).isEqualTo(new Safeguards.Limit(30, Duration.ofMinutes(20)));
    }

    @Test
    void badLimitsAcrossAllAccountsAreRefusedNamingTheField() throws Exception {
        assertThatThrownBy(() -> Safeguards.fromTree(yaml("safeguards: {breaker: {allAccounts: {maxAutomatic: 0}}}")))
                .hasMessage("protocol: safeguards.breaker.allAccounts.maxAutomatic must be 1 or more");
        assertThatThrownBy(() -> Safeguards.fromTree(yaml("safeguards: {breaker: {allAccounts: {within: an hour}}}")))
                .hasMessageContaining("safeguards.breaker.allAccounts.within").hasMessageContaining("an hour");
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
