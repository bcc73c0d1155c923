package io.portcullis.organizations;

import io.portcullis.local.MotoOrganization;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.OrganizationsAccounts;
import io.portcullis.faults.FaultProxy;
import io.portcullis.local.Emulator;
import io.portcullis.local.ShiftableClock;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Environment;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The directory of accounts read from AWS Organizations in the emulator: names, unit paths and environments as the
 * organisation lays them out, accounts.yaml over them, the time to live, and what a failed read leaves in force.
 */
class OrganizationsAccountsIT {

    static final MotoOrganization ORG = MotoOrganization.inEmulator();
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final ShiftableClock clock = new ShiftableClock();

    OrganizationsAccounts directory(AwsConnection aws, String organization, Accounts file) {
        return new OrganizationsAccounts(aws::organizations, organization, file, clock, Duration.ofMinutes(5));
    }

    @Test
    void everyActiveAccountWithItsNameUnitPathAndEnvironmentTag() {
        String workloads = ORG.unit(ORG.root(), "Workloads-" + run);
        String prod = ORG.unit(workloads, "Prod");
        String payments = ORG.account("payments-" + run, Map.of("environment", "production"));
        ORG.move(payments, ORG.root(), prod);
        String sandbox = ORG.account("sandbox-" + run, Map.of());
        ORG.tag(sandbox, Map.of("env", "dev"));
        String untagged = ORG.account("untagged-" + run, Map.of("owner", "team-a"));

        Accounts accounts = directory(Emulator.connection(), ORG.id(), Accounts.none()).current();

        assertThat(accounts.nameOf(payments)).isEqualTo("payments-" + run);
        assertThat(accounts.unitOf(payments)).isEqualTo("Root/Workloads-" + run + "/Prod");
        assertThat(accounts.environmentOf(payments, Environment.UNKNOWN)).isEqualTo(Environment.PRODUCTION);
        assertThat(accounts.unitOf(sandbox)).isEqualTo("Root");
        assertThat(accounts.environmentOf(sandbox, Environment.UNKNOWN)).isEqualTo(Environment.NON_PRODUCTION);
        assertThat(accounts.environmentOf(untagged, Environment.UNKNOWN)).as("no environment tag: unknown")
                .isEqualTo(Environment.UNKNOWN);
        assertThat(accounts.contains(AwsConnection.EMULATOR_ACCOUNT)).as("the management account is a member").isTrue();
        assertThat(accounts.contains("999999999999")).isFalse();
    }

    @Test
    void accountsYamlWinsFieldByField() {
        String team = ORG.unit(ORG.root(), "Team-" + run);
        String account = ORG.account("named-in-aws-" + run, Map.of("environment", "dev"));
        ORG.move(account, ORG.root(), team);
        Accounts file = new Accounts(Map.of(account, Environment.PRODUCTION), Map.of(account, "payments (file)"),
                Map.of());

        Accounts accounts = directory(Emulator.connection(), ORG.id(), file).current();

        assertThat(accounts.nameOf(account)).isEqualTo("payments (file)");
        assertThat(accounts.environmentOf(account, Environment.UNKNOWN)).as("the file's production over the tag's dev")
                .isEqualTo(Environment.PRODUCTION);
        assertThat(accounts.unitOf(account)).as("the unit still from Organizations").isEqualTo("Root/Team-" + run);
    }

    @Test
    void anAccountCreatedAfterARefreshIsSeenOnceTheTimeToLiveHasPassed() {
        OrganizationsAccounts directory = directory(Emulator.connection(), ORG.id(), Accounts.none());
        Accounts before = directory.current();
        String late = ORG.account("late-" + run, Map.of());

        clock.shiftTo(clock.instant().plus(Duration.ofMinutes(4)));
        assertThat(directory.current().contains(late)).as("within the time to live: the cached directory").isFalse();
        assertThat(directory.current()).isSameAs(before);

        clock.shiftTo(clock.instant().plus(Duration.ofMinutes(2)));
        assertThat(directory.current().contains(late)).as("past it: read again").isTrue();
        assertThat(directory.source()).contains("organisation " + ORG.id());
    }

    @Test
    void aFailedRefreshKeepsTheLastDirectoryRead() {
        String member = ORG.account("kept-" + run, Map.of("environment", "production"));
        try (FaultProxy proxy = FaultProxy.start(Emulator.endpoint(), Emulator.serviceEndpoints())) {
            AwsConnection through = AwsConnection.emulator(proxy.endpoint(), Emulator.region());
            OrganizationsAccounts directory = directory(through, ORG.id(), Accounts.none());
            assertThat(directory.current().contains(member)).isTrue();

            proxy.inject(FaultProxy.Fault.SERVICE_UNAVAILABLE, c -> "organizations".equals(c.service()),
                    FaultProxy.always());
            clock.shiftTo(clock.instant().plus(Duration.ofMinutes(6)));
            Accounts kept = directory.current();

            assertThat(proxy.injected(FaultProxy.Fault.SERVICE_UNAVAILABLE)).as("the refresh was tried").isPositive();
            assertThat(kept.contains(member)).as("the last good directory").isTrue();
            assertThat(kept.environmentOf(member, Environment.UNKNOWN)).isEqualTo(Environment.PRODUCTION);
            assertThat(directory.source()).contains("the last refresh failed");
        }
    }

    @Test
    void neverReadFallsBackToAccountsYamlAlone() {
        String listed = "210987654321";
        Accounts file = new Accounts(Map.of(listed, Environment.NON_PRODUCTION));
        String member = ORG.account("unseen-" + run, Map.of());

        OrganizationsAccounts directory = directory(Emulator.connection(), "o-aaaaaaaaaa", file);
        Accounts fallback = directory.current();

        assertThat(fallback).as("credentials reading another organisation widen nothing").isEqualTo(file);
        assertThat(fallback.contains(member)).isFalse();
        assertThat(directory.source()).contains("accounts.yaml (1 accounts) alone")
                .contains("not of o-aaaaaaaaaa");
    }
}
