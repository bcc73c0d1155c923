package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The four AWS Organizations reads the detector's directory of accounts makes ({@code ListAccounts},
 * {@code ListParents}, {@code DescribeOrganizationalUnit}, {@code ListTagsForResource}), and nothing else.
 *
 * <p>Why not the SDK's {@code OrganizationsClient}: its module is not in the Maven repository the project builds
 * from, so these calls are made here over the SDK's own pieces instead: Signature V4 ({@link AwsV4HttpSigner}), the
 * function's credentials and the URL-connection HTTP client every other client uses, and Organizations' JSON 1.1
 * protocol ({@code X-Amz-Target: AWSOrganizationsV20161128.<operation>}). Retries follow the connection's
 * {@link AwsConnection.Retries} budget: throttling ({@code TooManyRequestsException}, which Organizations answers
 * often), HTTP 5xx and I/O failures, with full-jitter backoff, bounded by its call timeout. Each public method is
 * one IAM action of the same name (the least-privilege test reads them from the bytecode as such).
 */
public final class OrganizationsApi {

    private static final String TARGET_PREFIX = "AWSOrganizationsV20161128.";
    private static final Set<String> THROTTLING = Set.of("TooManyRequestsException", "ThrottlingException",
            "Throttling", "ServiceException", "ConcurrentModificationException");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String signingRegion;
    private final AwsCredentialsProvider credentials;
    private final AwsConnection.Retries retries;
    private final SdkHttpClient http;

    OrganizationsApi(URI endpoint, String signingRegion, AwsCredentialsProvider credentials,
                     AwsConnection.Retries retries) {
        this.endpoint = endpoint;
        this.signingRegion = signingRegion;
        this.credentials = credentials;
        this.retries = retries;
        this.http = UrlConnectionHttpClient.builder().socketTimeout(retries.attemptTimeout())
                .connectionTimeout(retries.attemptTimeout()).build();
    }

    /**
     * The partition's global endpoint (aws: us-east-1; China: cn-northwest-1; GovCloud: us-gov-west-1), or the
     * configured one (emulators), signed for the function's region there since an emulator accepts any.
     */
    static OrganizationsApi of(AwsConnection aws) {
        String region = aws.region().id();
        var configured = aws.endpointFor("ORGANIZATIONS");
        if (configured.isPresent()) {
            return new OrganizationsApi(configured.get(), region, aws.credentials(), aws.retries());
        }
        if (region.startsWith("cn-")) {
            return new OrganizationsApi(URI.create("https://organizations.cn-northwest-1.amazonaws.com.cn"),
                    "cn-northwest-1", aws.credentials(), aws.retries());
        }
        if (region.startsWith("us-gov-")) {
            return new OrganizationsApi(URI.create("https://organizations.us-gov-west-1.amazonaws.com"),
                    "us-gov-west-1", aws.credentials(), aws.retries());
        }
        return new OrganizationsApi(URI.create("https://organizations.us-east-1.amazonaws.com"), "us-east-1",
                aws.credentials(), aws.retries());
    }

    /** One account of the organisation as ListAccounts gives it. */
    public record Account(String id, String arn, String name, String state) {
    }

    /** A parent: the root ({@code ROOT}) or an organizational unit ({@code ORGANIZATIONAL_UNIT}). */
    public record Parent(String id, String type) {
        public boolean root() {
            return "ROOT".equals(type);
        }
    }

    /** A page of accounts, and the token of the next page (null: the last). */
    public record AccountPage(List<Account> accounts, String nextToken) {
    }

    /** An error AWS Organizations answered, by its code ({@code AccessDeniedException}, …). */
    public static final class OrganizationsException extends RuntimeException {
        private final String code;

        OrganizationsException(String operation, String code, String message) {
            super("AWS Organizations " + operation + ": " + code + (message == null || message.isBlank() ? ""
                    : " (" + message + ")"));
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** One page of the organisation's accounts (all states; the caller keeps the active ones). */
    public AccountPage listAccounts(String nextToken) {
        JsonNode out = call("ListAccounts", body -> {
            if (nextToken != null) {
                body.put("NextToken", nextToken);
            }
        });
        List<Account> accounts = new ArrayList<>();
        for (JsonNode a : out.path("Accounts")) {
            // "State" replaced "Status" (2025); the older field stays for organisations and emulators that send it.
            String state = a.path("State").asText(a.path("Status").asText(""));
            accounts.add(new Account(a.path("Id").asText(), a.path("Arn").asText(""), a.path("Name").asText(""),
                    state));
        }
        return new AccountPage(accounts, text(out, "NextToken"));
    }

    /** The parent of an account or an organizational unit (Organizations gives exactly one). */
    public List<Parent> listParents(String childId) {
        List<Parent> parents = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            JsonNode out = call("ListParents", body -> {
                body.put("ChildId", childId);
                if (page != null) {
                    body.put("NextToken", page);
                }
            });
            out.path("Parents").forEach(p -> parents.add(new Parent(p.path("Id").asText(), p.path("Type").asText())));
            token = text(out, "NextToken");
        } while (token != null);
        return parents;
    }

    /** An organizational unit's name. */
    public String describeOrganizationalUnit(String unitId) {
        return call("DescribeOrganizationalUnit", body -> body.put("OrganizationalUnitId", unitId))
                .path("OrganizationalUnit").path("Name").asText(unitId);
    }

    /** Every tag of an account (or other Organizations resource), all pages. */
    public Map<String, String> listTagsForResource(String resourceId) {
        Map<String, String> tags = new LinkedHashMap<>();
        String token = null;
        do {
            String page = token;
            JsonNode out = call("ListTagsForResource", body -> {
                body.put("ResourceId", resourceId);
                if (page != null) {
                    body.put("NextToken", page);
                }
            });
            out.path("Tags").forEach(t -> tags.put(t.path("Key").asText(), t.path("Value").asText("")));
            token = text(out, "NextToken");
        } while (token != null);
        return tags;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    private JsonNode call(String operation, Consumer<ObjectNode> request) {
        ObjectNode body = JSON.createObjectNode();
        request.accept(body);
        String payload = body.toString();
        long deadline = System.nanoTime() + retries.callTimeout().toNanos();
        for (int attempt = 1; ; attempt++) {
            boolean throttled;
            RuntimeException failure;
            try {
                return attempt(operation, payload);
            } catch (OrganizationsException e) {
                if (!THROTTLING.contains(e.code()) && !e.code().startsWith("HTTP 5")) {
                    throw e;
                }
                throttled = !e.code().startsWith("HTTP 5") && !"ServiceException".equals(e.code());
                failure = e;
            } catch (UncheckedIOException e) {
                throttled = false;
                failure = e;
            }
            Duration wait = backoff(attempt, throttled);
            if (attempt >= retries.maxAttempts() || System.nanoTime() + wait.toNanos() >= deadline) {
                throw failure;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
            }
        }
    }

    /** Full jitter: a random wait up to base × 2^(attempt − 1), capped. */
    private Duration backoff(int attempt, boolean throttled) {
        Duration base = throttled ? retries.throttledBaseDelay() : retries.baseDelay();
        long cap = Math.min(retries.maxBackoff().toMillis(), base.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
    }

    private JsonNode attempt(String operation, String payload) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", TARGET_PREFIX + operation)
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromUtf8String(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "organizations")
                .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request()).contentStreamProvider(signed.payload().orElse(null)).build()).call();
            JsonNode out;
            try (InputStream in = response.responseBody().orElse(null)) {
                byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
                out = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                out = JSON.createObjectNode();
            }
            int status = response.httpResponse().statusCode();
            if (status / 100 == 2) {
                return out;
            }
            String code = out.path("__type").asText(response.httpResponse().firstMatchingHeader("x-amzn-ErrorType")
                    .orElse(""));
            code = code.substring(code.lastIndexOf('#') + 1);
            int colon = code.indexOf(':');
            code = colon > 0 ? code.substring(0, colon) : code;
            if (code.isBlank() || status >= 500) {
                code = "HTTP " + status;
            }
            throw new OrganizationsException(operation, code, out.path("message").asText(out.path("Message")
                    .asText("")));
        } catch (IOException e) {
            throw new UncheckedIOException("AWS Organizations " + operation + " at " + endpoint + ": " + e.getMessage(), e);
        }
    }
}
