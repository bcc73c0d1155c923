package io.portcullis.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.inventory.InventorySource;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityType;
import software.amazon.awssdk.services.iam.model.GetAccountAuthorizationDetailsResponse;
import software.amazon.awssdk.services.iam.model.PolicyDetail;

/**
 * The inline policies of every IAM user, role and group of the account, read with
 * {@code GetAccountAuthorizationDetails} (paginated, users, roles and groups only: managed policies have their own
 * versions in IAM), each principal recorded under {@link ResourceRef#iam} (by name, as events name it) as
 *
 * <pre>
 * {"inlinePolicies": {"read-reports": {"Version": "2012-10-17", "Statement": [...]}}}
 * </pre>
 *
 * <p>with {@code {}} for a principal without inline policies, so a policy put on it later can be recognised as new.
 * IAM returns the documents URL-encoded; they are recorded decoded, as JSON objects. A principal with a document that
 * is not JSON is left out with a WARN.
 */
public final class IamInlinePolicyInventory implements InventorySource {

    private final Supplier<IamClient> iam;
    private final String account;
    private final Clock clock;

    public IamInlinePolicyInventory(Supplier<IamClient> iam, String account, Clock clock) {
        this.iam = new Lazy<>(iam);
        this.account = account;
        this.clock = clock;
    }

    @Override
    public List<KnownConfiguration> readAll() {
        UnreadResources unread = new UnreadResources("IAM inline policies");
        List<KnownConfiguration> out = new ArrayList<>();
        for (GetAccountAuthorizationDetailsResponse page : iam.get().getAccountAuthorizationDetailsPaginator(r -> r
                .filter(EntityType.USER, EntityType.ROLE, EntityType.GROUP).maxItems(1000))) {
            Instant read = clock.instant();
            page.userDetailList().forEach(u -> add(out, unread, "user", u.userName(), u.userPolicyList(), read));
            page.roleDetailList().forEach(r -> add(out, unread, "role", r.roleName(), r.rolePolicyList(), read));
            page.groupDetailList().forEach(g -> add(out, unread, "group", g.groupName(), g.groupPolicyList(), read));
        }
        unread.finish();
        return out;
    }

    private void add(List<KnownConfiguration> out, UnreadResources unread, String kind, String name,
                     List<PolicyDetail> policies, Instant read) {
        Map<String, JsonNode> documents = new TreeMap<>();
        for (PolicyDetail p : policies) {
            try {
                documents.put(p.policyName(), document(p.policyDocument()));
            } catch (IllegalArgumentException e) {
                unread.skip(kind + " " + name, "inline policy " + p.policyName() + ": " + e.getMessage());
                return;
            }
        }
        ObjectNode c = Json.mapper().createObjectNode();
        ObjectNode inline = c.putObject("inlinePolicies");
        documents.forEach(inline::set);
        out.add(new KnownConfiguration(ResourceRef.iam(kind, name, account), c, read));
    }

    /** A policy document as IAM returns it (URL-encoded JSON; some emulators send it plain) as a JSON object. */
    static JsonNode document(String text) {
        String json = text == null ? "" : text.trim();
        if (!json.startsWith("{")) {
            json = URLDecoder.decode(json, StandardCharsets.UTF_8);
        }
        JsonNode parsed;
        try {
            parsed = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the document is not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (parsed == null || !parsed.isObject()) {
            throw new IllegalArgumentException("the document is not a JSON object");
        }
        return parsed;
    }
}
