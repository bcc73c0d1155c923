package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.json.Json;
import io.portcullis.rule.S3ExposureRule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Grantee;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * A production bucket as a careful team leaves it: private ACL (the owner only), no policy, the public access block
 * on, SSE-KMS default encryption with a bucket key; tagged {@code environment=production}. Changed by
 * {@code PutBucketAcl} (grant list or canned), {@code PutBucketPolicy}, {@code Put/DeleteBucketPublicAccessBlock},
 * {@code DeleteBucketEncryption}, made NON_COMPLIANT with an S3 Config rule, or made what an AWS Config item of a bucket
 * records (its ACL, policy, public access block and default encryption).
 */
final class BucketScenario implements Scenario {

    static final Set<String> CALLS = Set.of("PutBucketAcl", "PutBucketPolicy", "PutBucketPublicAccessBlock",
            "DeleteBucketPublicAccessBlock", "DeleteBucketEncryption");

    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    /** Config's names for the grantee groups of an ACL. */
    private static final Map<String, String> GROUPS = Map.of("AllUsers", ALL_USERS,
            "AuthenticatedUsers", AUTHENTICATED_USERS, "LogDelivery", "http://acs.amazonaws.com/groups/s3/LogDelivery");

    /** The S3 Config rules, and what makes a bucket NON_COMPLIANT with each. */
    static final Map<String, Consumer<BucketScenario>> BREAKS = Map.of(
            "s3-bucket-public-read-prohibited", b -> b.putGrants(List.of(b.ownerGrant(), group(ALL_USERS, Permission.READ))),
            "s3-bucket-public-write-prohibited", b -> b.putGrants(List.of(b.ownerGrant(), group(ALL_USERS, Permission.WRITE))),
            "s3-bucket-level-public-access-prohibited", b -> b.s3().deletePublicAccessBlock(r -> r.bucket(b.bucket)),
            "s3-bucket-server-side-encryption-enabled", b -> b.s3().deleteBucketEncryption(r -> r.bucket(b.bucket)));

    private final ScenarioAws aws;
    private String bucket;
    private String owner;

    BucketScenario(ScenarioAws aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "bucket " + bucket + " in " + aws.region() + ", tagged environment=production";
    }

    @Override
    public void createBefore(SampleEvent sample) {
        bucket = ScenarioAws.unique("portcullis-scenario-data");
        if (aws.region().equals("us-east-1")) {
            s3().createBucket(r -> r.bucket(bucket));
        } else {
            s3().createBucket(r -> r.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(
                    BucketLocationConstraint.fromValue(aws.region()))));
        }
        s3().putBucketTagging(r -> r.bucket(bucket).tagging(t -> t.tagSet(
                Tag.builder().key("environment").value("production").build())));
        s3().putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        s3().putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(rule -> rule
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS))
                .bucketKeyEnabled(true))));
        owner = s3().getBucketAcl(r -> r.bucket(bucket)).owner().id();
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        ObjectNode detail = (ObjectNode) event.path("detail");
        if (sample.detailType().equals(SampleEvent.CONFIG_ITEM)) {
            ObjectNode item = (ObjectNode) detail.path("configurationItem");
            String sampleBucket = item.path("resourceName").asText(item.path("resourceId").asText(""));
            SampleEvent.replaceText(item, sampleBucket, bucket);
            SampleEvent.replaceText(item, item.path("configuration").path("owner").path("id").asText(""), owner);
            item.put("resourceId", bucket).put("resourceName", bucket).put("ARN", "arn:aws:s3:::" + bucket)
                    .put("awsAccountId", aws.account());
            event.putArray("resources").add("arn:aws:s3:::" + bucket);
            return event;
        }
        if (sample.isConfig()) {
            SampleEvent.aimVerdict(event, bucket);
            return event;
        }
        JsonNode request = detail.path("requestParameters");
        String sampleBucket = request.path("bucketName").asText("");
        SampleEvent.replaceText(request, sampleBucket, bucket);
        SampleEvent.replaceText(request, "." + sample.detail().path("awsRegion").asText("?") + ".", "." + aws.region() + ".");
        JsonNode acl = request.path("AccessControlPolicy");
        SampleEvent.replaceText(acl, acl.path("Owner").path("ID").asText(""), owner);
        return event;
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        SampleEvent aimed = new SampleEvent(null, event);
        if (aimed.detailType().equals(SampleEvent.CONFIG_ITEM)) {
            become(aimed.detail().path("configurationItem").path("supplementaryConfiguration"));
            return event;
        }
        if (aimed.isConfig()) {
            if (aimed.nonCompliant()) {
                BREAKS.get(aimed.eventName()).accept(this);
            }
            return event;
        }
        JsonNode request = aimed.request();
        switch (aimed.eventName()) {
            case "PutBucketAcl" -> putGrants(request.has("AccessControlPolicy")
                    ? grants(request.path("AccessControlPolicy").path("AccessControlList").path("Grant"))
                    : canned(cannedAcl(request)));
            case "PutBucketPolicy" -> {
                JsonNode policy = request.path("bucketPolicy");
                String text = policy.isTextual() ? policy.asText() : policy.toString();
                s3().putBucketPolicy(r -> r.bucket(bucket).policy(text));
            }
            case "PutBucketPublicAccessBlock" -> {
                JsonNode c = request.path("PublicAccessBlockConfiguration");
                s3().putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(b -> b
                        .blockPublicAcls(c.path("BlockPublicAcls").asBoolean(false))
                        .ignorePublicAcls(c.path("IgnorePublicAcls").asBoolean(false))
                        .blockPublicPolicy(c.path("BlockPublicPolicy").asBoolean(false))
                        .restrictPublicBuckets(c.path("RestrictPublicBuckets").asBoolean(false))));
            }
            case "DeleteBucketPublicAccessBlock" -> s3().deletePublicAccessBlock(r -> r.bucket(bucket));
            case "DeleteBucketEncryption" -> s3().deleteBucketEncryption(r -> r.bucket(bucket));
            default -> throw new UnsupportedSample(aimed.describe() + " is not a bucket change this scenario makes");
        }
        return event;
    }

    /**
     * Makes the bucket what a Config item's supplementary configuration records: the public access block (none when
     * absent), the ACL's grants, the policy (none when absent) and the default encryption (none when absent).
     */
    private void become(JsonNode supplementary) {
        JsonNode block = part(supplementary, "PublicAccessBlockConfiguration");
        if (block.isObject() && !block.isEmpty()) {
            s3().putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(b -> b
                    .blockPublicAcls(block.path("blockPublicAcls").asBoolean(false))
                    .ignorePublicAcls(block.path("ignorePublicAcls").asBoolean(false))
                    .blockPublicPolicy(block.path("blockPublicPolicy").asBoolean(false))
                    .restrictPublicBuckets(block.path("restrictPublicBuckets").asBoolean(false))));
        } else {
            s3().deletePublicAccessBlock(r -> r.bucket(bucket));
        }
        List<Grant> grants = new ArrayList<>();
        for (JsonNode g : part(supplementary, "AccessControlList").path("grantList")) {
            JsonNode who = g.path("grantee");
            Grantee grantee = who.isTextual()
                    ? Grantee.builder().type(Type.GROUP).uri(GROUPS.getOrDefault(who.asText(), who.asText())).build()
                    : Grantee.builder().type(Type.CANONICAL_USER).id(who.path("id").asText()).build();
            // Config's FullControl, ReadAcp are S3's FULL_CONTROL, READ_ACP.
            String permission = g.path("permission").asText().replaceAll("([a-z])([A-Z])", "$1_$2")
                    .toUpperCase(java.util.Locale.ROOT);
            grants.add(Grant.builder().grantee(grantee).permission(permission).build());
        }
        putGrants(grants.isEmpty() ? List.of(ownerGrant()) : grants);
        JsonNode policy = part(supplementary, "BucketPolicy").path("policyText");
        if (policy.isTextual() && !policy.asText().isBlank()) {
            s3().putBucketPolicy(r -> r.bucket(bucket).policy(policy.asText()));
        } else {
            s3().deleteBucketPolicy(r -> r.bucket(bucket));
        }
        JsonNode rule = part(supplementary, "ServerSideEncryptionConfiguration").path("rules").path(0);
        if (rule.path("applyServerSideEncryptionByDefault").hasNonNull("sseAlgorithm")) {
            JsonNode byDefault = rule.path("applyServerSideEncryptionByDefault");
            s3().putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(x -> x
                    .applyServerSideEncryptionByDefault(e -> e.sseAlgorithm(byDefault.path("sseAlgorithm").asText())
                            .kmsMasterKeyID(byDefault.path("kmsMasterKeyID").asText(null)))
                    .bucketKeyEnabled(rule.path("bucketKeyEnabled").asBoolean(false)))));
        } else {
            s3().deleteBucketEncryption(r -> r.bucket(bucket));
        }
    }

    /** A supplementary part of a Config item: an object, or the same as JSON text (an ACL always is). */
    private static JsonNode part(JsonNode supplementary, String name) {
        JsonNode v = supplementary.path(name);
        if (v.isTextual()) {
            try {
                return Json.mapper().readTree(v.asText());
            } catch (IOException e) {
                throw new UnsupportedSample("supplementaryConfiguration." + name + " is text but not JSON");
            }
        }
        return v;
    }

    /**
     * Each part a finding names with only its offending part gone — the ACL without its AllUsers and
     * AuthenticatedUsers grants, the policy without the statements that allow anyone (none left: no policy), the
     * public access block all on, the default encryption as before the change — and every other part as the change
     * left it (a Config item may record harmless changes beside the offending one).
     */
    @Override
    public ObjectNode fixed(ObjectNode before, ObjectNode after, io.portcullis.incident.Incident incident) {
        if (incident == null) {
            return before;
        }
        ObjectNode fixed = after.deepCopy();
        if (names(incident, S3ExposureRule.ID_PUBLIC_ACL)) {
            ArrayNode acl = fixed.putArray("acl");
            after.path("acl").forEach(g -> {
                if (!g.asText().startsWith("AllUsers ") && !g.asText().startsWith("AuthenticatedUsers ")) {
                    acl.add(g);
                }
            });
        }
        if (names(incident, S3ExposureRule.ID_PUBLIC_POLICY) && after.path("policy").isArray()) {
            ObjectNode document = Json.mapper().createObjectNode();
            document.set("Statement", after.path("policy").deepCopy());
            List<JsonNode> open = PolicyRewrite.publicStatements(document);
            ArrayNode kept = Json.mapper().createArrayNode();
            after.path("policy").forEach(st -> {
                if (!open.contains(st)) {
                    kept.add(st);
                }
            });
            fixed.set("policy", kept.isEmpty() ? Json.mapper().nullNode() : kept);
        }
        if (names(incident, S3ExposureRule.ID_BLOCK_REMOVED)) {
            fixed.putObject("publicAccessBlock").put("BlockPublicAcls", true).put("IgnorePublicAcls", true)
                    .put("BlockPublicPolicy", true).put("RestrictPublicBuckets", true);
        }
        if (names(incident, S3ExposureRule.ID_ENCRYPTION_REMOVED)) {
            fixed.set("encryption", before.path("encryption").deepCopy());
        }
        return fixed;
    }

    private static boolean names(io.portcullis.incident.Incident incident, String findingId) {
        return incident.findings().stream().anyMatch(f -> f.remediates(findingId));
    }

    /**
     * {@code {"acl": ["owner FULL_CONTROL", "AllUsers READ"], "policy": [statements] | null, "publicAccessBlock":
     * {four flags} | null, "encryption": {"algorithm", "bucketKey"} | null}}.
     */
    @Override
    public ObjectNode read() {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode acl = out.putArray("acl");
        s3().getBucketAcl(r -> r.bucket(bucket)).grants().stream().map(this::describeGrant).sorted().forEach(acl::add);
        out.set("policy", policyStatements());
        try {
            PublicAccessBlockConfiguration c = s3().getPublicAccessBlock(r -> r.bucket(bucket))
                    .publicAccessBlockConfiguration();
            out.putObject("publicAccessBlock").put("BlockPublicAcls", Boolean.TRUE.equals(c.blockPublicAcls()))
                    .put("IgnorePublicAcls", Boolean.TRUE.equals(c.ignorePublicAcls()))
                    .put("BlockPublicPolicy", Boolean.TRUE.equals(c.blockPublicPolicy()))
                    .put("RestrictPublicBuckets", Boolean.TRUE.equals(c.restrictPublicBuckets()));
        } catch (S3Exception e) {
            requireCode(e, "NoSuchPublicAccessBlockConfiguration");
            out.putNull("publicAccessBlock");
        }
        try {
            var rules = s3().getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules();
            var rule = rules.get(0);
            ObjectNode enc = out.putObject("encryption");
            enc.put("algorithm", rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString());
            if (rule.applyServerSideEncryptionByDefault().kmsMasterKeyID() != null) {
                enc.put("kmsKey", rule.applyServerSideEncryptionByDefault().kmsMasterKeyID());
            }
            enc.put("bucketKey", Boolean.TRUE.equals(rule.bucketKeyEnabled()));
        } catch (S3Exception e) {
            requireCode(e, "ServerSideEncryptionConfigurationNotFoundError");
            out.putNull("encryption");
        }
        return out;
    }

    private JsonNode policyStatements() {
        String text;
        try {
            text = s3().getBucketPolicy(r -> r.bucket(bucket)).policy();
        } catch (S3Exception e) {
            requireCode(e, "NoSuchBucketPolicy");
            return Json.mapper().nullNode();
        }
        try {
            JsonNode statements = Json.mapper().readTree(text).path("Statement");
            return statements.isArray() ? statements : Json.mapper().createArrayNode().add(statements);
        } catch (IOException e) {
            return Json.mapper().getNodeFactory().textNode(text);
        }
    }

    private String describeGrant(Grant g) {
        Grantee who = g.grantee();
        String name = who.type() == Type.GROUP ? who.uri().substring(who.uri().lastIndexOf('/') + 1)
                : owner.equals(who.id()) ? "owner"
                : who.type() == Type.CANONICAL_USER ? "user " + who.id()
                : String.valueOf(who.emailAddress());
        return name + " " + g.permissionAsString();
    }

    private void putGrants(List<Grant> grants) {
        s3().putBucketAcl(r -> r.bucket(bucket).accessControlPolicy(p -> p.owner(o -> o.id(owner)).grants(grants)));
    }

    private Grant ownerGrant() {
        return Grant.builder().grantee(g -> g.type(Type.CANONICAL_USER).id(owner)).permission(Permission.FULL_CONTROL)
                .build();
    }

    private static Grant group(String uri, Permission permission) {
        return Grant.builder().grantee(g -> g.type(Type.GROUP).uri(uri)).permission(permission).build();
    }

    /** The event's grant list ({@code Grant}: one or a list; grantee by canonical id, group URI or e-mail). */
    private static List<Grant> grants(JsonNode raw) {
        List<JsonNode> entries = new ArrayList<>();
        if (raw.isArray()) {
            raw.forEach(entries::add);
        } else if (raw.isObject()) {
            entries.add(raw);
        }
        List<Grant> out = new ArrayList<>();
        for (JsonNode g : entries) {
            JsonNode who = g.path("Grantee");
            Grantee.Builder grantee = Grantee.builder();
            if (who.hasNonNull("URI")) {
                grantee.type(Type.GROUP).uri(who.path("URI").asText());
            } else if (who.hasNonNull("EmailAddress")) {
                grantee.type(Type.AMAZON_CUSTOMER_BY_EMAIL).emailAddress(who.path("EmailAddress").asText());
            } else {
                grantee.type(Type.CANONICAL_USER).id(who.path("ID").asText());
            }
            out.add(Grant.builder().grantee(grantee.build()).permission(g.path("Permission").asText()).build());
        }
        return out;
    }

    private static String cannedAcl(JsonNode request) {
        JsonNode canned = request.path("x-amz-acl");
        return canned.isArray() ? canned.path(0).asText("private") : canned.asText("private");
    }

    /**
     * A canned ACL as the grant list S3 stores for it. The canned form is a body-less PUT, which the JDK
     * URL-connection client sends without the Content-Length the emulator requires; the resulting ACL is the same.
     */
    private List<Grant> canned(String acl) {
        List<Grant> out = new ArrayList<>(List.of(ownerGrant()));
        switch (acl) {
            case "public-read" -> out.add(group(ALL_USERS, Permission.READ));
            case "public-read-write" -> {
                out.add(group(ALL_USERS, Permission.READ));
                out.add(group(ALL_USERS, Permission.WRITE));
            }
            case "authenticated-read" -> out.add(group(AUTHENTICATED_USERS, Permission.READ));
            default -> {
            }
        }
        return out;
    }

    private S3Client s3() {
        return aws.s3();
    }

    private static void requireCode(S3Exception e, String code) {
        if (e.awsErrorDetails() == null || !code.equals(e.awsErrorDetails().errorCode())) {
            throw e;
        }
    }
}
