package io.portcullis.remediator;

import io.portcullis.aws.AwsConnection;
import io.portcullis.playbook.ResourceActions;
import java.util.List;

/** The live-resource actions for S3, IAM and CloudTrail playbooks. */
final class OtherActions {

    private OtherActions() {
    }

    static List<ResourceActions> all(AwsConnection aws) {
        return List.of();
    }
}
