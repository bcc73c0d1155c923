package io.portcullis.local;

import io.portcullis.aws.AwsConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the local AWS emulator that {@code ./portcullis emulator start} (or the test command) started: the standard
 * {@code AWS_ENDPOINT_URL}, else the file {@code .emulator/endpoint} in the repository, and the SDK's per-service
 * variables ({@code AWS_ENDPOINT_URL_DYNAMODB}, …) that send single services elsewhere (the LocalStack run keeps
 * DynamoDB and CloudTrail on moto this way). Refuses any endpoint that is not on this machine, so local tooling can
 * never reach a real account.
 */
public final class Emulator {

    public static final String ENDPOINT_FILE = ".emulator/endpoint";

    private Emulator() {
    }

    public static URI endpoint() {
        String fromEnv = System.getenv("AWS_ENDPOINT_URL");
        String value = fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : fromFile().orElse(null);
        if (value == null) {
            throw new IllegalStateException("No local emulator: AWS_ENDPOINT_URL is not set and no " + ENDPOINT_FILE
                    + " was found above " + Path.of("").toAbsolutePath() + ". Start one with ./portcullis emulator start.");
        }
        return local("AWS_ENDPOINT_URL", URI.create(value));
    }

    /** The per-service endpoint variables of this process's environment, each checked to be on this machine. */
    public static Map<String, URI> serviceEndpoints() {
        Map<String, URI> endpoints = AwsConnection.serviceEndpoints(System.getenv());
        endpoints.forEach((service, uri) -> local("AWS_ENDPOINT_URL_" + service, uri));
        return endpoints;
    }

    /** The emulator as an {@link AwsConnection}: {@link #endpoint}, {@link #serviceEndpoints} and {@link #region}. */
    public static AwsConnection connection() {
        return AwsConnection.emulator(endpoint(), region(), serviceEndpoints());
    }

    private static URI local(String variable, URI uri) {
        if (!isLoopback(uri.getHost())) {
            throw new IllegalStateException("Refusing endpoint " + uri + " (" + variable + "): the local tools only talk"
                    + " to an emulator on this machine (127.0.0.1 or localhost).");
        }
        return uri;
    }

    public static String region() {
        String region = System.getenv("AWS_REGION");
        return region == null || region.isBlank() ? "us-east-1" : region;
    }

    private static Optional<String> fromFile() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path file = dir.resolve(ENDPOINT_FILE);
            if (Files.isRegularFile(file)) {
                try {
                    return Optional.of(Files.readString(file).trim());
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
                }
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false; // never resolve a name through DNS here
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
