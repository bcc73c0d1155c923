package io.portcullis.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyValidatorTest {

    final Path policy = LocalRuntime.repositoryRoot().resolve("functions/policy");
    final PolicyValidator validator = new PolicyValidator();

    @Test
    void theShippedPolicyIsValid() {
        assertThat(validator.validateDirectory(policy)).isEmpty();
    }

    @Test
    void namesFileLineAndFieldOfEveryProblemAtOnce(@TempDir Path dir) throws Exception {
        Path protocol = dir.resolve("protocol.yaml");
        Files.writeString(protocol, """
                version: 1
                containWithin: {P1: PT15M, P2: PT4H, P3: P7D, P4: P30D}
                rows:
                  - name: critical anywhere
                    when:
                      severity: [critcal]
                    priority: P5
                    response: auto
                  - name: typo
                    prority: P2
                    response: auto
                """);

        List<Problem> problems = validator.validateDirectory(dir);

        assertThat(problems).extracting(Problem::toString).containsExactly(
                protocol + ":6: rows[0].when.severity[0]: 'critcal' is not allowed; use one of critical, high, medium, low",
                protocol + ":7: rows[0].priority: 'P5' is not allowed; use one of P1, P2, P3, P4",
                protocol + ":9: rows[1]: missing required field 'priority'; add it",
                protocol + ":10: rows[1].prority: unknown field 'prority'; check its spelling or remove it (the schema allows no other fields)");
    }

    @Test
    void theSafeguardsSectionIsClosedAndEveryMistakeIsNamedWithItsLine(@TempDir Path dir) throws Exception {
        Path protocol = dir.resolve("protocol.yaml");
        Files.writeString(protocol, """
                version: 1
                containWithin: {P1: PT15M, P2: PT4H, P3: P7D, P4: P30D}
                safeguards:
                  silentFeedAfter: 6 hours
                  breaker:
                    maxAutomatic: 0
                    within: PT10M
                    approval: {within: PT30M, onTimeout: wait}
                  heartbeat: PT5M
                rows:
                  - name: anything
                    priority: P4
                    response: record
                """);

        List<Problem> problems = validator.validateDirectory(dir);

        assertThat(problems).extracting(Problem::toString).containsExactly(
                protocol + ":4: safeguards.silentFeedAfter: '6 hours' does not have the required form "
                        + "^P(?!$)([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+S)?)?$",
                protocol + ":6: safeguards.breaker.maxAutomatic: must have a minimum value of 1",
                protocol + ":8: safeguards.breaker.approval.onTimeout: 'wait' is not allowed; use one of remediate, escalate, abort",
                protocol + ":9: safeguards.heartbeat: unknown field 'heartbeat'; check its spelling or remove it (the schema allows no other fields)");
    }

    @Test
    void eachRowsApprovalHasOnlyTheFieldsItsResponseUses(@TempDir Path dir) throws Exception {
        Path protocol = dir.resolve("protocol.yaml");
        Files.writeString(protocol, """
                version: 1
                containWithin: {P1: PT15M, P2: PT4H, P3: P7D, P4: P30D}
                rows:
                  - name: asks without a limit
                    priority: P2
                    response: approval
                  - name: records with a limit
                    priority: P4
                    response: record
                    approval: {within: PT15M, onTimeout: remediate}
                  - name: asks without saying what then
                    priority: P2
                    response: approval
                    approval: {within: PT15M, inAdvance: true}
                  - name: scheduled with a limit
                    priority: P3
                    response: scheduled
                    approval: {within: PT15M}
                  - name: approved in advance, yet with a time-out
                    priority: P3
                    response: scheduled
                    approval: {inAdvance: true, onTimeout: remediate}
                """);

        assertThat(validator.validateDirectory(dir)).extracting(Problem::toString).containsExactly(
                protocol + ":4: rows[0]: missing required field 'approval'; add it",
                protocol + ":10: rows[1].approval: a record row asks nobody, so 'approval' means nothing here; remove"
                        + " it (or make the response approval or scheduled)",
                protocol + ":14: rows[2].approval: missing required field 'onTimeout'; add it",
                protocol + ":14: rows[2].approval.inAdvance: 'inAdvance' is for scheduled rows: an approval row always"
                        + " asks on-call and gives them 'within'; remove it",
                protocol + ":18: rows[3].approval.within: a scheduled row's approval stays open until the playbook's"
                        + " window opens, so 'within' means nothing here; remove it (use 'notice' for the least time"
                        + " on-call gets)",
                protocol + ":22: rows[4].approval.onTimeout: 'onTimeout' means nothing when inAdvance is true (nobody"
                        + " is asked); remove it");
    }

    @Test
    void anExceptionMustNameARuleThatExistsAndSayWhoAndUntilWhen(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("exceptions.yaml");
        Files.writeString(file, """
                version: 1
                exceptions:
                  - rule: sg-ingres-port-public
                    resource: sg-0123
                    owner: web@example.com
                    reason: partner feed on port 8080
                    expires: 2027-01-01
                  - rule: s3-public-acl
                    resource: my-bucket
                    reason: static site
                    expires: soon
                """);

        assertThat(validator.validateDirectory(dir)).extracting(Problem::toString).contains(
                file + ":3: exceptions[0].rule: no rule 'sg-ingres-port-public' exists; use one of "
                        + String.join(", ", io.portcullis.rule.RuleSet.defaults().findingIds()),
                file + ":8: exceptions[1]: missing required field 'owner'; add it",
                file + ":11: exceptions[1].expires: 'soon' does not have the required form ^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
    }

    @Test
    void everyRuleNeedsAdviceAndAdviceMustNameARuleThatExists(@TempDir Path dir) throws Exception {
        // Advice for every built-in rule but one, one typo, and a config rule whose family has no entry.
        StringBuilder advice = new StringBuilder();
        for (String rule : io.portcullis.rule.RuleSet.defaults().findingIds()) {
            if (!rule.startsWith("config-") && !rule.equals("sg-ingress-wide-cidr")) {
                advice.append("    ").append(rule).append(": Say how to make this change safely.\n");
            }
        }
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, """
                version: 1
                securityGroups:
                  administrativePorts: {22: SSH}
                  databasePorts: {}
                  widePrefixLength: {ipv4: 8, ipv6: 32}
                iam: {adminManagedPolicies: []}
                severities: {}
                configRules:
                  restricted-ssh: {family: security-group, severity: critical, exposure: internet, says: allows SSH}
                  s3-bucket-public-read-prohibited: {family: s3, severity: critical, exposure: internet, says: is public}
                advice:
                  configFamilies:
                    security-group: Allow only the sources that need access to the port.
                  rules:
                    sg-ingres-port-public: A typo of a rule id.
                """ + advice);

        assertThat(validator.validateDirectory(dir)).extracting(Problem::toString).containsExactlyInAnyOrder(
                file + ":14: advice.rules: no advice for rule 'config-s3-bucket-public-read-prohibited'; add one or"
                        + " two sentences under advice.rules on how to make such a change safely (or one for its family"
                        + " under advice.configFamilies)",
                file + ":14: advice.rules: no advice for rule 'sg-ingress-wide-cidr'; add one or two sentences under"
                        + " advice.rules on how to make such a change safely",
                file + ":15: advice.rules.sg-ingres-port-public: no rule 'sg-ingres-port-public' exists; use one of "
                        + String.join(", ", io.portcullis.rule.RuleSet.fromData(io.portcullis.policy.PolicyFiles
                        .read(file), java.util.Set.of()).findingIds()));
    }

    @Test
    void aConfigVerdictMayBeRemediatedOnlyAsAFindingWhoseActionsExist(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, """
                version: 1
                configRules:
                  restricted-ssh: {family: security-group, severity: critical, exposure: internet, says: allows SSH, remediateAs: [sg-ingress-sensitive-port-public]}
                  vpc-flow-logs-enabled:
                    family: audit-logging
                    severity: high
                    exposure: internal
                    says: has no VPC flow logs
                    remediateAs: [audit-flow-log-deleted, config-restricted-ssh]
                """);

        List<Problem> problems = validator.validateDirectory(dir);

        String known = String.join(", ", io.portcullis.rule.RuleSet.defaults().findingIds().stream()
                .filter(id -> !id.startsWith("config-")).toList());
        assertThat(problems).filteredOn(p -> p.field().startsWith("configRules")).extracting(Problem::toString).containsExactly(
                file + ":9: configRules.vpc-flow-logs-enabled.remediateAs[0]: no finding 'audit-flow-log-deleted' has"
                        + " actions to remediate it as; use one of " + known + ", or remove it to have a person asked",
                file + ":9: configRules.vpc-flow-logs-enabled.remediateAs[1]: no finding 'config-restricted-ssh' has"
                        + " actions to remediate it as; use one of " + known + ", or remove it to have a person asked");
    }

    @Test
    void theShippedPlaybooksAreValid() {
        assertThat(validator.validateDirectory(LocalRuntime.repositoryRoot().resolve("playbooks"))).isEmpty();
    }

    @Test
    void aBrokenPlaybookIsReportedByFileLineAndField(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("playbooks"));
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, """
                version: 1
                name: broken
                description: a playbook with every mistake
                family: s3
                steps:
                  - name: Snapshot
                    type: snapshot
                    action: revoke-ingress
                  - name: WaitForLowTide
                    type: wait-for-window
                    window: {days: [MON], start: "02:00", end: "04:00", timeZone: Mars/Olympus}
                  - name: Fix
                    type: remediate
                    action: revoke-ingress
                  - name: Fix
                    type: remediate
                    action: make-it-safe
                  - name: Resolve
                    type: resolve
                    retries: 3
                """);

        assertThat(validator.validateDirectory(dir)).extracting(Problem::toString).containsExactlyInAnyOrder(
                file + ":8: steps[0].action: 'action' belongs to remediate steps, not snapshot; remove it",
                file + ":11: steps[1].window.timeZone: 'Mars/Olympus' is not a time zone; use an IANA name such as Europe/London",
                file + ":14: steps[2].action: 'revoke-ingress' remediates security-group findings, but this playbook handles s3",
                file + ":15: steps[3].name: step name 'Fix' is used twice; state names must be unique",
                file + ":17: steps[3].action: no action 'make-it-safe' is registered; use one of "
                        + String.join(", ", java.util.Arrays.stream(io.portcullis.playbook.RemediationAction.values())
                        .map(io.portcullis.playbook.RemediationAction::key).toList()),
                file + ":5: steps: no verify step after the last remediate step: every change Portcullis makes is checked by re-reading the live state",
                file + ":20: steps[4].retries: unknown field 'retries'; check its spelling or remove it (the schema allows no other fields)");
    }

    /** A protocol that can give every response to every family. */
    static io.portcullis.protocol.Protocol everyResponse() throws Exception {
        return io.portcullis.protocol.Protocol.fromTree(new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree("""
                version: 1
                containWithin: {P1: PT15M, P2: PT4H, P3: P7D, P4: P30D}
                rows:
                  - name: console, production
                    when: {severity: [critical], origin: [console]}
                    priority: P1
                    response: auto
                  - name: critical elsewhere
                    when: {severity: [critical]}
                    priority: P2
                    response: approval
                    approval: {within: PT15M, onTimeout: escalate}
                  - name: medium
                    when: {severity: [medium]}
                    priority: P3
                    response: scheduled
                """));
    }

    /** The IAM playbook as it shipped before: a gate on P1, approvers and a time-out of its own, no window. */
    @Test
    void aPlaybookThatCannotHonourTheProtocolIsRefusedWithWhatToDo(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("playbooks"));
        Path file = dir.resolve("iam-privilege.yaml");
        Files.writeString(file, """
                version: 1
                name: iam-privilege
                description: Undo an opened trust policy.
                family: iam
                steps:
                  - name: Snapshot
                    type: snapshot
                  - name: NotifyOnCall
                    type: notify
                  - name: AwaitApproval
                    type: approve
                    when: [approval, auto]
                    approvers: {group: S0SECURITYLEADS}
                    onTimeout: escalate
                  - name: RestoreTrustPolicy
                    type: remediate
                    action: restore-trust-policy
                  - name: Verify
                    type: verify
                  - name: Resolve
                    type: resolve
                """);

        assertThat(validator.withProtocol(everyResponse()).validateDirectory(dir)).extracting(Problem::toString)
                .containsExactly(
                file + ":5: steps: the protocol schedules iam fixes for the low-tide window (row 3 'medium'), but no"
                        + " wait-for-window step runs for scheduled before remediate step RestoreTrustPolicy; add one"
                        + " with when: [scheduled] before it",
                file + ":5: steps: the protocol asks on-call before a scheduled iam fix (row 3 'medium'), but no approve"
                        + " step runs for scheduled before remediate step RestoreTrustPolicy; add scheduled to the"
                        + " approve step's when, or set approval.inAdvance: true on those rows of the protocol",
                file + ":12: steps[2].when: approve step AwaitApproval runs for auto, but the protocol remediates iam"
                        + " findings at once (row 1 'console, production'), and an automatic fix must not wait for a"
                        + " person or a window; give it when: without auto",
                file + ":13: steps[2].approvers: a playbook names no Slack ids: it is deployed to every workspace, and"
                        + " a wrong id would only fail at the gate; remove it and set the stack's SlackApproverGroup or"
                        + " SlackApprovers",
                file + ":14: steps[2].onTimeout: what happens when nobody decides is the incident's protocol row's"
                        + " (approval.onTimeout in functions/policy/protocol.yaml); remove it");
    }

    @Test
    void aScheduledGateNeedsItsWindowAfterItAndAnApprovalNeedsAGate(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("playbooks"));
        Path file = dir.resolve("s3-exposure.yaml");
        Files.writeString(file, """
                version: 1
                name: s3-exposure
                description: Close a bucket opened to the public.
                family: s3
                steps:
                  - name: Snapshot
                    type: snapshot
                  - name: WaitForLowTide
                    type: wait-for-window
                    when: [scheduled, approval]
                    window: {days: [TUE], start: "02:00", end: "04:00", timeZone: Europe/London}
                  - name: AwaitApproval
                    type: approve
                    when: [scheduled]
                  - name: RemovePublicStatements
                    type: remediate
                    action: remove-public-statements
                  - name: Verify
                    type: verify
                  - name: Resolve
                    type: resolve
                """);

        assertThat(validator.withProtocol(everyResponse()).validateDirectory(dir)).extracting(Problem::toString)
                .containsExactly(
                file + ":5: steps: the protocol sends s3 findings to on-call for approval (row 2 'critical"
                        + " elsewhere'; automatic fixes the blast-radius breaker holds back; findings no row matches),"
                        + " but no approve step runs for approval before remediate step RemovePublicStatements; add an"
                        + " approve step with when: [approval, scheduled] before it",
                file + ":10: steps[1].when: wait-for-window step WaitForLowTide runs for approval, but an approved fix"
                        + " runs at once (the protocol gives approval a time limit, not a window); give it when:"
                        + " [scheduled]",
                file + ":14: steps[2].when: approve step AwaitApproval runs for scheduled, but no wait-for-window step"
                        + " after it does, and a scheduled fix's approval stays open until the window opens; add a"
                        + " wait-for-window step with when: [scheduled] after it");
    }

    @Test
    void theShippedPlaybooksHonourTheShippedProtocolAndEveryResponse() throws Exception {
        Path playbooks = LocalRuntime.repositoryRoot().resolve("playbooks");
        assertThat(new PolicyValidator().withProtocol(everyResponse()).validateDirectory(playbooks)).isEmpty();
        assertThat(new PolicyValidator().withProtocol(io.portcullis.protocol.Protocol.fromTree(
                io.portcullis.policy.PolicyFiles.read(policy.resolve("protocol.yaml"))))
                .validateDirectory(playbooks)).isEmpty();
    }

    @Test
    void reportsYamlSyntaxErrorsWithTheirLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("accounts.yaml"), "version: 1\naccounts:\n  \"123456789012\": {environment: [production\n");
        assertThat(validator.validateDirectory(dir)).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("is not valid YAML"));
    }

    @Test
    void anIdentityNamesOnePrincipalAndOnePersonAndEveryMistakeIsNamedWithItsLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("identities.yaml");
        Files.writeString(file, """
                version: 1
                identities:
                  - arn: "arn:aws:iam::123456789012:user/bob"
                    slack: U0BOB
                  - arn: "arn:aws:iam::123456789012:role/Admin"
                    session: alice
                    email: alice@example.com
                    slack: U0ALICE
                  - sourceIdentity: build-bot
                    session: run-1
                    slack: U0BUILDBOT
                  - arn: "arn:aws:iam::123456789012:group/ops"
                    email: ops@example.com
                    team: ops
                  - slack: U0NOBODY
                """);

        assertThat(validator.validateDirectory(dir)).extracting(Problem::toString).containsExactlyInAnyOrder(
                file + ":5: identities[1]: gives both email and slack; give exactly one: the person it is",
                file + ":10: identities[2].session: a session narrows a role's arn; give the role's arn with it",
                file + ":12: identities[3].arn: 'arn:aws:iam::123456789012:group/ops' does not have the required form"
                        + " ^arn:aws[a-z-]*:(iam::[0-9]{12}:((user|role)/.+|root)|sts::[0-9]{12}:assumed-role/[^/]+/.+)$",
                file + ":14: identities[3].team: unknown field 'team'; check its spelling or remove it (the schema allows"
                        + " no other fields)",
                file + ":15: identities[4]: gives neither arn nor sourceIdentity; give exactly one: the principal this"
                        + " entry names");
    }

    @Test
    void accountKeysStayKeysEvenThoughTheyAreDigits(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("accounts.yaml"), "version: 1\naccounts:\n  \"123456789012\": {environment: prod}\n");
        assertThat(validator.validateDirectory(dir)).singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("accounts.123456789012.environment"));
    }

    @Test
    void aNamedAccountMayLeaveItsEnvironmentToOrganizationsAnEmptyOneMayNot(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("accounts.yaml"), "version: 1\naccounts:\n  \"123456789012\": {name: payments}\n"
                + "  \"210987654321\": {}\n");
        assertThat(validator.validateDirectory(dir)).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains(":4: accounts.210987654321: gives neither name nor"
                        + " environment; give a name (its environment then comes from AWS Organizations)"));
    }

    /** Every schema is closed and documented: no object without additionalProperties: false, no undocumented field. */
    @Test
    void everySchemaIsClosedAndEveryPropertyDescribed() throws Exception {
        try (Stream<Path> schemas = Files.list(policy.resolve("schemas"))) {
            for (Path schema : schemas.toList()) {
                check(Json.mapper().readTree(schema.toFile()), schema.getFileName().toString());
            }
        }
    }

    private static void check(JsonNode node, String where) {
        if (node.isObject()) {
            if (node.has("properties")) {
                assertThat(node.has("additionalProperties")).as(where + " is closed").isTrue();
                if (node.get("additionalProperties").isBoolean()) {
                    assertThat(node.get("additionalProperties").asBoolean()).as(where).isFalse();
                }
                node.get("properties").properties().forEach(e ->
                        assertThat(e.getValue().has("description")).as(where + "." + e.getKey() + " has a description").isTrue());
            }
            // "if", "then" and "not" hold conditions over an object already defined, not definitions of their own.
            node.properties().stream().filter(e -> !List.of("if", "then", "not").contains(e.getKey()))
                    .forEach(e -> check(e.getValue(), where + "/" + e.getKey()));
        } else if (node.isArray()) {
            node.forEach(n -> check(n, where));
        }
    }
}
