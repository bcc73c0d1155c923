package io.portcullis.remediator;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.CloudTrailActions;
import io.portcullis.aws.IamActions;
import io.portcullis.aws.S3BucketActions;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.playbook.ResourceActions;
import java.util.List;

/** The live-resource actions for the S3, IAM and audit-logging playbooks (security groups are built beside). */
final class OtherActions {

    private OtherActions() {
    }

    /**
     * @param inventory what resources were before a change: restore-default-encryption and remove-inline-policy put
     *                  that back ({@link LastKnownConfigurations#NONE} until the inventory's store is deployed)
     */
    static List<ResourceActions> all(AwsConnection aws, LastKnownConfigurations inventory) {
        return List.of(new S3BucketActions(aws::s3, aws.s3Control(), inventory), new IamActions(aws.iam(), inventory),
                new CloudTrailActions(aws::cloudTrail));
    }
}
