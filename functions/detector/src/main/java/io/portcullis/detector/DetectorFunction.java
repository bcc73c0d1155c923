package io.portcullis.detector;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.AwsResourceTags;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.aws.IamPolicyVersions;
import io.portcullis.aws.S3OversizedItems;
import io.portcullis.aws.SfnPlaybookStarter;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.detection.DetectChange;
import io.portcullis.detection.PolicyEngine;
import io.portcullis.json.Json;
import java.time.Clock;

/** The detector's composition root: builds its clients and use case once per container. */
public final class DetectorFunction {

    private DetectorFunction() {
    }

    public static DetectChange build(FunctionSettings settings, AwsConnection aws) {
        var json = Json.mapper();
        return new DetectChange(
                new CloudTrailEventReader(json, new OriginClassifier(settings.iacRoleArns())),
                PolicyEngine.defaults(),
                new Ec2SecurityGroups(aws::ec2),
                new AwsResourceTags(aws::s3, aws::iam),
                new DynamoDbIncidentStore(aws.dynamoDb(), settings.requireIncidentsTable(), json),
                new SfnPlaybookStarter(aws::sfn, settings.requirePlaybooks()),
                Clock.systemUTC(),
                settings.mode(),
                settings.ownRoleArns())
                .withOversizedItems(new S3OversizedItems(() -> aws.s3(aws.region())))
                .withPolicyVersions(new IamPolicyVersions(aws::iam))
                .withJurisdiction(settings.accountId(), aws.region().id());
    }
}
