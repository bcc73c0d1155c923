package io.portcullis.remediator;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.CloudTrailActions;
import io.portcullis.aws.Ec2FlowLogActions;
import io.portcullis.aws.IamActions;
import io.portcullis.aws.S3BucketActions;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.playbook.AccountTrailActions;
import io.portcullis.playbook.ResourceActions;
import java.util.List;

/** The live-resource actions for the S3, IAM and audit-logging playbooks (security groups are built beside). */
final class OtherActions {

    private OtherActions() {
    }

    /** @param inventory what the inventory's sweeps saw: trails, flow logs (what to put back or recreate) */
    static List<ResourceActions> all(AwsConnection aws, LastKnownConfigurations inventory) {
        return List.of(new S3BucketActions(aws::s3, aws.s3Control()), new IamActions(aws.iam()),
                new CloudTrailActions(aws::cloudTrail, inventory), new Ec2FlowLogActions(aws::ec2, inventory),
                new AccountTrailActions(inventory));
    }
}
