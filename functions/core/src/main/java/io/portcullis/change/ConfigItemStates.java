package io.portcullis.change;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.json.Json;
import java.util.List;
import java.util.Locale;

/**
 * The security-relevant state of an S3 bucket or an IAM user, role or group, read from an AWS Config configuration
 * item into one normalised shape the rules judge (the {@link Change#request()} of a {@link ChangeKind#STATE} change).
 * Config writes some parts as objects and some as JSON text (a bucket's ACL always, other supplementary parts in
 * older records), and IAM documents URL-encoded; this reads every form and refuses, naming the field, what it cannot.
 *
 * <p>Bucket: {@code {"publicAccessBlock": {"BlockPublicAcls": bool, "IgnorePublicAcls", "BlockPublicPolicy",
 * "RestrictPublicBuckets"} | null, "policy": "<policy text>" | null, "grants": [{"grantee": "AllUsers" |
 * "AuthenticatedUsers" | "<canonical id>", "permission": "READ" | "WRITE" | "READ_ACP" | "WRITE_ACP" |
 * "FULL_CONTROL"}], "encryption": {"rules": [{"sseAlgorithm", "kmsMasterKeyId", "bucketKeyEnabled"}]}}}
 * ({@code null} block: none configured; {@code "rules": []}: no default encryption).
 *
 * <p>User, role or group: {@code {"attachedManagedPolicies": ["<policy ARN>"], "inlinePolicies": {"<name>":
 * "<document as JSON text>"}, "trustPolicy": "<document as JSON text>" | null}} (the trust policy: roles only).
 */
final class ConfigItemStates {

    private static final String ITEM = "detail.configurationItem";

    private ConfigItemStates() {
    }

    /** From {@code supplementaryConfiguration}: PublicAccessBlockConfiguration, BucketPolicy, AccessControlList, ServerSideEncryptionConfiguration. */
    static ObjectNode bucket(JsonNode item) {
        JsonNode supplementary = item.path("supplementaryConfiguration");
        String at = ITEM + ".supplementaryConfiguration";
        ObjectNode out = Json.mapper().createObjectNode();

        JsonNode block = part(supplementary, "PublicAccessBlockConfiguration", at);
        if (block.isObject()) {
            ObjectNode flags = out.putObject("publicAccessBlock");
            for (String flag : List.of("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")) {
                // Config writes the flags in camelCase (blockPublicAcls); an absent flag is off, as S3 reads it.
                JsonNode v = block.path(Character.toLowerCase(flag.charAt(0)) + flag.substring(1));
                flags.put(flag, v.isBoolean() ? v.asBoolean() : "true".equalsIgnoreCase(v.asText()));
            }
        } else {
            out.putNull("publicAccessBlock");
        }

        JsonNode policyText = part(supplementary, "BucketPolicy", at).path("policyText");
        if (policyText.isTextual() && !policyText.asText().isBlank()) {
            out.put("policy", policyText.asText());
        } else if (policyText.isObject()) {
            out.put("policy", policyText.toString());
        } else {
            out.putNull("policy");
        }

        ArrayNode grants = out.putArray("grants");
        JsonNode acl = part(supplementary, "AccessControlList", at);
        JsonNode list = acl.path("grantList");
        for (int i = 0; i < list.size(); i++) {
            JsonNode g = list.get(i);
            JsonNode grantee = g.path("grantee");
            String who = grantee.isTextual() ? grantee.asText()
                    : firstText(grantee, "id", "identifier", "emailAddress", "uri");
            if (who == null) {
                throw new CloudTrailEventReader.EventFormatException(at + ".AccessControlList.grantList[" + i
                        + "].grantee names nobody");
            }
            grants.addObject().put("grantee", who).put("permission", permission(g.path("permission").asText("")));
        }

        ArrayNode rules = out.putObject("encryption").putArray("rules");
        for (JsonNode r : part(supplementary, "ServerSideEncryptionConfiguration", at).path("rules")) {
            JsonNode byDefault = r.path("applyServerSideEncryptionByDefault");
            String algorithm = byDefault.path("sseAlgorithm").asText("");
            if (algorithm.isEmpty()) {
                continue;
            }
            ObjectNode rule = rules.addObject().put("sseAlgorithm", algorithm);
            JsonNode key = byDefault.path("kmsMasterKeyID");
            if (key.isTextual() && !key.asText().isBlank()) {
                rule.put("kmsMasterKeyId", key.asText());
            } else {
                rule.putNull("kmsMasterKeyId");
            }
            rule.put("bucketKeyEnabled", r.path("bucketKeyEnabled").asBoolean(false));
        }
        return out;
    }

    /** A list field of the item: absent or null is an empty list; anything but a list is refused, naming it. */
    private static JsonNode list(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return Json.mapper().createArrayNode();
        }
        if (!node.isArray()) {
            throw new CloudTrailEventReader.EventFormatException(where + " must be a list, not " + node.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT));
        }
        return node;
    }

    /** From {@code configuration}: attachedManagedPolicies, rolePolicyList/userPolicyList/groupPolicyList, assumeRolePolicyDocument. */
    static ObjectNode iam(JsonNode item, String kind) {
        JsonNode configuration = item.path("configuration");
        String at = ITEM + ".configuration";
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode attached = out.putArray("attachedManagedPolicies");
        JsonNode managed = list(configuration.path("attachedManagedPolicies"), at + ".attachedManagedPolicies");
        for (int i = 0; i < managed.size(); i++) {
            String arn = managed.get(i).path("policyArn").asText("");
            if (arn.isBlank()) {
                throw new CloudTrailEventReader.EventFormatException(at + ".attachedManagedPolicies[" + i
                        + "].policyArn is missing");
            }
            attached.add(arn);
        }
        ObjectNode inline = out.putObject("inlinePolicies");
        String listName = kind + "PolicyList";
        JsonNode policies = list(configuration.path(listName), at + "." + listName);
        for (int i = 0; i < policies.size(); i++) {
            String where = at + "." + listName + "[" + i + "]";
            String name = policies.get(i).path("policyName").asText("");
            if (name.isBlank()) {
                throw new CloudTrailEventReader.EventFormatException(where + ".policyName is missing");
            }
            inline.put(name, document(policies.get(i).path("policyDocument"), where + ".policyDocument"));
        }
        JsonNode trust = configuration.path("assumeRolePolicyDocument");
        if (kind.equals("role") && !trust.isMissingNode() && !trust.isNull()) {
            out.put("trustPolicy", document(trust, at + ".assumeRolePolicyDocument"));
        } else {
            out.putNull("trustPolicy");
        }
        return out;
    }

    /** A supplementary part: an object, or the same as JSON text; missing or null is an empty object. */
    private static JsonNode part(JsonNode supplementary, String name, String at) {
        JsonNode v = supplementary.path(name);
        if (v.isTextual()) {
            try {
                JsonNode parsed = Json.mapper().readTree(v.asText());
                return parsed == null || parsed.isNull() ? Json.mapper().createObjectNode() : parsed;
            } catch (java.io.IOException e) {
                throw new CloudTrailEventReader.EventFormatException(at + "." + name + " is text but not JSON");
            }
        }
        return v.isObject() ? v : Json.mapper().createObjectNode();
    }

    /** A policy document (object, JSON text or URL-encoded JSON text) as compact JSON text. */
    private static String document(JsonNode node, String at) {
        if (node.isObject()) {
            return node.toString();
        }
        try {
            return PolicyRewrite.read(node.asText("")).toString();
        } catch (IllegalArgumentException e) {
            throw new CloudTrailEventReader.EventFormatException(at + " is not a policy document");
        }
    }

    /** Config's {@code ReadAcp} is S3's {@code READ_ACP}. */
    private static String permission(String config) {
        return config.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            if (node.path(f).isTextual() && !node.path(f).asText().isBlank()) {
                return node.path(f).asText();
            }
        }
        return null;
    }
}
