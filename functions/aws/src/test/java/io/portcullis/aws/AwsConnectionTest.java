package io.portcullis.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Where each client's requests go, read from the request the SDK is about to send (stopped there: no network). The
 * default (one endpoint for every service, or AWS) must not change; a per-service variable sends that service alone
 * elsewhere, as every AWS SDK does when no endpoint is set in code.
 */
class AwsConnectionTest {

    static final String MOTO = "http://127.0.0.1:5001";
    static final String LOCALSTACK = "http://127.0.0.1:4566";

    /** Records the URI of every request and stops it before it leaves. */
    static final class Destinations implements ExecutionInterceptor {
        final List<URI> seen = new ArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            seen.add(context.httpRequest().getUri());
            throw new Stopped();
        }
    }

    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped before transmission", null, false, false);
        }
    }

    final Destinations destinations = new Destinations();

    AwsConnection connection(Map<String, String> env) {
        AwsConnection fromEnv = AwsConnection.fromEnvironment(env);
        return new AwsConnection(fromEnv.region(), fromEnv.endpoint(), fromEnv.serviceEndpoints(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                List.of(destinations), AwsConnection.Retries.STANDARD);
    }

    URI destination(Consumer<AwsConnection> call, AwsConnection aws) {
        destinations.seen.clear();
        assertThatThrownBy(() -> call.accept(aws)).isInstanceOf(Stopped.class);
        return destinations.seen.get(0);
    }

    @Test
    void aPerServiceVariableSendsThatServiceAloneElsewhere() {
        AwsConnection aws = connection(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", LOCALSTACK,
                "AWS_ENDPOINT_URL_DYNAMODB", MOTO, "AWS_ENDPOINT_URL_CLOUDTRAIL", MOTO));

        assertThat(destination(a -> a.dynamoDb().listTables(), aws)).hasPort(5001);
        assertThat(destination(a -> a.cloudTrail(a.region()).describeTrails(), aws)).hasPort(5001);
        assertThat(destination(a -> a.sqs().listQueues(), aws)).hasPort(4566);
        assertThat(destination(a -> a.sfn().listStateMachines(r -> { }), aws)).hasPort(4566);
        assertThat(destination(a -> a.ec2().describeSecurityGroups(), aws)).hasPort(4566);
        assertThat(destination(a -> a.secretsManager().listSecrets(), aws)).hasPort(4566);
        assertThat(destination(a -> a.iam().listRoles(), aws)).hasPort(4566);
        assertThat(destination(a -> a.s3(a.region()).listObjectsV2(r -> r.bucket("reports")), aws))
                .hasPort(4566).hasPath("/reports");
    }

    @Test
    void withoutPerServiceVariablesEveryServiceGoesToTheOneEndpoint() {
        AwsConnection aws = connection(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", MOTO));

        assertThat(destination(a -> a.dynamoDb().listTables(), aws)).hasPort(5001);
        assertThat(destination(a -> a.cloudTrail(a.region()).describeTrails(), aws)).hasPort(5001);
        assertThat(destination(a -> a.sqs().listQueues(), aws)).hasPort(5001);
        assertThat(destination(a -> a.s3Control().getPublicAccessBlock(r -> r.accountId("123456789012")), aws))
                .hasHost("127.0.0.1").hasPort(5001);
    }

    @Test
    void aServiceOfItsOwnIsAddressedAsAnEmulatorEvenWithoutTheGlobalVariable() {
        AwsConnection aws = connection(Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL_S3", MOTO,
                "AWS_ENDPOINT_URL_S3_CONTROL", MOTO, "AWS_ENDPOINT_URL_IAM", MOTO));

        assertThat(destination(a -> a.s3(a.region()).listObjectsV2(r -> r.bucket("reports")), aws))
                .hasHost("127.0.0.1").hasPath("/reports");
        assertThat(destination(a -> a.s3Control().getPublicAccessBlock(r -> r.accountId("123456789012")), aws))
                .hasHost("127.0.0.1");
        assertThat(destination(a -> a.iam().listRoles(), aws)).hasHost("127.0.0.1");
        assertThat(aws.endpointFor("SQS")).isEmpty();
    }

    /**
     * With no variable no client gets an endpoint in code, so the SDK's own default applies: AWS in Lambda. (Where
     * the client then goes is the SDK's choice, and it reads this JVM's environment, which the test command points
     * at the emulator; so this asserts what Portcullis decides, not the host.)
     */
    @Test
    void inLambdaNoVariableIsSetAndNoClientGetsAnEndpoint() {
        AwsConnection aws = connection(Map.of("AWS_REGION", "eu-west-1"));

        assertThat(aws.endpoint()).isEmpty();
        assertThat(aws.serviceEndpoints()).isEmpty();
        assertThat(AwsConnection.SERVICES).allSatisfy(service -> assertThat(aws.endpointFor(service)).isEmpty());
    }

    @Test
    void variablesForServicesPortcullisDoesNotCallAreIgnoredAndBlankOnesAreUnset() {
        Map<String, URI> endpoints = AwsConnection.serviceEndpoints(Map.of("AWS_ENDPOINT_URL_KINESIS", MOTO,
                "AWS_ENDPOINT_URL_SQS", " ", "AWS_ENDPOINT_URL_SECRETS_MANAGER", MOTO));

        assertThat(endpoints).containsOnlyKeys("SECRETS_MANAGER");
    }

    /** A member account's session: the same endpoints and interceptors, its own credentials and region. */
    @Test
    void aConnectionAsAMemberKeepsTheEndpointsAndSignsWithTheSessionInItsRegion() {
        AwsConnection hub = connection(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", LOCALSTACK,
                "AWS_ENDPOINT_URL_STS", MOTO));
        var session = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create("ASIAEXAMPLEMEMBER001", "fake",
                        "fake-session"));

        AwsConnection member = hub.as(session, software.amazon.awssdk.regions.Region.EU_WEST_1);

        assertThat(member.credentials()).isSameAs(session);
        assertThat(member.region().id()).isEqualTo("eu-west-1");
        assertThat(destination(a -> a.ec2().describeSecurityGroups(), member)).hasPort(4566);
        assertThat(destination(a -> a.sts().getCallerIdentity(), hub)).hasPort(5001);
        assertThat(hub.credentials()).isNotSameAs(session);
    }
}
