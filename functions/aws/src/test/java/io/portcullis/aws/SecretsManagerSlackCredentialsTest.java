package io.portcullis.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretsManagerSlackCredentialsTest {

    static final String ID = "portcullis/slack";

    @Test
    void readsBothValuesFromTheSecretJson() {
        SlackCredentials credentials = SecretsManagerSlackCredentials.parse(ID,
                "{\"botToken\":\"xoxb-1-2-abc\",\"signingSecret\":\"8f14e45fceea167a\"}");

        assertThat(credentials).isEqualTo(new SlackCredentials("xoxb-1-2-abc", "8f14e45fceea167a"));
    }

    @Test
    void toStringNeverShowsTheValues() {
        SlackCredentials credentials = new SlackCredentials("xoxb-1-2-abc", "8f14e45fceea167a");

        assertThat(credentials.toString()).doesNotContain("xoxb-1-2-abc", "8f14e45fceea167a")
                .contains("botToken=(redacted)", "signingSecret=(redacted)");
    }

    @Test
    void theBotTokenSecretNeedsNoSigningSecretSinceTheSigningSecretHasItsOwn() {
        assertThat(SecretsManagerSlackCredentials.parse(ID, "{\"botToken\":\"xoxb-1-2-abc\"}"))
                .isEqualTo(new SlackCredentials("xoxb-1-2-abc", null));
    }

    @Test
    void aMissingFieldIsNamedWithTheSecretButTheOtherValueIsNotEchoed() {
        assertThatThrownBy(() -> SecretsManagerSlackCredentials.parse(ID, "{\"signingSecret\":\"8f14e45fceea167a\"}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'portcullis/slack'").hasMessageContaining("\"botToken\"")
                .hasMessageNotContaining("8f14e45fceea167a");
        assertThatThrownBy(() -> SecretsManagerSlackCredentials.field("portcullis/slack-signing",
                "{\"botToken\":\"xoxb-1-2-abc\"}", SecretsManagerSlackCredentials.SIGNING_SECRET))
                .hasMessageContaining("'portcullis/slack-signing'").hasMessageContaining("\"signingSecret\"")
                .hasMessageNotContaining("xoxb-1-2-abc");
    }

    @Test
    void anEmptyOrNonTextFieldIsMissing() {
        assertThatThrownBy(() -> SecretsManagerSlackCredentials.parse(ID, "{\"botToken\":\"  \",\"signingSecret\":7}"))
                .hasMessageContaining("no \"botToken\"");
        assertThatThrownBy(() -> SecretsManagerSlackCredentials.field(ID, "{\"signingSecret\":7}",
                SecretsManagerSlackCredentials.SIGNING_SECRET)).hasMessageContaining("no \"signingSecret\"");
    }

    @Test
    void invalidJsonIsReportedWithoutQuotingTheSecret() {
        assertThatThrownBy(() -> SecretsManagerSlackCredentials.parse(ID, "botToken=xoxb-1-2-abc"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'portcullis/slack' is not valid JSON")
                .hasMessageNotContaining("xoxb-1-2-abc")
                .hasNoCause();
    }

    @Test
    void aSecretThatIsNotAnObjectOrIsEmptyIsRefused() {
        assertThatThrownBy(() -> SecretsManagerSlackCredentials.parse(ID, "[\"xoxb-1-2-abc\"]"))
                .hasMessageContaining("is not a JSON object").hasMessageNotContaining("xoxb-1-2-abc");
        assertThatThrownBy(() -> SecretsManagerSlackCredentials.parse(ID, null))
                .hasMessageContaining("has no SecretString");
    }
}
