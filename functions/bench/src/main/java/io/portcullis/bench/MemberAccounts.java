package io.portcullis.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.Sandbox;
import io.portcullis.network.IngressRule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The bench's multi-account part: an organisation's hub containing a world-open security group in each of many member
 * accounts, spread over two regions, each through that account's member role, beside the same containment in the
 * hub's own account (the single-account path) in the same run. Every containment must change only its own account's
 * group: the run fails otherwise.
 */
final class MemberAccounts {

    static final String SAMPLE = "events/cloudtrail/ec2-authorize-ssh-world-console.json";
    static final List<String> REGIONS = List.of("eu-west-1", "us-west-2");
    static final String MEMBER_ROLE = FunctionSettings.DEFAULT_MEMBER_ROLE_NAME;

    private static final ExecutionAttribute<Long> START = new ExecutionAttribute<>("portcullis.bench.assume");

    private final Bench bench;
    /** Every AssumeRole the worker made, in ms. */
    private final List<Double> assumeMs = new java.util.concurrent.CopyOnWriteArrayList<>();

    MemberAccounts(Bench bench) {
        this.bench = bench;
    }

    void run() {
        int accounts = bench.smoke ? 4 : 50;
        AwsConnection aws = AwsConnection.emulator(Emulator.endpoint(), Emulator.region()).withInterceptor(assumeTimer());
        // The emulator's organisation: the detector admits only its members, read from AWS Organizations.
        io.portcullis.local.MotoOrganization organisation = io.portcullis.local.MotoOrganization.inEmulator();
        try (LocalRuntime runtime = LocalRuntime.deploy(bench.root, aws, RemediationMode.ENFORCE, Clock.systemUTC(),
                Clock.systemUTC(), env -> env.put(FunctionSettings.ORGANIZATION_ID, organisation.id()))) {
            String name = "bench-org-" + UUID.randomUUID().toString().substring(0, 6);
            // The hub's own group in the members' first region: moto's us-east-1 of the hub holds every earlier run's
            // groups, which every describe filters through, and would make the hub look slower than it is.
            String hubRegion = REGIONS.get(0);
            Ec2Client hubEc2 = aws.ec2(Region.of(hubRegion));
            Sandbox hub = Sandbox.create(hubEc2, name, "production");
            // Set up every member first (not timed): its member role, and its group of the same name, open to the world.
            // One more than counted: the first pair of containments warms up.
            List<Member> members = new ArrayList<>();
            // moto loads every AWS managed policy into an account's IAM the first time the account is touched
            // (MOTO_IAM_LOAD_MANAGED_POLICIES, emulator.sh): seconds per new account, beyond the functions' budget.
            AwsConnection patient = aws.withRetries(new AwsConnection.Retries(1, java.time.Duration.ofMillis(100),
                    java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1), java.time.Duration.ofMinutes(2),
                    java.time.Duration.ofMinutes(2)));
            // Accounts new to the emulator at every run, with the ids the organisation gives them.
            for (int i = 0; i <= accounts; i++) {
                String account = organisation.account(name + "-" + i, java.util.Map.of());
                String region = REGIONS.get(i % REGIONS.size());
                Ec2Client ec2 = admin(patient, account, region).ec2(Region.of(region));
                Sandbox group = Sandbox.create(ec2, name, "production");
                ObjectNode event = inAccount(EventReplay.applyIngress(ec2, EventReplay.retarget(EventReplay.load(
                        bench.root.resolve(SAMPLE)), group.groupId())), account, region);
                members.add(new Member(account, region, ec2, group, event));
            }
            List<IngressRule> hubBefore = null;
            List<Double> single = new ArrayList<>();
            List<Double> member = new ArrayList<>();
            // Interleaved, a containment in the hub's own account (the single-account path) then one in a member
            // account, so both see the same load on a shared machine; the first pair warms up and is not counted.
            for (int i = 0; i < members.size(); i++) {
                runtime.clearBreakerWindow();
                ObjectNode event = inAccount(EventReplay.applyIngress(hubEc2, EventReplay.retarget(EventReplay.load(
                        bench.root.resolve(SAMPLE)), hub.groupId())), AwsConnection.EMULATOR_ACCOUNT, hubRegion);
                double hubMs = contain(runtime, event, hubRegion);
                hubBefore = rules(hubEc2, hub.groupId(), AwsConnection.EMULATOR_ACCOUNT, hubRegion);
                runtime.clearBreakerWindow();
                Member m = members.get(i);
                double memberMs = contain(runtime, m.event(), m.region());
                if (!rules(hubEc2, hub.groupId(), AwsConnection.EMULATOR_ACCOUNT, hubRegion).equals(hubBefore)) {
                    throw new IllegalStateException("account " + m.account() + "'s incident changed the hub's group");
                }
                if (i > 0) {
                    single.add(hubMs);
                    member.add(memberMs);
                } else {
                    assumeMs.clear();
                }
            }
            check(runtime, members, hubEc2, hub, hubRegion, hubBefore);
            double single50 = Bench.percentile(single, 50);
            double member50 = Bench.percentile(member, 50);
            double assume50 = assumeMs.isEmpty() ? 0 : Bench.percentile(assumeMs, 50);
            String figure = "contain, " + accounts + " members × 2 regions";
            bench.rows.add(new Bench.Row(figure, "event → verified revoke, p50", member50, "ms",
                    "the same in the hub's own account", single50, ""));
            bench.rows.add(new Bench.Row(figure, "p95", Bench.percentile(member, 95), "ms", "",
                    Bench.percentile(single, 95), ""));
            bench.rows.add(new Bench.Row(figure, "AssumeRole per containment", (double) assumeMs.size() / accounts,
                    "calls", "", null, "1 (one session per incident)"));
            bench.rows.add(new Bench.Row(figure, "AssumeRole, p50", assume50, "ms",
                    "share of a member's containment p50", member50, ""));
            ObjectNode details = bench.details.putObject("accounts");
            details.put("accounts", accounts).put("warmUpAccounts", 1).put("regions", String.join(",", REGIONS));
            details.set("memberMs", Json.mapper().valueToTree(member));
            details.set("hubMs", Json.mapper().valueToTree(single));
            details.set("assumeRoleMs", Json.mapper().valueToTree(assumeMs));
        }
    }

    /** Event handed to the detector → the playbook's verified revoke, in ms; fails when it did not contain. */
    private double contain(LocalRuntime runtime, ObjectNode event, String region) {
        ((ObjectNode) event.path("detail")).put("eventID", UUID.randomUUID().toString());
        long start = System.nanoTime();
        String incident = runtime.invokeDetector(event).path("incidentId").asText();
        LocalRuntime.Execution done = runtime.runPlaybook(incident);
        double ms = (System.nanoTime() - start) / 1e6;
        if (!done.entered("Verify") || runtime.incident(incident).orElseThrow().verifiedAt() == null) {
            throw new IllegalStateException("incident " + incident + " in " + region + " was not contained: "
                    + done.states());
        }
        return ms;
    }

    /**
     * Each member's group lost exactly its own world-open rule, in its own account and region; the hub's group of the
     * same name is as it was.
     */
    private static void check(LocalRuntime runtime, List<Member> members, Ec2Client hubEc2, Sandbox hub,
                              String hubRegion, List<IngressRule> hubBefore) {
        Map<String, Incident> byGroup = new java.util.HashMap<>();
        runtime.incidentIds().forEach(id -> runtime.incident(id).ifPresent(i -> byGroup.put(i.resource().id(), i)));
        for (Member m : members) {
            List<IngressRule> left = rules(m.ec2(), m.group().groupId(), m.account(), m.region());
            if (left.size() != 1 || !left.get(0).ruleId().equals(m.group().harmlessRuleId())) {
                throw new IllegalStateException("account " + m.account() + " kept " + left);
            }
            String offending = m.event().at("/detail/responseElements/securityGroupRuleSet/items/0/securityGroupRuleId")
                    .asText();
            Incident incident = byGroup.get(m.group().groupId());
            if (incident == null) {
                throw new IllegalStateException("no incident for account " + m.account() + "'s group");
            }
            if (!incident.resource().account().equals(m.account()) || incident.revokedRules().size() != 1
                    || !incident.revokedRules().get(0).ruleId().equals(offending)) {
                throw new IllegalStateException("incident " + incident.incidentId() + " of account " + m.account()
                        + " revoked " + incident.revokedRules());
            }
        }
        if (!rules(hubEc2, hub.groupId(), AwsConnection.EMULATOR_ACCOUNT, hubRegion).equals(hubBefore)) {
            throw new IllegalStateException("the hub's group " + hub.groupId() + " was changed by a member's incident");
        }
    }

    /** The member account as its administrator (OrganizationAccountAccessRole), its member role created. */
    private static AwsConnection admin(AwsConnection hub, String account, String region) {
        Credentials c = hub.sts().assumeRole(r -> r.roleArn("arn:aws:iam::" + account
                + ":role/OrganizationAccountAccessRole").roleSessionName("bench-setup").durationSeconds(900))
                .credentials();
        AwsConnection admin = hub.as(StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(),
                c.secretAccessKey(), c.sessionToken())), Region.of(region));
        admin.iam().createRole(r -> r.roleName(MEMBER_ROLE).assumeRolePolicyDocument("{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                + AwsConnection.EMULATOR_ACCOUNT + ":root\"},\"Action\":\"sts:AssumeRole\"}]}"));
        return admin;
    }

    /** The sample as the member's bus forwards it: its account and region throughout. */
    private static ObjectNode inAccount(ObjectNode event, String account, String region) {
        event.put("account", account).put("region", region);
        ObjectNode detail = (ObjectNode) event.path("detail");
        detail.put("recipientAccountId", account).put("awsRegion", region);
        try {
            detail.set("userIdentity", Json.mapper().readTree(detail.path("userIdentity").toString()
                    .replace(AwsConnection.EMULATOR_ACCOUNT, account)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        detail.path("responseElements").path("securityGroupRuleSet").path("items")
                .forEach(i -> ((ObjectNode) i).put("groupOwnerId", account));
        return event;
    }

    private static List<IngressRule> rules(Ec2Client ec2, String groupId, String account, String region) {
        return new Ec2SecurityGroups(r -> ec2).describe(ResourceRef.securityGroup(groupId, account, region))
                .orElseThrow().ingress();
    }

    /** Times the worker's AssumeRole calls (the setup's own, named bench-setup, are not counted). */
    private ExecutionInterceptor assumeTimer() {
        return new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                attributes.putAttribute(START, System.nanoTime());
            }

            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof AssumeRoleRequest r && !"bench-setup".equals(r.roleSessionName())) {
                    assumeMs.add((System.nanoTime() - attributes.getAttribute(START)) / 1e6);
                }
            }
        };
    }

    private record Member(String account, String region, Ec2Client ec2, Sandbox group, ObjectNode event) {
    }
}
