package io.portcullis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.Sandbox;
import io.portcullis.network.IngressRule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** One test's Portcullis in the emulator: fresh table, queues and sandbox, and a count of the API calls made. */
final class LocalPortcullis {

    final ApiCallCounter calls = new ApiCallCounter();
    /** For the test's own calls (setting up the emulator), which the counter must not see. */
    final AwsConnection setup = Emulator.connection();
    final LocalRuntime runtime;
    final Sandbox sandbox;
    final Path root = LocalRuntime.repositoryRoot();

    LocalPortcullis(RemediationMode mode) {
        this(mode, env -> { }, null);
    }

    /** With the functions' environment adjusted before they are built. */
    LocalPortcullis(RemediationMode mode, java.util.function.Consumer<Map<String, String>> adjust) {
        this(mode, adjust, null);
    }

    /**
     * @param adjust the functions' environment, changed before they are built (a test's identity map)
     * @param faults sees every AWS call the functions make, and may fail one (null: none)
     */
    LocalPortcullis(RemediationMode mode, java.util.function.Consumer<Map<String, String>> adjust,
                    software.amazon.awssdk.core.interceptor.ExecutionInterceptor faults) {
        AwsConnection aws = Emulator.connection().withInterceptor(calls);
        if (faults != null) {
            aws = aws.withInterceptor(faults);
        }
        runtime = LocalRuntime.deploy(root, aws, mode, java.time.Clock.systemUTC(), java.time.Clock.systemUTC(),
                adjust);
        sandbox = Sandbox.create(runtime.ec2(), "web-prod-" + UUID.randomUUID().toString().substring(0, 8), "production");
    }

    software.amazon.awssdk.services.s3.S3Client runtimeS3(software.amazon.awssdk.regions.Region region) {
        return setup.s3(region);
    }

    software.amazon.awssdk.services.iam.IamClient runtimeIam() {
        return setup.iam();
    }

    /** The sample, aimed at this sandbox (not applied to EC2). */
    ObjectNode event(String sample) {
        return EventReplay.retarget(EventReplay.load(root.resolve("events").resolve(sample)), sandbox.groupId());
    }

    /** The sample aimed at this sandbox, its ingress call made for real first, as the user's call would have been. */
    ObjectNode applied(String sample) {
        return EventReplay.applyIngress(runtime.ec2(), event(sample));
    }

    JsonNode detect(JsonNode event) {
        return runtime.invokeDetector(event);
    }

    List<IngressRule> liveRules() {
        return new Ec2SecurityGroups(r -> runtime.ec2())
                .describe(ResourceRef.securityGroup(sandbox.groupId(), "123456789012", Emulator.region()))
                .orElseThrow().ingress();
    }

    /** The incidents table's rows, read straight from DynamoDB. */
    List<Map<String, AttributeValue>> incidentRows() {
        // Claim items (open|<problem>) are the store's bookkeeping, not incidents.
        return runtime.dynamoDb().scanPaginator(r -> r.tableName(runtime.deployment().incidentsTable())).items().stream()
                .filter(i -> i.get("incidentId").s().startsWith("inc-")).toList();
    }
}
