package io.portcullis.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlackTextTest {

    @Test
    void escapesTheThreeCharactersMrkdwnGivesMeaningTo() {
        assertThat(SlackText.escape("<!channel> a & b <http://evil|click>"))
                .isEqualTo("&lt;!channel&gt; a &amp; b &lt;http://evil|click&gt;");
    }

    @Test
    void escapesAnAmpersandOnlyOnceEvenWhenItAlreadyLooksLikeAnEntity() {
        assertThat(SlackText.escape("&lt;")).isEqualTo("&amp;lt;");
    }

    @Test
    void turnsLineBreaksIntoSpacesAndDropsOtherControlAndBidiCharacters() {
        assertThat(SlackText.escape("sg-1\nfake line\r\tx\u0000\u0007y\u202Eevil\u2066z"))
                .isEqualTo("sg-1 fake line  xyevilz");
    }

    @Test
    void nullIsEmpty() {
        assertThat(SlackText.escape(null)).isEmpty();
        assertThat(SlackText.truncate(null, 5)).isEmpty();
    }

    @Test
    void leavesShortTextAlone() {
        assertThat(SlackText.truncate("abc", 3)).isEqualTo("abc");
    }

    @Test
    void cutsLongTextToTheLimitWithAnEllipsis() {
        String cut = SlackText.truncate("x".repeat(200), SlackText.HEADER);

        assertThat(cut).hasSize(SlackText.HEADER).endsWith("…");
    }

    @Test
    void neverCutsInsideAnEntity() {
        String text = SlackText.escape("aaaaaa<b");   // aaaaaa&lt;b

        assertThat(SlackText.truncate(text, 9)).isEqualTo("aaaaaa…");
    }

    @Test
    void neverSplitsASurrogatePair() {
        String text = "ab\uD83D\uDD25cd";   // ab🔥cd

        assertThat(SlackText.truncate(text, 4)).isEqualTo("ab…");
    }

    @Test
    void escapeWithALimitEscapesFirstSoTheResultFitsAsSent() {
        assertThat(SlackText.escape("<".repeat(100), SlackText.BUTTON)).hasSizeLessThanOrEqualTo(SlackText.BUTTON)
                .doesNotContain("<").endsWith("&lt;…");
    }

    @Test
    void codeWrapsAnIdentifierAndCannotBeClosedFromInside() {
        assertThat(SlackText.code("sg-123")).isEqualTo("`sg-123`");
        assertThat(SlackText.code("a`*b*`<x>")).isEqualTo("`aˋ*b*ˋ&lt;x&gt;`");
        assertThat(SlackText.code("")).isEqualTo("–");
    }

    @Test
    void refusesALimitBelowOne() {
        assertThatThrownBy(() -> SlackText.truncate("abc", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
