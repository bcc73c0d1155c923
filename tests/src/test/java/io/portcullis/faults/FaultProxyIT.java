package io.portcullis.faults;

import static io.portcullis.faults.FaultProxy.Fault;
import static io.portcullis.faults.FaultProxy.always;
import static io.portcullis.faults.FaultProxy.first;
import static io.portcullis.faults.FaultProxy.operation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.portcullis.aws.AwsConnection;
import io.portcullis.local.Emulator;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;

/**
 * The fault proxy itself, through real SDK clients against the emulator: its error answers are read by the SDK
 * exactly as AWS's (service exception, error code, status, throttling or not), its resets are network errors, and
 * the retry budget of {@link AwsConnection.Retries#STANDARD} absorbs what it should and no more.
 */
class FaultProxyIT {

    static final AwsConnection.Retries NO_RETRIES = new AwsConnection.Retries(1, Duration.ofMillis(1),
            Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(5), Duration.ofSeconds(10));

    FaultProxy proxy;
    final AwsConnection direct = Emulator.connection();
    String table;

    @BeforeEach
    void start() {
        proxy = FaultProxy.start(Emulator.endpoint(), Emulator.serviceEndpoints());
        table = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        try (DynamoDbClient d = direct.dynamoDb()) {
            d.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
        }
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    AwsConnection through(AwsConnection.Retries retries) {
        return AwsConnection.emulator(proxy.endpoint(), Emulator.region()).withRetries(retries);
    }

    void put(DynamoDbClient d, String id) {
        d.putItem(r -> r.tableName(table).item(Map.of("id", AttributeValue.fromS(id))));
    }

    boolean stored(String id) {
        try (DynamoDbClient d = direct.dynamoDb()) {
            return d.getItem(r -> r.tableName(table).consistentRead(true).key(Map.of("id", AttributeValue.fromS(id))))
                    .hasItem();
        }
    }

    @Test
    void dynamoDbThrottlingReadsAsAwsThrottlingException() {
        proxy.inject(Fault.THROTTLING, operation("dynamodb", "PutItem"), always());
        try (DynamoDbClient d = through(NO_RETRIES).dynamoDb()) {
            Throwable thrown = catchThrowable(() -> put(d, "a"));

            assertThat(thrown).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.isThrottlingException()).isTrue();
            });
        }
        assertThat(stored("a")).as("a throttled request is not served").isFalse();
        assertThat(proxy.injected(Fault.THROTTLING)).isEqualTo(1);
    }

    @Test
    void dynamoDbProvisionedThroughputExceededIsItsOwnModelledException() {
        proxy.inject(Fault.PROVISIONED_THROUGHPUT_EXCEEDED, operation("dynamodb", "PutItem"), always());
        try (DynamoDbClient d = through(NO_RETRIES).dynamoDb()) {
            assertThat(catchThrowable(() -> put(d, "a"))).isInstanceOfSatisfying(
                    ProvisionedThroughputExceededException.class, e -> assertThat(e.isThrottlingException()).isTrue());
        }
    }

    @Test
    void ec2RequestLimitExceededIsAThrottling503InEc2sXmlShape() {
        proxy.inject(Fault.THROTTLING, operation("ec2", "DescribeSecurityGroups"), always());
        try (Ec2Client ec2 = through(NO_RETRIES).ec2()) {
            Throwable thrown = catchThrowable(ec2::describeSecurityGroups);

            assertThat(thrown).isInstanceOfSatisfying(Ec2Exception.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Request limit exceeded.");
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.isThrottlingException()).isTrue();
            });
        }
    }

    @Test
    void serverErrorsCarryTheirCodeAndStatusInEachProtocol() {
        proxy.inject(Fault.INTERNAL_ERROR, operation("ec2", "DescribeSecurityGroups"), always());
        proxy.inject(Fault.SERVICE_UNAVAILABLE, operation("dynamodb", "PutItem"), always());
        proxy.inject(Fault.THROTTLING, operation("iam", "ListRoles"), always());
        try (Ec2Client ec2 = through(NO_RETRIES).ec2(); DynamoDbClient d = through(NO_RETRIES).dynamoDb();
             IamClient iam = through(NO_RETRIES).iam()) {
            assertThat(catchThrowable(ec2::describeSecurityGroups)).isInstanceOfSatisfying(Ec2Exception.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError");
                assertThat(e.statusCode()).isEqualTo(500);
            });
            assertThat(catchThrowable(() -> put(d, "a"))).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
                assertThat(e.statusCode()).isEqualTo(503);
            });
            assertThat(catchThrowable(iam::listRoles)).isInstanceOfSatisfying(IamException.class, e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("Throttling");
                assertThat(e.isThrottlingException()).isTrue();
            });
        }
        assertThat(proxy.injected()).containsEntry(Fault.INTERNAL_ERROR, 1).containsEntry(Fault.SERVICE_UNAVAILABLE, 1)
                .containsEntry(Fault.THROTTLING, 1);
    }

    @Test
    void aResetIsANetworkErrorAndTheServiceNeverSawTheRequest() {
        proxy.inject(Fault.RESET, operation("dynamodb", "PutItem"), always());
        try (DynamoDbClient d = through(NO_RETRIES).dynamoDb()) {
            assertThat(catchThrowable(() -> put(d, "a"))).isInstanceOf(SdkClientException.class);
        }
        assertThat(stored("a")).isFalse();
        assertThat(proxy.succeeded("PutItem")).isZero();
        assertThat(proxy.injected(Fault.RESET)).as("no hidden retry below the SDK").isEqualTo(1);
    }

    @Test
    void aLostResponseIsANetworkErrorButTheServiceActed() {
        proxy.inject(Fault.RESPONSE_LOST, operation("dynamodb", "PutItem"), always());
        try (DynamoDbClient d = through(NO_RETRIES).dynamoDb()) {
            assertThat(catchThrowable(() -> put(d, "a"))).isInstanceOf(SdkClientException.class);
        }
        assertThat(stored("a")).isTrue();
        assertThat(proxy.succeeded("PutItem")).isEqualTo(1);
    }

    @Test
    void aStalledResponseTimesTheAttemptOut() {
        proxy.delay(Fault.STALLED, Duration.ofSeconds(3), operation("dynamodb", "PutItem"), always());
        try (DynamoDbClient d = through(NO_RETRIES.withAttemptTimeout(Duration.ofSeconds(1))).dynamoDb()) {
            assertThat(catchThrowable(() -> put(d, "a"))).isInstanceOf(ApiCallAttemptTimeoutException.class);
        }
        assertThat(stored("a")).as("the service acted; only its answer was late").isTrue();
    }

    @Test
    void theStandardBudgetAbsorbsThreeFaultsInARowAndGivesUpAtTheFourth() {
        int attempts = AwsConnection.Retries.STANDARD.maxAttempts();
        proxy.inject(Fault.THROTTLING, operation("dynamodb", "PutItem"), first(attempts - 1));
        try (DynamoDbClient d = through(AwsConnection.Retries.STANDARD).dynamoDb()) {
            put(d, "absorbed");
        }
        assertThat(stored("absorbed")).isTrue();
        assertThat(proxy.injected(Fault.THROTTLING)).isEqualTo(attempts - 1);

        proxy.heal();
        proxy.inject(Fault.INTERNAL_ERROR, operation("dynamodb", "PutItem"), always());
        try (DynamoDbClient d = through(AwsConnection.Retries.STANDARD).dynamoDb()) {
            Throwable thrown = catchThrowable(() -> put(d, "given-up"));

            assertThat(thrown).isInstanceOfSatisfying(AwsServiceException.class,
                    e -> assertThat(e.numAttempts()).isEqualTo(attempts));
        }
        assertThat(proxy.injected(Fault.INTERNAL_ERROR)).isEqualTo(attempts);
        assertThat(stored("given-up")).isFalse();
    }

    @Test
    void resetsAndSlowAnswersWithinTheBudgetAreAbsorbed() {
        proxy.inject(Fault.RESET, operation("dynamodb", "PutItem"), first(2));
        proxy.delay(Fault.SLOW, Duration.ofMillis(300), operation("dynamodb", "GetItem"), first(1));
        try (DynamoDbClient d = through(AwsConnection.Retries.STANDARD).dynamoDb()) {
            put(d, "a");
            assertThat(d.getItem(r -> r.tableName(table).key(Map.of("id", AttributeValue.fromS("a")))).hasItem())
                    .isTrue();
        }
        assertThat(proxy.injected(Fault.RESET)).isEqualTo(2);
        assertThat(proxy.injected(Fault.SLOW)).isEqualTo(1);
    }
}
