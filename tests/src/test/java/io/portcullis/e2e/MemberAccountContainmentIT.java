package io.portcullis.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.RemediationMode;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.local.Sandbox;
import io.portcullis.network.IngressRule;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * An organisation's hub in the emulator (PORTCULLIS_ORGANIZATION_ID set): an incident in member account B is read,
 * changed, verified and undone in B, in the event's region, through B's member role; the hub's same-named resources
 * are never touched; an account without the member role goes to a person with the reason and nothing changes.
 *
 * <p>moto keeps what a session does in the account of the role it assumed; the emulator refuses AssumeRole into a
 * role its account does not hold (tests/emulator/serve.py), as AWS does. Each member account is set up through its
 * OrganizationAccountAccessRole, as an administrator would.
 */
class MemberAccountContainmentIT {

    static final String HUB = AwsConnection.EMULATOR_ACCOUNT;
    /** The emulator's organisation: the detector admits only its members (issue 15). */
    static final io.portcullis.local.MotoOrganization ORG =
            io.portcullis.local.MotoOrganization.inEmulator();
    /** Member accounts, with the ids the organisation gave them: B has the member role, C does not. */
    static final String B = ORG.account("member-b-" + java.util.UUID.randomUUID().toString().substring(0, 8),
            java.util.Map.of());
    static final String C = ORG.account("member-c-" + java.util.UUID.randomUUID().toString().substring(0, 8),
            java.util.Map.of());
    static final String R = "eu-west-1";
    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";
    static final String TRUST_ANYONE = "cloudtrail/iam-update-assume-role-policy-anyone-console.json";
    static final String ANYONE = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
            + "{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}";

    /** Every AssumeRole the functions ask for, answered or refused: role ARN and session name. */
    final List<String> assumed = new java.util.concurrent.CopyOnWriteArrayList<>();

    LocalPortcullis hub() {
        return new LocalPortcullis(RemediationMode.ENFORCE,
                env -> env.put(FunctionSettings.ORGANIZATION_ID, ORG.id()), new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof AssumeRoleRequest r) {
                            assumed.add(r.roleArn() + " " + r.roleSessionName() + " " + r.durationSeconds());
                        }
                    }
                });
    }

    @Test
    void aWorldOpenGroupInMemberBIsContainedInBAndRegionRAndUndoPutsItBackInBOnly() {
        LocalPortcullis p = hub();
        AwsConnection b = withMemberRole(p, B);
        Ec2Client ec2B = b.ec2(Region.of(R));
        Sandbox inB = Sandbox.create(ec2B, p.sandbox.groupName(), "production");
        // The hub's group of the same name is open to the world too: acting in the wrong account would show here.
        p.applied(CONSOLE_SSH);
        List<IngressRule> hubBefore = p.liveRules();
        ObjectNode event = inAccount(EventReplay.applyIngress(ec2B, EventReplay.retarget(sample(p, CONSOLE_SSH),
                inB.groupId())), B, R);
        String offending = event.path("detail").path("responseElements").path("securityGroupRuleSet").path("items")
                .get(0).path("securityGroupRuleId").asText();

        JsonNode answer = p.detect(event);
        String incidentId = answer.path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(answer.path("outcome").asText()).isEqualTo("incident-opened");
        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(execution.states()).containsSubsequence("Snapshot", "RevokeOffendingIngress", "Verify", "Resolve");
        assertThat(rules(ec2B, inB.groupId(), B)).extracting(IngressRule::ruleId).containsExactly(inB.harmlessRuleId());
        assertThat(p.liveRules()).as("the hub's same-named group").isEqualTo(hubBefore);
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(incident.resource().account()).isEqualTo(B);
        assertThat(incident.resource().region()).isEqualTo(R);
        assertThat(incident.revokedRules()).extracting(IngressRule::ruleId).containsExactly(offending);
        // Snapshot, remediate and verify in one session of B's role, named after the incident, for 15 minutes.
        assertThat(assumed).containsExactly("arn:aws:iam::" + B + ":role/portcullis-remediation portcullis-"
                + incidentId + " 900");

        LocalSlack.Request offer = p.runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "undo:").isMissingNode()).findFirst().orElseThrow();
        p.runtime.click(SlackClicks.click(S3AndIamDetectionIT.APPROVER, SlackClicks.button(offer, "undo:", "undo"),
                null), Instant.now());
        int undone = p.runtime.runSteps();

        assertThat(undone).isEqualTo(1);
        assertThat(rules(ec2B, inB.groupId(), B)).extracting(r -> r.ports().from() + " " + r.cidr())
                .contains("22 0.0.0.0/0");
        assertThat(p.liveRules()).as("the hub's same-named group, after Undo").isEqualTo(hubBefore);
        assertThat(p.runtime.incident(incidentId).orElseThrow().timeline()).last()
                .satisfies(t -> assertThat(t.step()).isEqualTo("undone"));
        assertThat(assumed).as("Undo in the incident's session, still fresh").hasSize(1);
    }

    @Test
    void anIamChangeInBForwardedFromUsEast1IsJudgedAndRemediatedInB() {
        LocalPortcullis p = hub();
        AwsConnection b = withMemberRole(p, B);
        IamClient iamB = b.iam();
        String role = "data-export-" + UUID.randomUUID().toString().substring(0, 8);
        iamB.createRole(r -> r.roleName(role).assumeRolePolicyDocument(ANYONE)
                .tags(t -> t.key("environment").value("production")));
        // The hub holds a role of the same name that trusts anyone too: it is not the incident's.
        p.runtimeIam().createRole(r -> r.roleName(role).assumeRolePolicyDocument(ANYONE));
        ObjectNode event = inAccount(sample(p, TRUST_ANYONE), B, "us-east-1");
        ((ObjectNode) event.path("detail").path("requestParameters")).put("roleName", role).put("policyDocument",
                ANYONE);

        JsonNode answer = p.detect(event);
        String incidentId = answer.path("incidentId").asText();
        Incident judged = p.runtime.incident(incidentId).orElseThrow();
        LocalRuntime.Execution first = p.runtime.runPlaybook(incidentId);
        if (first.states().contains("AwaitApproval")) {
            S3AndIamDetectionIT.approve(p, incidentId);
            first = p.runtime.runPlaybook(incidentId);
        }

        assertThat(answer.path("outcome").asText()).isEqualTo("incident-opened");
        assertThat(judged.resource().account()).isEqualTo(B);
        assertThat(judged.findings()).extracting(f -> f.ruleId()).contains("iam-trust-anyone");
        assertThat(first.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(p.runtime.incident(incidentId).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(trust(iamB, role)).doesNotContain("\"*\"").contains(B);
        assertThat(trust(p.runtimeIam(), role)).as("the hub's role of the same name").contains("\"*\"");
    }

    @Test
    void anAccountWithoutTheMemberRoleGoesToAPersonWithTheReasonAndNothingChanges() {
        LocalPortcullis p = hub();
        AwsConnection c = adminOf(p, C);
        Ec2Client ec2C = c.ec2(Region.of(R));
        Sandbox inC = Sandbox.create(ec2C, p.sandbox.groupName(), "production");
        ObjectNode event = inAccount(EventReplay.applyIngress(ec2C, EventReplay.retarget(sample(p, CONSOLE_SSH),
                inC.groupId())), C, R);
        List<IngressRule> before = rules(ec2C, inC.groupId(), C);

        String incidentId = p.detect(event).path("incidentId").asText();
        LocalRuntime.Execution execution = p.runtime.runPlaybook(incidentId);

        assertThat(execution.states()).doesNotContain("MarkFailed");
        assertThat(rules(ec2C, inC.groupId(), C)).isEqualTo(before);
        assertThat(p.calls.count("RevokeSecurityGroupIngress")).isZero();
        Incident incident = p.runtime.incident(incidentId).orElseThrow();
        assertThat(incident.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(incident.timeline()).anySatisfy(t -> assertThat(t.detail())
                .contains("Portcullis could not act in account " + C + " / " + R)
                .contains("AccessDenied").contains("arn:aws:iam::" + C + ":role/portcullis-remediation"));
        assertThat(p.runtime.slack().messages()).anySatisfy(m -> assertThat(m.text())
                .contains("Portcullis could not act in account " + C));
        assertThat(assumed).as("asked once for the incident, not at every step").containsExactly("arn:aws:iam::" + C
                + ":role/portcullis-remediation portcullis-" + incidentId + " 900");
    }

    /** Account {@code account} as its administrator, after creating the member role there (the member stack's). */
    static AwsConnection withMemberRole(LocalPortcullis p, String account) {
        AwsConnection admin = adminOf(p, account);
        if (admin.iam().listRoles().roles().stream().anyMatch(r -> r.roleName()
                .equals(FunctionSettings.DEFAULT_MEMBER_ROLE_NAME))) {
            return admin;
        }
        admin.iam().createRole(r -> r.roleName(FunctionSettings.DEFAULT_MEMBER_ROLE_NAME).assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                        + "\"arn:aws:iam::" + HUB + ":root\"},\"Action\":\"sts:AssumeRole\"}]}"));
        return admin;
    }

    /** Account {@code account} through its OrganizationAccountAccessRole, as the organisation's administrator. */
    static AwsConnection adminOf(LocalPortcullis p, String account) {
        Credentials c = p.setup.sts().assumeRole(r -> r.roleArn("arn:aws:iam::" + account
                + ":role/OrganizationAccountAccessRole").roleSessionName("test-setup").durationSeconds(900))
                .credentials();
        return p.setup.as(StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(),
                c.secretAccessKey(), c.sessionToken())), Region.of(R));
    }

    static ObjectNode sample(LocalPortcullis p, String name) {
        return EventReplay.retarget(EventReplay.load(p.root.resolve("events").resolve(name)), "unused");
    }

    /** The event as the member account's bus forwards it: its account and region throughout. */
    static ObjectNode inAccount(ObjectNode event, String account, String region) {
        event.put("account", account).put("region", region);
        ObjectNode detail = (ObjectNode) event.path("detail");
        detail.put("recipientAccountId", account).put("awsRegion", region);
        String text = detail.path("userIdentity").toString().replace(HUB, account);
        try {
            detail.set("userIdentity", io.portcullis.json.Json.mapper().readTree(text));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        detail.path("responseElements").path("securityGroupRuleSet").path("items")
                .forEach(i -> ((ObjectNode) i).put("groupOwnerId", account));
        return event;
    }

    static List<IngressRule> rules(Ec2Client ec2, String groupId, String account) {
        return new Ec2SecurityGroups(r -> ec2).describe(ResourceRef.securityGroup(groupId, account, R)).orElseThrow()
                .ingress();
    }

    static String trust(IamClient iam, String role) {
        return java.net.URLDecoder.decode(iam.getRole(r -> r.roleName(role)).role().assumeRolePolicyDocument(),
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
