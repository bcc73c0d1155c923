package io.portcullis.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
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
 * standard variable) points every client at the emulator; nothing else differs. The SDK's per-service variables
 * ({@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_CLOUDTRAIL}, … see {@link #SERVICES}) point one service
 * elsewhere and win over the global one, as in every AWS SDK. They are read here because an explicit endpoint
 * override turns the SDK's own reading of them off. The LocalStack run uses them to keep DynamoDB and CloudTrail,
 * which LocalStack's free edition cannot serve offline, on moto.
 *
 * @param region           the default region (the function's own)
 * @param endpoint         an endpoint override for every service, or empty for AWS
 * @param serviceEndpoints endpoint overrides for single services, by the suffix of their SDK variable
 *                         ({@code DYNAMODB} for {@code AWS_ENDPOINT_URL_DYNAMODB}); they win over {@code endpoint}
 * @param credentials      where credentials come from
 * @param interceptors     SDK execution interceptors added to every client (tests count calls with them)
 * @param retries          how often and how long every call is retried ({@link Retries#STANDARD} unless a test says)
 */
public record AwsConnection(Region region, Optional<URI> endpoint, Map<String, URI> serviceEndpoints,
                            AwsCredentialsProvider credentials, java.util.List<ExecutionInterceptor> interceptors,
                            Retries retries) {

    /**
     * The retry budget of every SDK call a function makes: remediation writes (EC2, S3, IAM, CloudTrail), incident
     * and approval writes (DynamoDB), starting and answering executions (Step Functions) alike.
     *
     * <p>A call is tried at most {@code maxAttempts} times. Between attempts it waits a random time between zero and
     * {@code base × 2^(retry − 1)}, capped at {@code maxBackoff} (exponential backoff with full jitter, so a burst of
     * functions throttled together do not retry together). Throttling errors ({@code ThrottlingException},
     * {@code ProvisionedThroughputExceededException}, {@code RequestLimitExceeded}, …) wait from the larger
     * {@code throttledBaseDelay}. What is retried: throttling, HTTP 500/502/503/504, connection failures and resets,
     * and an attempt that took longer than {@code attemptTimeout}; never a validation or permission error.
     * {@code callTimeout} bounds the whole call with its retries, so one unreachable service cannot hold a function
     * until Lambda's own timeout.
     *
     * <p>The SDK's retry token bucket stays on: when a client keeps failing, it stops retrying early instead of
     * adding load to a service in trouble.
     *
     * <p>Above this budget: the playbook worker answers a step that failed this way with {@code Portcullis.Transient},
     * which the playbook's state machine retries four more times with its own full-jitter backoff (2 s base, 30 s
     * cap; playbooks/asl); after that the step fails, the incident is marked FAILED with the cause and on-call is
     * alerted. The detector's errors propagate to Lambda, which retries the event twice and then sends it to the
     * failed-events queue.
     *
     * @param maxAttempts        attempts per call, the first included
     * @param baseDelay          backoff base after a server error, a reset or a timeout
     * @param throttledBaseDelay backoff base after a throttling error
     * @param maxBackoff         the longest wait between two attempts
     * @param attemptTimeout     the longest one attempt may take
     * @param callTimeout        the longest a call may take, its retries and waits included
     */
    public record Retries(int maxAttempts, Duration baseDelay, Duration throttledBaseDelay, Duration maxBackoff,
                          Duration attemptTimeout, Duration callTimeout) {

        /**
         * 4 attempts; waits of at most 0.1, 0.2 and 0.4 s after server errors and resets, 0.5, 1 and 2 s after
         * throttling; 5 s per attempt (AWS answers these calls in well under a second), 20 s per call (the functions
         * have 30 s).
         */
        public static final Retries STANDARD = new Retries(4, Duration.ofMillis(100), Duration.ofMillis(500),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20));

        public Retries {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
        }

        /** The same budget with another attempt timeout (a test of stalled responses shortens it). */
        public Retries withAttemptTimeout(Duration timeout) {
            return new Retries(maxAttempts, baseDelay, throttledBaseDelay, maxBackoff, timeout, callTimeout);
        }

        /** A fresh strategy (each client has its own token bucket). */
        RetryStrategy strategy() {
            return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(maxAttempts)
                    .backoffStrategy(BackoffStrategy.exponentialDelay(baseDelay, maxBackoff))
                    .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(throttledBaseDelay, maxBackoff))
                    .build();
        }
    }

    /**
     * The services Portcullis calls, by the suffix of the SDK's per-service endpoint variable (the service id in
     * capitals, spaces as underscores: {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}).
     */
    public static final java.util.List<String> SERVICES = java.util.List.of("CLOUDTRAIL", "DYNAMODB", "EC2", "IAM",
            "ORGANIZATIONS", "S3", "S3_CONTROL", "SECRETS_MANAGER", "SFN", "SQS", "SSM", "STS");

    /** The account both local emulators keep their resources in (the one the sample events describe). */
    public static final String EMULATOR_ACCOUNT = "123456789012";

    public AwsConnection {
        serviceEndpoints = Map.copyOf(serviceEndpoints);
        interceptors = java.util.List.copyOf(interceptors);
    }

    /**
     * Standard variables: {@code AWS_REGION} (set by Lambda), {@code AWS_ENDPOINT_URL} and
     * {@code AWS_ENDPOINT_URL_<SERVICE>} (optional, never set in Lambda).
     */
    public static AwsConnection fromEnvironment(Map<String, String> env) {
        String region = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        if (region == null || region.isBlank()) {
            throw new IllegalStateException("AWS_REGION is not set: set it to the region this function runs in");
        }
        String endpoint = env.get("AWS_ENDPOINT_URL");
        return new AwsConnection(Region.of(region),
                endpoint == null || endpoint.isBlank() ? Optional.empty() : Optional.of(URI.create(endpoint)),
                serviceEndpoints(env), DefaultCredentialsProvider.builder().build(), java.util.List.of(),
                Retries.STANDARD);
    }

    /** The per-service endpoint variables set in {@code env}, by service ({@code DYNAMODB → http://…}). */
    public static Map<String, URI> serviceEndpoints(Map<String, String> env) {
        Map<String, URI> endpoints = new java.util.TreeMap<>();
        for (String service : SERVICES) {
            String value = env.get("AWS_ENDPOINT_URL_" + service);
            if (value != null && !value.isBlank()) {
                endpoints.put(service, URI.create(value.trim()));
            }
        }
        return endpoints;
    }

    /** A local emulator at {@code endpoint}, with the obviously fake credentials emulators accept. */
    public static AwsConnection emulator(URI endpoint, String region) {
        return emulator(endpoint, region, Map.of());
    }

    /**
     * A local emulator at {@code endpoint}, some services at their own ({@link #serviceEndpoints}). The access key id
     * is the account number: moto keeps everything in 123456789012 whatever the key, LocalStack takes a 12-digit key
     * id as the account (any other fake key puts it in 000000000000), so both hold the resources in the account the
     * sample events and the local deployment name.
     */
    public static AwsConnection emulator(URI endpoint, String region, Map<String, URI> serviceEndpoints) {
        return new AwsConnection(Region.of(region), Optional.of(endpoint), serviceEndpoints,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(EMULATOR_ACCOUNT, "testing")),
                java.util.List.of(), Retries.STANDARD);
    }

    public AwsConnection withInterceptor(ExecutionInterceptor interceptor) {
        var all = new java.util.ArrayList<>(interceptors);
        all.add(interceptor);
        return new AwsConnection(region, endpoint, serviceEndpoints, credentials, all, retries);
    }

    /**
     * The same endpoints, interceptors and retries with other credentials and another default region: a member
     * account's session ({@link StsMemberSessions}). Every client built from it signs with {@code asWho}.
     */
    public AwsConnection as(AwsCredentialsProvider asWho, Region inRegion) {
        return new AwsConnection(inRegion, endpoint, serviceEndpoints, asWho, interceptors, retries);
    }

    public AwsConnection withRetries(Retries budget) {
        return new AwsConnection(region, endpoint, serviceEndpoints, credentials, interceptors, budget);
    }

    /** Where calls to {@code service} (a name from {@link #SERVICES}) go: its own endpoint, the global one, or AWS. */
    public Optional<URI> endpointFor(String service) {
        URI own = serviceEndpoints.get(service);
        return own != null ? Optional.of(own) : endpoint;
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder(), "DYNAMODB", region).build();
    }

    public SqsClient sqs() {
        return configure(SqsClient.builder(), "SQS", region).build();
    }

    /** S3 in a region; path-style addressing when an endpoint is configured, as emulators expect. */
    public S3Client s3(Region inRegion) {
        var builder = configure(S3Client.builder(), "S3", inRegion);
        endpointFor("S3").ifPresent(e -> builder.forcePathStyle(true));
        return builder.build();
    }

    /**
     * S3 Control (the account-level public access block). AWS's endpoint rules address its calls to
     * {@code <account>.<endpoint host>}; an emulator on 127.0.0.1 has no such names, so with an endpoint configured
     * the rules' result is kept (signing name and region) and only its URL is pointed back at the endpoint.
     */
    public S3ControlClient s3Control() {
        var builder = configure(S3ControlClient.builder(), "S3_CONTROL", region);
        endpointFor("S3_CONTROL").ifPresent(e -> {
            S3ControlEndpointProvider rules = S3ControlEndpointProvider.defaultProvider();
            builder.endpointProvider(p -> rules.resolveEndpoint(p).thenApply(r -> r.toBuilder().url(e).build()));
        });
        return builder.build();
    }

    public CloudTrailClient cloudTrail(Region inRegion) {
        return configure(CloudTrailClient.builder(), "CLOUDTRAIL", inRegion).build();
    }

    /** Presigned S3 links signed with {@code signer}, in the same region and (locally) endpoint as {@link #s3}. */
    public software.amazon.awssdk.services.s3.presigner.S3Presigner s3Presigner(AwsCredentialsProvider signer) {
        var builder = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder().region(region)
                .credentialsProvider(signer);
        endpointFor("S3").ifPresent(e -> builder.endpointOverride(e).serviceConfiguration(
                software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build()));
        return builder.build();
    }

    /** IAM is global: its endpoint lives in us-east-1 (aws-global). */
    public IamClient iam() {
        return configure(IamClient.builder(), "IAM", endpointFor("IAM").isPresent() ? region : Region.AWS_GLOBAL).build();
    }

    /**
     * AWS Organizations (the directory of accounts). Global, like IAM: one endpoint per partition
     * ({@code organizations.us-east-1.amazonaws.com} in aws), or {@code AWS_ENDPOINT_URL_ORGANIZATIONS} /
     * {@code AWS_ENDPOINT_URL} locally. A signed JSON client of its own: see {@link OrganizationsApi} for why.
     */
    public OrganizationsApi organizations() {
        return OrganizationsApi.of(this);
    }

    /** Secrets Manager in the function's region, where the Slack secret lives. */
    public SecretsManagerClient secretsManager() {
        return configure(SecretsManagerClient.builder(), "SECRETS_MANAGER", region).build();
    }

    /** SSM Parameter Store in the function's region, where the kill switch lives. */
    public software.amazon.awssdk.services.ssm.SsmClient ssm() {
        return configure(software.amazon.awssdk.services.ssm.SsmClient.builder(), "SSM", region).build();
    }

    /** KMS in the function's region: the key that seals task tokens at rest. */
    public software.amazon.awssdk.services.kms.KmsClient kms() {
        return configure(software.amazon.awssdk.services.kms.KmsClient.builder(), "KMS", region).build();
    }

    /** STS in the function's region (its regional endpoint): the playbook worker assumes member roles with it. */
    public software.amazon.awssdk.services.sts.StsClient sts() {
        return configure(software.amazon.awssdk.services.sts.StsClient.builder(), "STS", region).build();
    }

    public SfnClient sfn() {
        return configure(SfnClient.builder(), "SFN", region).build();
    }

    public Ec2Client ec2() {
        return ec2(region);
    }

    public Ec2Client ec2(Region inRegion) {
        return configure(Ec2Client.builder(), "EC2", inRegion).build();
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, String service, Region inRegion) {
        builder.region(inRegion).credentialsProvider(credentials);
        endpointFor(service).ifPresent(builder::endpointOverride);
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(retries.strategy())
                .apiCallAttemptTimeout(retries.attemptTimeout())
                .apiCallTimeout(retries.callTimeout());
        interceptors.forEach(override::addExecutionInterceptor);
        builder.overrideConfiguration(override.build());
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(UrlConnectionHttpClient.builder());
        }
        return builder;
    }
}
