package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.iam.PolicyRewrite;
import io.portcullis.json.Json;
import java.util.Set;
import software.amazon.awssdk.services.iam.model.PolicyVersion;

/**
 * A customer managed policy whose default version (v1) allows reading one bucket; changed by
 * {@code CreatePolicyVersion} (with the event's document, as the default when the event says so) or
 * {@code SetDefaultPolicyVersion} (to an admin-equivalent version someone prepared earlier, as the event names a
 * version and not its document); or made NON_COMPLIANT with AWS Config's {@code iam-policy-no-statements-with-admin-access}
 * (a new default version allowing everything), which names the policy by its id only.
 */
final class ManagedPolicyScenario implements Scenario {

    static final Set<String> CALLS = Set.of("CreatePolicyVersion", "SetDefaultPolicyVersion");
    static final Set<String> RULES = Set.of("iam-policy-no-statements-with-admin-access");

    static final String READ_ONE_BUCKET = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::example-reports/*\"}]}";
    static final String EVERYTHING = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private final ScenarioAws aws;
    private String name;
    private String arn;
    private String id;
    private String prepared;

    ManagedPolicyScenario(ScenarioAws aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "customer managed policy " + arn + " (id " + id + ")";
    }

    @Override
    public void createBefore(SampleEvent sample) {
        String sampleArn = sample.request().path("policyArn").asText("developer-boundary");
        name = ScenarioAws.unique(sampleArn.substring(sampleArn.lastIndexOf('/') + 1));
        var policy = aws.iam().createPolicy(r -> r.policyName(name).policyDocument(READ_ONE_BUCKET)).policy();
        arn = policy.arn();
        id = policy.policyId();
        if (sample.eventName().equals("SetDefaultPolicyVersion")) {
            prepared = aws.iam().createPolicyVersion(r -> r.policyArn(arn).policyDocument(EVERYTHING).setAsDefault(false))
                    .policyVersion().versionId();
        }
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        if (sample.isConfig()) {
            SampleEvent.aimVerdict(event, id);
            return event;
        }
        ObjectNode request = (ObjectNode) event.path("detail").path("requestParameters");
        request.put("policyArn", arn);
        if (prepared != null) {
            request.put("versionId", prepared);
        }
        return event;
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        SampleEvent aimed = new SampleEvent(null, event);
        if (aimed.isConfig()) {
            if (aimed.nonCompliant()) {
                aws.iam().createPolicyVersion(r -> r.policyArn(arn).policyDocument(EVERYTHING).setAsDefault(true));
            }
            return event;
        }
        JsonNode request = aimed.request();
        if (aimed.eventName().equals("SetDefaultPolicyVersion")) {
            aws.iam().setDefaultPolicyVersion(r -> r.policyArn(arn).versionId(request.path("versionId").asText()));
            return event;
        }
        JsonNode document = request.path("policyDocument");
        PolicyVersion created = aws.iam().createPolicyVersion(r -> r.policyArn(arn)
                .policyDocument(document.isTextual() ? document.asText() : document.toString())
                .setAsDefault(request.path("setAsDefault").asBoolean(false))).policyVersion();
        ObjectNode recorded = aimed.detail().putObject("responseElements").putObject("policyVersion");
        recorded.put("versionId", created.versionId()).put("isDefaultVersion", Boolean.TRUE.equals(created.isDefaultVersion()))
                .put("createDate", String.valueOf(created.createDate()));
        return event;
    }

    /** {@code {"defaultVersion": "v1", "document": {…}}}: what everything the policy is attached to may do. */
    @Override
    public ObjectNode read() {
        String version = aws.iam().getPolicy(r -> r.policyArn(arn)).policy().defaultVersionId();
        String document = aws.iam().getPolicyVersion(r -> r.policyArn(arn).versionId(version)).policyVersion().document();
        ObjectNode out = Json.mapper().createObjectNode().put("defaultVersion", version);
        out.set("document", PolicyRewrite.read(document));
        return out;
    }
}
