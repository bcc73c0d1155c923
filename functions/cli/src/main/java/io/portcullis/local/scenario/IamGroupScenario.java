package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;

/**
 * An IAM group with no policies; changed by {@code AttachGroupPolicy}, {@code PutGroupPolicy} or what a Config item of
 * it records.
 */
final class IamGroupScenario extends IamIdentityScenario {

    static final Set<String> CALLS = Set.of("AttachGroupPolicy", "PutGroupPolicy");

    IamGroupScenario(ScenarioAws aws) {
        super(aws);
    }

    @Override
    String kind() {
        return "group";
    }

    @Override
    void create(SampleEvent sample) {
        aws.iam().createGroup(r -> r.groupName(name));
    }

    @Override
    List<String> attachedPolicies() {
        return aws.iam().listAttachedGroupPoliciesPaginator(r -> r.groupName(name)).attachedPolicies().stream()
                .map(AttachedPolicy::policyArn).toList();
    }

    @Override
    List<String> inlinePolicies() {
        return aws.iam().listGroupPoliciesPaginator(r -> r.groupName(name)).policyNames().stream().toList();
    }

    @Override
    void attach(String policyArn) {
        aws.iam().attachGroupPolicy(r -> r.groupName(name).policyArn(policyArn));
    }

    @Override
    void detach(String policyArn) {
        aws.iam().detachGroupPolicy(r -> r.groupName(name).policyArn(policyArn));
    }

    @Override
    void putInline(String policyName, String document) {
        aws.iam().putGroupPolicy(r -> r.groupName(name).policyName(policyName).policyDocument(document));
    }

    @Override
    void deleteInline(String policyName) {
        aws.iam().deleteGroupPolicy(r -> r.groupName(name).policyName(policyName));
    }

    @Override
    String uniqueId() {
        return aws.iam().getGroup(r -> r.groupName(name)).group().groupId();
    }

    @Override
    void applyOwn(SampleEvent aimed) {
        throw new UnsupportedSample(aimed.describe() + " is not a group change this scenario makes");
    }

    @Override
    void readOwn(ObjectNode state) {
    }
}
