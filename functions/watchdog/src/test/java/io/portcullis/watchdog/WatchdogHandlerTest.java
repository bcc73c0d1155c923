package io.portcullis.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WatchdogHandlerTest {

    /**
     * Only {@code {"inventory": "full"}} reads every bucket; what the schedule sends (nothing, or an empty object)
     * and any other input read this run's share, and never stop the silent-feed check.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"inventory\": \"full\"} | true",
            "'' | false",
            "{} | false",
            "{\"inventory\": null} | false",
            "{\"inventory\": \"everything\"} | false",
            "[1, 2] | false",
            "not json | false"})
    void onlyAnExplicitFullInventoryReadsEveryBucket(String input, boolean full) {
        assertThat(WatchdogHandler.fullInventory(input.getBytes(StandardCharsets.UTF_8))).isEqualTo(full);
    }
}
