package io.portcullis.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * An organisation in the emulator (moto keeps one, with the emulator's account 123456789012 as its management
 * account): the writes a test needs to lay one out, which Portcullis itself never makes. moto does not check
 * signatures, so these requests carry the emulator's credential scope unsigned.
 */
public final class MotoOrganization {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final URI endpoint;
    private final String id;
    private final String root;

    private MotoOrganization(URI endpoint) {
        this.endpoint = endpoint;
        JsonNode created = call("CreateOrganization", b -> b.put("FeatureSet", "ALL"), true);
        this.id = (created.has("Organization") ? created : call("DescribeOrganization", b -> { }, false))
                .path("Organization").path("Id").asText();
        this.root = call("ListRoots", b -> { }, false).path("Roots").get(0).path("Id").asText();
    }

    /** The emulator's organisation, created on first use. */
    public static MotoOrganization inEmulator() {
        return new MotoOrganization(Emulator.serviceEndpoints().getOrDefault("ORGANIZATIONS", Emulator.endpoint()));
    }

    public String id() {
        return id;
    }

    public String root() {
        return root;
    }

    /** A new unit under {@code parent} (a root or unit id); its id. */
    public String unit(String parent, String name) {
        return call("CreateOrganizationalUnit", b -> b.put("ParentId", parent).put("Name", name), false)
                .path("OrganizationalUnit").path("Id").asText();
    }

    /** A new member account, at the root, with these tags; its generated id. */
    public String account(String name, Map<String, String> tags) {
        return call("CreateAccount", b -> {
            b.put("AccountName", name).put("Email", UUID.randomUUID() + "@example.com");
            var list = b.putArray("Tags");
            tags.forEach((k, v) -> list.addObject().put("Key", k).put("Value", v));
        }, false).path("CreateAccountStatus").path("AccountId").asText();
    }

    public void move(String account, String from, String to) {
        call("MoveAccount", b -> b.put("AccountId", account).put("SourceParentId", from).put("DestinationParentId", to),
                false);
    }

    public void tag(String resource, Map<String, String> tags) {
        call("TagResource", b -> {
            b.put("ResourceId", resource);
            var list = b.putArray("Tags");
            tags.forEach((k, v) -> list.addObject().put("Key", k).put("Value", v));
        }, false);
    }

    private JsonNode call(String operation, Consumer<ObjectNode> body, boolean mayExist) {
        ObjectNode request = Json.mapper().createObjectNode();
        body.accept(request);
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .header("X-Amz-Target", "AWSOrganizationsV20161128." + operation)
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-east-1/"
                            + "organizations/aws4_request, SignedHeaders=host, Signature=0")
                    .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode out = Json.mapper().readTree(response.body().isEmpty() ? "{}" : response.body());
            if (response.statusCode() / 100 != 2) {
                if (mayExist && out.path("__type").asText().contains("AlreadyInOrganization")) {
                    return Json.mapper().createObjectNode();
                }
                throw new IllegalStateException(operation + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(operation + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(operation + " interrupted", e);
        }
    }
}
