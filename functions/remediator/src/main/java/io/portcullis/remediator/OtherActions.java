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

    /**
     * @param inventory the last known configurations (the watchdog's sweeps), for the actions that put back what an
     *                  event does not say was there (bucket encryption, inline policies, trails, flow logs);
     *                  {@link LastKnownConfigurations#NONE} when the function has no inventory table
     */
    static List<ResourceActions> all(AwsConnection aws, LastKnownConfigurations inventory) {
        return List.of(new S3BucketActions(aws::s3, aws.s3Control(), inventory), new IamActions(aws.iam(), inventory),
                new CloudTrailActions(aws::cloudTrail, inventory), new Ec2FlowLogActions(aws::ec2, inventory),
                new AccountTrailActions(inventory));
    }
}
