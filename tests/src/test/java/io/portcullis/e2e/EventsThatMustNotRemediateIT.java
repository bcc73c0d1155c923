package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.RemediationMode;
import io.portcullis.network.IngressRule;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Events that must never lead to a remediation, each through the real handlers in the emulator. */
class EventsThatMustNotRemediateIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
        a failed call (errorCode),                  cloudtrail/ec2-authorize-ssh-world-failed.json,           false, ignored
        SSH from a private range,                   cloudtrail/ec2-authorize-ssh-private-cidr-console.json,   true,  compliant
        a revoke,                                   cloudtrail/ec2-revoke-ssh-world-console.json,             false, compliant
        an egress rule to the world,                cloudtrail/ec2-authorize-egress-world-console.json,       false, compliant
        Portcullis' own remediation role (an Undo), cloudtrail/ec2-authorize-ssh-world-by-portcullis.json,     true,  ignored
        """)
    void isRecordedAsNothingToDoAndChangesNothing(String what, String sample, boolean applyToEc2, String outcome) {
        LocalPortcullis p = new LocalPortcullis(RemediationMode.ENFORCE);
        ObjectNode event = applyToEc2 ? p.applied(sample) : p.event(sample);
        List<IngressRule> before = p.liveRules();

        JsonNode answer = p.detect(event);
        int jobs = p.runtime.runSteps();

        assertThat(answer.path("outcome").asText()).as(what).isEqualTo(outcome);
        assertThat(jobs).isZero();
        assertThat(p.incidentRows()).isEmpty();
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isZero();
        assertThat(p.liveRules()).isEqualTo(before);
    }
}
