package io.portcullis.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.protocol.AccountDirectory;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Environment;
import io.portcullis.protocol.Protocol;
import io.portcullis.rule.RuleSet;
import io.portcullis.testing.Fixtures;
import io.portcullis.testing.InMemoryIncidentStore;
import io.portcullis.testing.InMemorySecurityGroups;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The detector judges only members' events: its own account and the directory's (AWS Organizations with
 * accounts.yaml over it, or accounts.yaml alone). The directory also decides environments, the trust-policy rule's
 * organisation and the account's name and unit on the incident, and a new read of it is used at once.
 */
class AccountMembershipTest {

    static final String HUB = "123456789012";
    static final String MEMBER = "210987654321";
    static final String STRANGER = "444455556666";
    static final String TRUST = "cloudtrail/iam-create-role-trust-external-account-terraform.json";

    final InMemoryIncidentStore incidents = new InMemoryIncidentStore();
    final List<String> started = new ArrayList<>();
    final AtomicReference<Accounts> directory = new AtomicReference<>(Accounts.none());

    DetectChange detector() {
        return new DetectChange(new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of())),
                new PolicyEngine(RuleSet.defaults(), Protocol.defaults(), Accounts.none()), new InMemorySecurityGroups(),
                io.portcullis.remediation.ResourceTags.NONE, incidents, (incident, input) -> started.add(
                        incident.incidentId()), Clock.fixed(Instant.parse("2026-11-25T10:40:00Z"), ZoneOffset.UTC),
                RemediationMode.DRY_RUN, Set.of())
                .withMembership(new AccountDirectory() {
                    @Override
                    public Accounts current() {
                        return directory.get();
                    }

                    @Override
                    public String source() {
                        return "organisation o-test (" + directory.get().ids().size() + " accounts)";
                    }
                }, HUB);
    }

    /** The sample CreateRole, made in {@code account}, its role trusting {@code trusted}. */
    static byte[] createRole(String account, String trusted) {
        return new String(Fixtures.bytes(TRUST), StandardCharsets.UTF_8).replace("444455556666", "TRUSTED")
                .replace(HUB, account).replace("TRUSTED", trusted).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEventFromAnAccountOutsideTheDirectoryIsRefusedWithItsAccountAndNothingIsRecorded() {
        DetectionResult result = detector().handle(createRole(STRANGER, "999988887777"));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Refused.class, r -> {
            assertThat(r.eventRef()).isEqualTo("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a67");
            assertThat(r.reason()).contains("account " + STRANGER + " is not a member of this deployment")
                    .contains("this account " + HUB).contains("organisation o-test");
        });
        assertThat(incidents.size()).isZero();
        assertThat(started).isEmpty();
    }

    @Test
    void theOwnAccountIsAlwaysAMemberAndADirectoryAccountBecomesOneOnItsNextRead() {
        DetectChange detect = detector();
        assertThat(detect.handle(createRole(HUB, STRANGER))).isInstanceOf(DetectionResult.Opened.class);
        assertThat(detect.handle(createRole(MEMBER, STRANGER))).isInstanceOf(DetectionResult.Refused.class);

        directory.set(new Accounts(Map.of(), Map.of(MEMBER, "payments"), Map.of(MEMBER, "Root/Workloads")));
        byte[] again = new String(createRole(MEMBER, STRANGER), StandardCharsets.UTF_8)
                .replace("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a67", "3f2a9c1e-5b7d-4e8f-9a0b-000000000002")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(detect.handle(again)).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().accountName()).isEqualTo("payments");
            assertThat(o.incident().accountUnit()).isEqualTo("Root/Workloads");
        });
    }

    @Test
    void anAccountWithoutANameOrUnitLeavesThemEmptyOnTheIncident() {
        DetectionResult result = detector().handle(createRole(HUB, STRANGER));

        assertThat(result).isInstanceOfSatisfying(DetectionResult.Opened.class, o -> {
            assertThat(o.incident().accountName()).isNull();
            assertThat(o.incident().accountUnit()).isNull();
            assertThat(o.incident().accountLabel()).isEqualTo(HUB);
        });
    }

    @Test
    void trustInAnotherMemberIsNotOutsideTheOrganisationOnceTheDirectoryListsIt() {
        DetectChange detect = detector();
        assertThat(detect.handle(createRole(HUB, MEMBER))).as("not yet in the directory: outside")
                .isInstanceOf(DetectionResult.Opened.class);

        directory.set(new Accounts(Map.of(MEMBER, Environment.NON_PRODUCTION)));
        byte[] again = new String(createRole(HUB, MEMBER), StandardCharsets.UTF_8)
                .replace("3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a67", "3f2a9c1e-5b7d-4e8f-9a0b-000000000003")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(detect.handle(again)).as("the directory refreshed: a member").isInstanceOf(
                DetectionResult.Compliant.class);
    }

    @Test
    void withoutItsOwnAccountTheDetectorAdmitsEveryAccount() {
        DetectChange detect = detector().withMembership(AccountDirectory.fixed(Accounts.none(), "none"), null);

        assertThat(detect.handle(createRole(STRANGER, "999988887777"))).isInstanceOf(DetectionResult.Opened.class);
    }

    @Test
    void accountsYamlMayNameAnAccountAndLeaveItsEnvironmentToOrganizations() throws Exception {
        Accounts file = Accounts.fromTree(Json.mapper().readTree("""
                {"version": 1, "accounts": {"210987654321": {"name": "payments"},
                 "111122223333": {"name": "sandbox", "environment": "non-production"}}}"""));

        assertThat(file.nameOf(MEMBER)).isEqualTo("payments");
        assertThat(file.contains(MEMBER)).isTrue();
        assertThat(file.environmentOf(MEMBER, Environment.UNKNOWN)).isEqualTo(Environment.UNKNOWN);
        Accounts organisation = new Accounts(Map.of(MEMBER, Environment.PRODUCTION), Map.of(MEMBER, "acct-1"), Map.of());
        assertThat(organisation.overriddenBy(file).environmentOf(MEMBER, Environment.UNKNOWN))
                .as("the tag's environment kept").isEqualTo(Environment.PRODUCTION);
        assertThat(organisation.overriddenBy(file).nameOf(MEMBER)).isEqualTo("payments");
        assertThatThrownBy(() -> Accounts.fromTree(Json.mapper().readTree(
                "{\"version\": 1, \"accounts\": {\"210987654321\": {}}}")))
                .hasMessageContaining("accounts.210987654321.environment").hasMessageContaining("needs one");
    }
}
