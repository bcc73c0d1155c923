package io.portcullis.local.scenario;

import io.portcullis.aws.AwsConnection;
import java.util.UUID;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3control.S3ControlClient;

/**
 * The emulator as a person making the change sees it: clients of the services the scenarios set up, in the
 * deployment's region and account. Separate from the functions' own clients, so a test counting the functions' calls
 * does not count these.
 */
public final class ScenarioAws implements AutoCloseable {

    private final AwsConnection aws;
    private final Ec2Client ec2;
    private final S3Client s3;
    private final S3ControlClient s3Control;
    private final IamClient iam;
    private final CloudTrailClient cloudTrail;
    private final S3Client cloudTrailS3;

    public ScenarioAws(AwsConnection aws) {
        this.aws = aws;
        this.ec2 = aws.ec2();
        this.s3 = aws.s3(aws.region());
        this.s3Control = aws.s3Control();
        this.iam = aws.iam();
        this.cloudTrail = aws.cloudTrail(aws.region());
        // A trail's bucket must be in the S3 that CloudTrail checks: the emulator serving CloudTrail (moto, also when
        // another emulator serves S3).
        this.cloudTrailS3 = aws.endpointFor("CLOUDTRAIL").map(e -> AwsConnection.emulator(e, aws.region().id())
                .s3(aws.region())).orElseGet(() -> aws.s3(aws.region()));
    }

    public String region() {
        return aws.region().id();
    }

    public Region awsRegion() {
        return aws.region();
    }

    public String account() {
        return AwsConnection.EMULATOR_ACCOUNT;
    }

    /** A name no other run uses: {@code prefix-1a2b3c4d}. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public Ec2Client ec2() {
        return ec2;
    }

    public S3Client s3() {
        return s3;
    }

    public S3ControlClient s3Control() {
        return s3Control;
    }

    public IamClient iam() {
        return iam;
    }

    public CloudTrailClient cloudTrail() {
        return cloudTrail;
    }

    public S3Client cloudTrailS3() {
        return cloudTrailS3;
    }

    @Override
    public void close() {
        ec2.close();
        s3.close();
        s3Control.close();
        iam.close();
        cloudTrail.close();
        cloudTrailS3.close();
    }
}
