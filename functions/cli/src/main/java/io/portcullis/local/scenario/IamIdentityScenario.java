package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.util.List;

/**
 * What IAM users, roles and groups have in common here: a name made for the run, managed policies attached
 * ({@code Attach*Policy}) and inline policies put ({@code Put*Policy}) with the document the event records, and an AWS
 * Config item of the identity: it is created as the item's diff says it was before the change, and then made what the
 * item records. The subclasses create the identity in its harmless starting state and add what is their own (a role's
 * trust policy, a user's keys and password).
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

    abstract void detach(String policyArn);

    abstract void putInline(String policyName, String document);

    abstract void deleteInline(String policyName);

    /** The identity's unique id (AIDA…, AROA…, AGPA…), which names it in a Config item. */
    abstract String uniqueId();

    /** A role's trust policy; nothing for users and groups. */
    void trust(String document) {
    }

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
        String sampleName = sampleName(sample);
        name = ScenarioAws.unique(sampleName.isEmpty() ? "portcullis-scenario"
                : sampleName.length() > 40 ? sampleName.substring(0, 40) : sampleName);
        create(sample);
        if (isItem(sample)) {
            converge(IamConfigItem.before(sample.detail(), kind()));
        }
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        String sampleName = sampleName(sample);
        ObjectNode detail = (ObjectNode) event.path("detail");
        if (isItem(sample)) {
            // Only the fields that name the identity: a short name ("ops") may occur inside other values.
            ObjectNode item = item(event);
            String arn = "arn:aws:iam::" + aws.account() + ":" + kind() + "/" + name;
            item.put("resourceName", name).put("resourceId", uniqueId()).put("ARN", arn).put("awsAccountId", aws.account());
            if (item.path("configuration") instanceof ObjectNode c) {
                c.put(kind() + "Name", name).put(kind() + "Id", uniqueId()).put("arn", arn);
            }
            event.putArray("resources").add(arn);
            return event;
        }
        SampleEvent.replaceText(detail.path("requestParameters"), sampleName, name);
        SampleEvent.replaceText(detail.path("responseElements"), sampleName, name);
        return event;
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        SampleEvent aimed = new SampleEvent(null, event);
        if (isItem(aimed)) {
            converge(IamConfigItem.after(item(event), kind()));
            return event;
        }
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

    /** Makes the live identity exactly what a Config item says: policies attached and detached, inline ones put or deleted. */
    private void converge(IamConfigItem target) {
        List<String> attached = attachedPolicies();
        attached.stream().filter(a -> !target.attached().contains(a)).forEach(this::detach);
        target.attached().stream().filter(a -> !attached.contains(a)).forEach(this::attach);
        inlinePolicies().stream().filter(n -> !target.inline().containsKey(n)).forEach(this::deleteInline);
        target.inline().forEach(this::putInline);
        if (target.trust() != null) {
            trust(target.trust());
        }
    }

    private String sampleName(SampleEvent sample) {
        return isItem(sample) ? item(sample.json()).path("resourceName").asText("")
                : sample.request().path(kind() + "Name").asText("");
    }

    private static boolean isItem(SampleEvent sample) {
        return sample.detailType().equals(SampleEvent.CONFIG_ITEM);
    }

    private static ObjectNode item(JsonNode event) {
        return (ObjectNode) event.path("detail").path("configurationItem");
    }
}
