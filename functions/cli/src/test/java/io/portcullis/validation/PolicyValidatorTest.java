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
    void anApprovalRowNeedsItsTimeLimitAndOthersMustNotHaveOne(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("protocol.yaml"), """
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
                """);

        assertThat(validator.validateDirectory(dir)).extracting(Problem::line, Problem::field)
                .contains(org.assertj.core.groups.Tuple.tuple(4, "rows[0]"), org.assertj.core.groups.Tuple.tuple(7, "rows[1]"));
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

    @Test
    void reportsYamlSyntaxErrorsWithTheirLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("accounts.yaml"), "version: 1\naccounts:\n  \"123456789012\": {environment: [production\n");
        assertThat(validator.validateDirectory(dir)).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("is not valid YAML"));
    }

    @Test
    void accountKeysStayKeysEvenThoughTheyAreDigits(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("accounts.yaml"), "version: 1\naccounts:\n  \"123456789012\": {environment: prod}\n");
        assertThat(validator.validateDirectory(dir)).singleElement()
                .satisfies(p -> assertThat(p.field()).isEqualTo("accounts.123456789012.environment"));
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
            // "if" and "not" hold conditions over an object already defined, not definitions of their own.
            node.properties().stream().filter(e -> !e.getKey().equals("if") && !e.getKey().equals("not"))
                    .forEach(e -> check(e.getValue(), where + "/" + e.getKey()));
        } else if (node.isArray()) {
            node.forEach(n -> check(n, where));
        }
    }
}
