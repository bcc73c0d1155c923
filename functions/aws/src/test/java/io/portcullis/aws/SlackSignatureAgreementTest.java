package io.portcullis.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.app_backend.SlackSignature;
import io.portcullis.approval.RequestSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

/** Our constant-time verifier signs exactly as the Slack SDK's generator does, for any secret and body. */
class SlackSignatureAgreementTest {

    @Property(tries = 200)
    void signsLikeTheSlackSdk(@ForAll @AlphaChars @NumericChars @StringLength(min = 8, max = 64) String secret, @ForAll String body) {
        String ts = Long.toString(Instant.now().getEpochSecond());
        String ours = new RequestSignature(secret).sign(ts, body.getBytes(StandardCharsets.UTF_8));
        String slacks = new SlackSignature.Generator(secret).generate(ts, body);
        assertThat(ours).isEqualTo(slacks);
        assertThat(new RequestSignature(secret).problem(ts, slacks, body.getBytes(StandardCharsets.UTF_8),
                Instant.now())).isEmpty();
    }
}
