package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.local.LocalDeployment;
import io.portcullis.local.LocalRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every change of the kill switch reaches the detector, which pages with who made it: the detector's EventBridge rules
 * route SSM's PutParameter, DeleteParameter and DeleteParameters calls to it, and the detector is told the switch's
 * name and the worker function's name it needs to tell Portcullis' own changes from anyone else's.
 */
class KillSwitchRuleTest {

    final JsonNode resources = LocalDeployment.readTemplate(LocalRuntime.repositoryRoot().resolve("template.yaml"))
            .path("Resources");

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode()) {
            out.add(node.asText());
        }
        return out;
    }

    @Test
    void writesAndDeletionsOfParametersReachTheDetector() {
        List<JsonNode> patterns = new ArrayList<>();
        resources.path("DetectorFunction").path("Properties").path("Events").forEach(e -> {
            if (e.path("Type").asText().equals("EventBridgeRule")) {
                patterns.add(e.path("Properties").path("Pattern"));
            }
        });

        for (String call : List.of("PutParameter", "DeleteParameter", "DeleteParameters")) {
            assertThat(patterns).as("ssm " + call + " reaches the detector").anySatisfy(p -> {
                assertThat(strings(p.path("source"))).contains("aws.ssm");
                assertThat(strings(p.path("detail-type"))).contains("AWS API Call via CloudTrail");
                assertThat(strings(p.path("detail").path("eventSource"))).contains("ssm.amazonaws.com");
                assertThat(strings(p.path("detail").path("eventName"))).contains(call);
            });
        }
    }

    @Test
    void theDetectorKnowsTheSwitchItWatches() {
        JsonNode variables = resources.path("DetectorFunction").path("Properties").path("Environment")
                .path("Variables");

        assertThat(variables.path("PORTCULLIS_KILL_SWITCH_PARAMETER").toString()).contains("KillSwitch");
    }
}
