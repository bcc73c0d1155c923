package io.portcullis.change;

import java.util.Locale;
import java.util.Set;

/**
 * The one place that decides a change's {@link Origin}. The order matters and is part of the product:
 *
 * <ol>
 *   <li>the caller's role is on the infrastructure-as-code allow-list ({@code PORTCULLIS_IAC_ROLE_ARNS})
 *       → infrastructure-as-code;</li>
 *   <li>{@code invokedBy} or {@code sourceIPAddress} is {@code cloudformation.amazonaws.com} → infrastructure-as-code;</li>
 *   <li>{@code sessionCredentialFromConsole} is {@code "true"} → console;</li>
 *   <li>the identity type is {@code AWSService}, or {@code invokedBy}/{@code sourceIPAddress} is another
 *       {@code *.amazonaws.com} service → AWS service;</li>
 *   <li>only then the client-supplied {@code userAgent}, which anyone can forge, as a tie-breaker:
 *       Terraform, Pulumi, CDK or CloudFormation → infrastructure-as-code; the AWS console's agents → console;
 *       the AWS CLI, SDKs and Boto → CLI/SDK;</li>
 *   <li>otherwise unknown.</li>
 * </ol>
 */
public final class OriginClassifier {

    private static final String CLOUDFORMATION = "cloudformation.amazonaws.com";

    private final Set<String> iacRoleArns;

    public OriginClassifier(Set<String> iacRoleArns) {
        this.iacRoleArns = Set.copyOf(iacRoleArns);
    }

    public Origin classify(Actor actor, String invokedBy, boolean sessionCredentialFromConsole) {
        if (actor.sessionIssuerArn() != null && iacRoleArns.contains(actor.sessionIssuerArn())) {
            return Origin.INFRASTRUCTURE_AS_CODE;
        }
        if (CLOUDFORMATION.equals(invokedBy) || CLOUDFORMATION.equals(actor.sourceIp())) {
            return Origin.INFRASTRUCTURE_AS_CODE;
        }
        if (sessionCredentialFromConsole) {
            return Origin.CONSOLE;
        }
        if ("AWSService".equals(actor.type()) || isServiceHost(invokedBy) || isServiceHost(actor.sourceIp())) {
            return Origin.AWS_SERVICE;
        }
        return fromUserAgent(actor.userAgent());
    }

    private static boolean isServiceHost(String value) {
        return value != null && value.endsWith(".amazonaws.com");
    }

    private static Origin fromUserAgent(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return Origin.UNKNOWN;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        if (ua.contains("terraform") || ua.contains("pulumi") || ua.contains("aws-cdk") || ua.contains("cloudformation")) {
            return Origin.INFRASTRUCTURE_AS_CODE;
        }
        if (ua.startsWith("console.") || ua.contains("console.amazonaws.com") || ua.contains("signin.amazonaws.com")) {
            return Origin.CONSOLE;
        }
        if (ua.contains("aws-cli/") || ua.contains("aws-sdk-") || ua.contains("boto3/") || ua.contains("botocore/")
                || ua.contains("aws-powershell")) {
            return Origin.CLI_SDK;
        }
        return Origin.UNKNOWN;
    }
}
