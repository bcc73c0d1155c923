package io.portcullis.detection;

import io.portcullis.change.Change;
import io.portcullis.protocol.Accounts;
import io.portcullis.protocol.Decision;
import io.portcullis.protocol.Environment;
import io.portcullis.protocol.Protocol;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleSet;
import java.util.Comparator;
import java.util.List;

/**
 * Rules, protocol and accounts together: the one engine behind the detector function and {@code ./portcullis
 * evaluate}. Pure: the caller supplies what it knows of the live resource (its environment tag).
 */
public final class PolicyEngine {

    private final RuleSet rules;
    private final Protocol protocol;
    private final Accounts accounts;

    public PolicyEngine(RuleSet rules, Protocol protocol, Accounts accounts) {
        this.rules = rules;
        this.protocol = protocol;
        this.accounts = accounts;
    }

    public static PolicyEngine defaults() {
        return of(Protocol.defaults(), Accounts.defaults());
    }

    /** The default rules, aware of the organisation's accounts. */
    public static PolicyEngine of(Protocol protocol, Accounts accounts) {
        return new PolicyEngine(RuleSet.defaults(accounts.environments().keySet()), protocol, accounts);
    }

    public PolicyEngine withAccounts(Accounts other) {
        return of(protocol, other);
    }

    public List<Finding> findings(Change change) {
        return rules.evaluate(change);
    }

    /** The resource's environment: its tag, else the accounts file, else unknown. */
    public Environment environment(Change change, Environment fromTags) {
        return accounts.environmentOf(change.resource().account(), fromTags);
    }

    /** The protocol's decision for the most severe finding; null when there are none. */
    public Decision decide(Change change, List<Finding> findings, Environment environment) {
        if (findings.isEmpty()) {
            return null;
        }
        Finding worst = worst(findings);
        return protocol.decide(worst.family(), worst.severity(), worst.exposure(), environment, change.origin());
    }

    public static Finding worst(List<Finding> findings) {
        return findings.stream().min(Comparator.comparing(Finding::severity)).orElseThrow();
    }
}
