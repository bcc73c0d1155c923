package io.portcullis.change;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** User agents as CloudTrail records them from the real tools. */
class OriginClassifierTest {

    private static final String IAC_ROLE = "arn:aws:iam::123456789012:role/terraform-deployer";
    private final OriginClassifier classifier = new OriginClassifier(Set.of(IAC_ROLE));

    @ParameterizedTest(name = "{0} → {5}")
    @CsvSource(delimiter = '|', textBlock = """
        console session                  | AssumedRole | arn:aws:iam::123456789012:role/Admin | 203.0.113.10                 | AWS Internal | CONSOLE |  | true
        console, agent says terraform    | AssumedRole | arn:aws:iam::123456789012:role/Admin | 203.0.113.10                 | Terraform/1.9.5 | CONSOLE |  | true
        allow-listed IaC role            | AssumedRole | arn:aws:iam::123456789012:role/terraform-deployer | 198.51.100.1 | aws-cli/2.17.20 | INFRASTRUCTURE_AS_CODE |  | false
        CloudFormation invoked it        | AssumedRole | arn:aws:iam::123456789012:role/cfn-exec | cloudformation.amazonaws.com | cloudformation.amazonaws.com | INFRASTRUCTURE_AS_CODE | cloudformation.amazonaws.com | false
        CloudFormation from the console  | AssumedRole | arn:aws:iam::123456789012:role/Admin | cloudformation.amazonaws.com | cloudformation.amazonaws.com | INFRASTRUCTURE_AS_CODE |  | true
        Terraform AWS provider           | AssumedRole | arn:aws:iam::123456789012:role/ci | 198.51.100.1 | APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.63.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.4 ua/2.1 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.177.0 | INFRASTRUCTURE_AS_CODE |  | false
        Pulumi                           | IAMUser     |  | 198.51.100.1 | aws-sdk-go-v2/1.30.4 ua/2.1 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.177.0 Pulumi/3.0 (+https://www.pulumi.com) pulumi-aws/6.49.0 | INFRASTRUCTURE_AS_CODE |  | false
        CDK deploy                       | AssumedRole | arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role | 198.51.100.1 | aws-cdk/2.150.0 | INFRASTRUCTURE_AS_CODE |  | false
        AWS CLI v2                       | IAMUser     |  | 198.51.100.7 | aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.102 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/command#ec2.authorize-security-group-ingress | CLI_SDK |  | false
        boto3 script                     | IAMUser     |  | 198.51.100.7 | Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.1.102 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144 | CLI_SDK |  | false
        Java SDK                         | AssumedRole | arn:aws:iam::123456789012:role/app | 198.51.100.7 | aws-sdk-java/2.26.21 Linux/6.1 OpenJDK_64-Bit_Server_VM/21.0.4+7-LTS Java/21.0.4 vendor/Amazon.com_Inc. io/sync http/UrlConnection cfg/retry-mode/standard | CLI_SDK |  | false
        AWS service                      | AWSService  |  | elasticmapreduce.amazonaws.com | elasticmapreduce.amazonaws.com | AWS_SERVICE | elasticmapreduce.amazonaws.com | false
        an unknown agent                 | IAMUser     |  | 198.51.100.7 | curl/8.5.0 | UNKNOWN |  | false
        no agent at all                  | IAMUser     |  | 198.51.100.7 |  | UNKNOWN |  | false
        """)
    void decidesOrigin(String situation, String type, String issuer, String sourceIp, String userAgent,
                       Origin expected, String invokedBy, boolean console) {
        Actor actor = new Actor("arn:aws:sts::123456789012:assumed-role/x/y", type, issuer, false, sourceIp, userAgent);
        assertThat(classifier.classify(actor, invokedBy, console)).as(situation).isEqualTo(expected);
    }
}
