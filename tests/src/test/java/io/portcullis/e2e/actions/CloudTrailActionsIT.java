package io.portcullis.e2e.actions;

import static io.portcullis.e2e.actions.Emulated.ACCOUNT;
import static io.portcullis.e2e.actions.Emulated.AWS;
import static io.portcullis.e2e.actions.Emulated.finding;
import static io.portcullis.e2e.actions.Emulated.incident;
import static io.portcullis.e2e.actions.Emulated.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.CloudTrailActions;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.playbook.ActionResult.Kind;
import io.portcullis.playbook.RemediationAction;
import io.portcullis.rule.AuditLoggingRule;
import io.portcullis.rule.RuleFamily;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

/** start-logging against the emulator. */
class CloudTrailActionsIT {

    final CloudTrailClient cloudTrail = AWS.cloudTrail(Region.US_EAST_1);
    final CloudTrailActions actions = new CloudTrailActions(AWS::cloudTrail);
    final String trail = unique("org-trail");
    final ResourceRef ref = ResourceRef.trail(trail, ACCOUNT, "us-east-1");
    final Incident stopped = incident(ref, finding(AuditLoggingRule.ID_STOPPED, RuleFamily.AUDIT_LOGGING, ref, Map.of()));

    CloudTrailActionsIT() {
        String bucket = unique("portcullis-trail-logs");
        // The trail's bucket must exist where CloudTrail is served: moto looks for it in its own S3, and the
        // LocalStack run keeps CloudTrail (which LocalStack's free edition lacks) on moto, S3 on LocalStack.
        AwsConnection.emulator(AWS.endpointFor("CLOUDTRAIL").orElseThrow(), AWS.region().id())
                .s3(Region.US_EAST_1).createBucket(b -> b.bucket(bucket));
        cloudTrail.createTrail(t -> t.name(trail).s3BucketName(bucket));
    }

    boolean logging() {
        return cloudTrail.getTrailStatus(s -> s.name(trail)).isLogging();
    }

    @Test
    void startsAStoppedTrailOnce() {
        cloudTrail.startLogging(s -> s.name(trail));
        cloudTrail.stopLogging(s -> s.name(trail));
        ObjectNode snapshot = actions.snapshot(stopped);
        assertThat(snapshot.path("isLogging").asBoolean(true)).isFalse();
        assertThat(actions.stillWrong(stopped)).hasValue("Trail " + trail + " is not logging.");

        assertThat(actions.apply(RemediationAction.START_LOGGING, stopped, snapshot, true).kind()).isEqualTo(Kind.WOULD_CHANGE);
        assertThat(logging()).isFalse();

        var result = actions.apply(RemediationAction.START_LOGGING, stopped, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.CHANGED);
        assertThat(logging()).isTrue();
        assertThat(actions.stillWrong(stopped)).isEmpty();
        assertThat(actions.apply(RemediationAction.START_LOGGING, stopped, snapshot, false).kind()).isEqualTo(Kind.NOTHING_TO_DO);
    }

    @Test
    void aDeletedTrailIsReportedNotRecreated() {
        ObjectNode snapshot = actions.snapshot(stopped);
        cloudTrail.deleteTrail(d -> d.name(trail));

        var result = actions.apply(RemediationAction.START_LOGGING, stopped, snapshot, false);

        assertThat(result.kind()).isEqualTo(Kind.NOTHING_TO_DO);
        assertThat(result.detail()).contains("no longer exists");
        assertThat(actions.stillWrong(stopped)).hasValueSatisfying(w -> assertThat(w).contains("no longer exists"));
    }
}
