package io.portcullis.aws;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3control.S3ControlClient;
import software.amazon.awssdk.services.s3control.endpoints.S3ControlEndpointProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * How every SDK client of a function is built: region, endpoint, credentials, HTTP client and retries, in one place.
 *
 * <p>In Lambda no endpoint is configured and the SDK talks to AWS. Locally {@code AWS_ENDPOINT_URL} (the SDK's
 * standard variable) points every client at the emulator; nothing else differs.
 *
 * @param region       the default region (the function's own)
 * @param endpoint     an endpoint override for every service, or empty for AWS
 * @param credentials  where credentials come from
 * @param interceptors SDK execution interceptors added to every client (tests count calls with them)
 */
public record AwsConnection(Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials,
                            java.util.List<ExecutionInterceptor> interceptors) {

    /** Standard variables: {@code AWS_REGION} (set by Lambda), {@code AWS_ENDPOINT_URL} (optional). */
    public static AwsConnection fromEnvironment(Map<String, String> env) {
        String region = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        if (region == null || region.isBlank()) {
            throw new IllegalStateException("AWS_REGION is not set: set it to the region this function runs in");
        }
        String endpoint = env.get("AWS_ENDPOINT_URL");
        return new AwsConnection(Region.of(region),
                endpoint == null || endpoint.isBlank() ? Optional.empty() : Optional.of(URI.create(endpoint)),
                DefaultCredentialsProvider.builder().build(), java.util.List.of());
    }

    /** A local emulator at {@code endpoint}, with the obviously fake credentials emulators accept. */
    public static AwsConnection emulator(URI endpoint, String region) {
        return new AwsConnection(Region.of(region), Optional.of(endpoint),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")), java.util.List.of());
    }

    public AwsConnection withInterceptor(ExecutionInterceptor interceptor) {
        var all = new java.util.ArrayList<>(interceptors);
        all.add(interceptor);
        return new AwsConnection(region, endpoint, credentials, all);
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder(), region).build();
    }

    public SqsClient sqs() {
        return configure(SqsClient.builder(), region).build();
    }

    /** S3 in a region; path-style addressing when an endpoint is configured, as emulators expect. */
    public S3Client s3(Region inRegion) {
        var builder = configure(S3Client.builder(), inRegion);
        endpoint.ifPresent(e -> builder.forcePathStyle(true));
        return builder.build();
    }

    /**
     * S3 Control (the account-level public access block). AWS's endpoint rules address its calls to
     * {@code <account>.<endpoint host>}; an emulator on 127.0.0.1 has no such names, so with an endpoint configured
     * the rules' result is kept (signing name and region) and only its URL is pointed back at the endpoint.
     */
    public S3ControlClient s3Control() {
        var builder = configure(S3ControlClient.builder(), region);
        endpoint.ifPresent(e -> {
            S3ControlEndpointProvider rules = S3ControlEndpointProvider.defaultProvider();
            builder.endpointProvider(p -> rules.resolveEndpoint(p).thenApply(r -> r.toBuilder().url(e).build()));
        });
        return builder.build();
    }

    public CloudTrailClient cloudTrail(Region inRegion) {
        return configure(CloudTrailClient.builder(), inRegion).build();
    }

    /** Presigned S3 links, signed with the same credentials, region and (locally) endpoint as {@link #s3}. */
    public software.amazon.awssdk.services.s3.presigner.S3Presigner s3Presigner() {
        var builder = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder().region(region)
                .credentialsProvider(credentials);
        endpoint.ifPresent(e -> builder.endpointOverride(e).serviceConfiguration(
                software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build()));
        return builder.build();
    }

    /** IAM is global: its endpoint lives in us-east-1 (aws-global). */
    public IamClient iam() {
        return configure(IamClient.builder(), endpoint.isPresent() ? region : Region.AWS_GLOBAL).build();
    }

    /** Secrets Manager in the function's region, where the Slack secret lives. */
    public SecretsManagerClient secretsManager() {
        return configure(SecretsManagerClient.builder(), region).build();
    }

    /** SSM Parameter Store in the function's region, where the kill switch lives. */
    public software.amazon.awssdk.services.ssm.SsmClient ssm() {
        return configure(software.amazon.awssdk.services.ssm.SsmClient.builder(), region).build();
    }

    public SfnClient sfn() {
        return configure(SfnClient.builder(), region).build();
    }

    public Ec2Client ec2() {
        return ec2(region);
    }

    public Ec2Client ec2(Region inRegion) {
        return configure(Ec2Client.builder(), inRegion).build();
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, Region inRegion) {
        builder.region(inRegion).credentialsProvider(credentials);
        endpoint.ifPresent(builder::endpointOverride);
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD);
        interceptors.forEach(override::addExecutionInterceptor);
        builder.overrideConfiguration(override.build());
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(UrlConnectionHttpClient.builder());
        }
        return builder;
    }
}
