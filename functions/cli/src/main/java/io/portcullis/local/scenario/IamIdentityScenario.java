package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.util.List;

/**
 * What IAM users, roles and groups have in common here: a name made for the run, managed policies attached
 * ({@code Attach*Policy}) and inline policies put ({@code Put*Policy}) with the document the event records. The
 * subclasses create the identity in its harmless starting state and add what is their own (a role's trust policy, a
 * user's keys and password).
 */
abstract class IamIdentityScenario implements Scenario {

    protected final ScenarioAws aws;
    protected String name;

    IamIdentityScenario(ScenarioAws aws) {
        this.aws = aws;
    }

    /** {@code user}, {@code role} or {@code group}: as in the request field {@code <kind>Name}. */
    abstract String kind();

    /** Creates the identity as it was before the change. */
    abstract void create(SampleEvent sample);

    abstract List<String> attachedPolicies();

    abstract List<String> inlinePolicies();

    abstract void attach(String policyArn);

    abstract void putInline(String policyName, String document);

    /** The calls of this kind that are not an attach or an inline put; completes the event with IAM's answer. */
    abstract void applyOwn(SampleEvent aimed);

    /** Adds what is this kind's own to the state. */
    abstract void readOwn(ObjectNode state);

    @Override
    public String describe() {
        return "IAM " + kind() + " " + name;
    }

    @Override
    public void createBefore(SampleEvent sample) {
        String sampleName = sample.request().path(kind() + "Name").asText("portcullis-scenario");
        name = ScenarioAws.unique(sampleName.length() > 40 ? sampleName.substring(0, 40) : sampleName);
        create(sample);
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        String sampleName = sample.request().path(kind() + "Name").asText("");
        ObjectNode detail = (ObjectNode) event.path("detail");
        SampleEvent.replaceText(detail.path("requestParameters"), sampleName, name);
        SampleEvent.replaceText(detail.path("responseElements"), sampleName, name);
        return event;
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        SampleEvent aimed = new SampleEvent(null, event);
        String call = aimed.eventName();
        if (call.startsWith("Attach") && call.endsWith("Policy")) {
            attach(aimed.request().path("policyArn").asText());
        } else if (call.startsWith("Put") && call.endsWith("Policy")) {
            var document = aimed.request().path("policyDocument");
            putInline(aimed.request().path("policyName").asText(), document.isTextual() ? document.asText()
                    : document.toString());
        } else {
            applyOwn(aimed);
        }
        return event;
    }

    /** {@code {"attachedPolicies": [arn…], "inlinePolicies": [name…], …this kind's own}}. */
    @Override
    public ObjectNode read() {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode attached = out.putArray("attachedPolicies");
        attachedPolicies().stream().sorted().forEach(attached::add);
        ArrayNode inline = out.putArray("inlinePolicies");
        inlinePolicies().stream().sorted().forEach(inline::add);
        readOwn(out);
        return out;
    }
}
