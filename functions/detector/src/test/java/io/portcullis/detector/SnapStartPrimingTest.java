package io.portcullis.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.detection.DetectChange;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.incident.IncidentStore;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SnapStart priming hook judges the bundled sample and touches no AWS resource (its ports all throw here). */
class SnapStartPrimingTest {

    @SuppressWarnings("unchecked")
    static <T> T refusing(Class<T> port) {
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (p, m, a) -> {
            throw new AssertionError("priming called " + port.getSimpleName() + "." + m.getName());
        });
    }

    @Test
    void beforeTheSnapshotTheSampleIsJudgedWithoutAnyAwsCall() throws Exception {
        DetectChange detect = new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                PolicyEngine.defaults(), refusing(io.portcullis.remediation.SecurityGroupInspector.class),
                refusing(io.portcullis.remediation.ResourceTags.class), refusing(IncidentStore.class),
                refusing(io.portcullis.playbook.PlaybookStarter.class), Clock.systemUTC(), RemediationMode.DRY_RUN,
                Set.of());
        DetectorHandler handler = new DetectorHandler(detect);
        assertThat(handler.priming().primed()).isNull();

        handler.priming().beforeCheckpoint(null);
        handler.priming().afterRestore(null);

        assertThat(handler.priming().primed()).isEqualTo("P1 auto (row 2)");
    }
}
