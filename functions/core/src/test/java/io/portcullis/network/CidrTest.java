package io.portcullis.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0/0, true, false",
            "::/0, true, false",
            "10.0.0.0/8, false, true",
            "10.1.2.0/24, false, true",
            "172.16.0.0/12, false, true",
            "172.32.0.0/16, false, false",
            "192.168.10.0/24, false, true",
            "100.64.0.0/10, false, true",
            "fd00:1234::/48, false, true",
            "2001:db8::/32, false, false",
            "203.0.113.7/32, false, false",
            "203.0.113.7, false, false"})
    void classifiesBlocks(String text, boolean wholeInternet, boolean isPrivate) {
        Cidr cidr = Cidr.parse(text);
        assertThat(cidr.isWholeInternet()).isEqualTo(wholeInternet);
        assertThat(cidr.isPrivate()).isEqualTo(isPrivate);
    }

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0/0, 203.0.113.0/24, true",
            "10.0.0.0/8, 10.200.0.0/16, true",
            "10.0.0.0/8, 11.0.0.0/16, false",
            "10.20.0.0/16, 10.0.0.0/8, false",
            "2001:db8::/32, 2001:db8:ffff::/48, true",
            "::/0, 10.0.0.0/8, false"})
    void containment(String outer, String inner, boolean contains) {
        assertThat(Cidr.parse(outer).contains(Cidr.parse(inner))).isEqualTo(contains);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.300/0", "10.0.0.0/33", "::/129", "not-a-cidr", "10.0.0/8", "1::2::3/64",
            "1:2:3:4:5:6:7:8:9/64", "example.com/32", "10.0.0.0/x", ""})
    void refusesMalformedBlocksWithTheText(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.isEmpty() ? "empty" : text);
    }

    @ParameterizedTest
    @CsvSource({"10.1.2.3/8, 10.0.0.0/8", "2001:DB8:0:0::1/32, 2001:db8::/32"})
    void normalisesHostBitsAway(String text, String same) {
        assertThat(Cidr.parse(text)).isEqualTo(Cidr.parse(same));
    }
}
