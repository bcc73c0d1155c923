package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.iam.PolicyRewrite;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an AWS Config item says of an IAM user, role or group — its attached managed policies, its inline policies and
 * (a role's) trust policy — after the change ({@link #after}) and, from the item's {@code configurationItemDiff}, before
 * it ({@link #before}: each changed property at its {@code previousValue}). Config writes IAM documents URL-encoded;
 * here they are JSON text IAM takes.
 *
 * @param attached managed policy ARNs
 * @param inline   inline policy name → document
 * @param trust    a role's trust policy, or null
 */
record IamConfigItem(List<String> attached, Map<String, String> inline, String trust) {

    /** The identity's state as the item records it, after the change. */
    static IamConfigItem after(JsonNode item, String kind) {
        JsonNode c = item.path("configuration");
        List<String> attached = new ArrayList<>();
        c.path("attachedManagedPolicies").forEach(p -> attached.add(p.path("policyArn").asText()));
        Map<String, String> inline = new LinkedHashMap<>();
        c.path(kind + "PolicyList").forEach(p -> inline.put(p.path("policyName").asText(), document(p.path("policyDocument"))));
        JsonNode trust = c.path("assumeRolePolicyDocument");
        return new IamConfigItem(attached, inline, trust.isTextual() || trust.isObject() ? document(trust) : null);
    }

    /**
     * The identity's state before the change: {@link #after} with every property the event's
     * {@code configurationItemDiff} lists at its previous value.
     */
    static IamConfigItem before(JsonNode detail, String kind) {
        IamConfigItem after = after(detail.path("configurationItem"), kind);
        List<String> attached = new ArrayList<>(after.attached());
        Map<String, String> inline = new LinkedHashMap<>(after.inline());
        String trust = after.trust();
        String policyList = "Configuration." + Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + "PolicyList.";
        var changed = detail.path("configurationItemDiff").path("changedProperties").properties();
        for (Map.Entry<String, JsonNode> e : changed) {
            JsonNode previous = e.getValue().path("previousValue");
            JsonNode updated = e.getValue().path("updatedValue");
            if (e.getKey().equals("Configuration.AssumeRolePolicyDocument")) {
                trust = previous.isTextual() || previous.isObject() ? document(previous) : null;
            } else if (e.getKey().startsWith("Configuration.AttachedManagedPolicies.")) {
                attached.remove(updated.path("policyArn").asText());
                if (previous.hasNonNull("policyArn")) {
                    attached.add(previous.path("policyArn").asText());
                }
            } else if (e.getKey().startsWith(policyList)) {
                inline.remove(updated.path("policyName").asText());
                if (previous.hasNonNull("policyName")) {
                    inline.put(previous.path("policyName").asText(), document(previous.path("policyDocument")));
                }
            }
        }
        return new IamConfigItem(attached, inline, trust);
    }

    private static String document(JsonNode node) {
        return node.isObject() ? node.toString() : PolicyRewrite.read(node.asText()).toString();
    }
}
