package io.portcullis.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.local.LocalRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ./portcullis validate says about the deployment sam deploy would make: somebody must be able to approve. */
class DeploymentChecksTest {

    final Path template = LocalRuntime.repositoryRoot().resolve("template.yaml");

    /** What sam deploy --guided saves, with the approver parameters as given. */
    static String samconfig(String approvers, String group) {
        return """
                version = 0.1
                [default.deploy.parameters]
                stack_name = "portcullis"
                resolve_s3 = true
                capabilities = "CAPABILITY_IAM"
                parameter_overrides = "RemediationMode=\\"dry-run\\" SlackSecretArn=\\"arn:aws:secretsmanager:us-east-1:123456789012:secret:portcullis/slack\\" SlackChannelId=\\"C0ONCALL\\" SlackApprovers=\\"%s\\" SlackApproverGroup=\\"%s\\""
                image_repositories = []
                """.formatted(approvers, group);
    }

    @Test
    void aDeploymentWithNoApproverIsRefusedAtItsLineWithWhatToSet(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("samconfig.toml"), samconfig("", ""));

        DeploymentChecks.Result result = DeploymentChecks.check(template, config);

        assertThat(result.problems()).extracting(Problem::toString).containsExactly(config + ":6: parameter_overrides:"
                + " neither SlackApproverGroup nor SlackApprovers is set, so no approval gate could be answered and no"
                + " Undo offered (the stack refuses to deploy like this); add SlackApproverGroup (your on-call Slack"
                + " user group id, S…) or SlackApprovers (Slack user ids, U…) to it, or run sam deploy --guided again");
    }

    @Test
    void aGroupOrUsersAreEnough(@TempDir Path dir) throws Exception {
        Path group = Files.writeString(dir.resolve("group.toml"), samconfig("", "S0ONCALL"));
        Path users = Files.writeString(dir.resolve("users.toml"), samconfig("U0ALICE,U0BOB", ""));
        Path list = Files.writeString(dir.resolve("list.toml"), """
                version = 0.1
                [default.deploy.parameters]
                parameter_overrides = ["SlackChannelId=C0ONCALL", "SlackApprovers=U0ALICE"]
                """);

        assertThat(DeploymentChecks.check(template, group).problems()).isEmpty();
        assertThat(DeploymentChecks.check(template, users).problems()).isEmpty();
        assertThat(DeploymentChecks.check(template, list).problems()).isEmpty();
    }

    @Test
    void anotherEnvironmentsApproversDoNotCount(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("samconfig.toml"), """
                version = 0.1
                [staging.deploy.parameters]
                parameter_overrides = "SlackApproverGroup=\\"S0STAGING\\""
                [default.deploy.parameters]
                parameter_overrides = "SlackChannelId=\\"C0ONCALL\\""
                """);

        assertThat(DeploymentChecks.check(template, config).problems()).singleElement()
                .satisfies(p -> assertThat(p.line()).isEqualTo(5));
    }

    @Test
    void withoutASamconfigTheDefaultsAreNotAFailureButSayWhatToSet(@TempDir Path dir) {
        DeploymentChecks.Result result = DeploymentChecks.check(template, dir.resolve("samconfig.toml"));

        assertThat(result.problems()).isEmpty();
        assertThat(result.notes()).singleElement().satisfies(n -> assertThat(n)
                .contains("set SlackApproverGroup (your on-call Slack user group, S…) or SlackApprovers")
                .contains("the stack refuses to deploy"));
    }
}
