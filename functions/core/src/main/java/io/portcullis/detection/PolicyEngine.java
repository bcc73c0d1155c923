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
import java.util.Map;
import java.time.LocalDate;
import io.portcullis.exception.Exceptions;
import io.portcullis.exception.SuppressedFinding;

/**
 * Rules, protocol and accounts together: the one engine behind the detector function and {@code ./portcullis
 * evaluate}. Pure: the caller supplies what it knows of the live resource (its environment tag).
 */
public final class PolicyEngine {

    private final RuleSet rules;
    private final Protocol protocol;
    private final Accounts accounts;
    private final Exceptions exceptions;

    public PolicyEngine(RuleSet rules, Protocol protocol, Accounts accounts) {
        this(rules, protocol, accounts, Exceptions.none());
    }

    public PolicyEngine(RuleSet rules, Protocol protocol, Accounts accounts, Exceptions exceptions) {
        this.rules = rules;
        this.protocol = protocol;
        this.accounts = accounts;
        this.exceptions = exceptions;
    }

    /** The policy shipped in the function package: functions/policy/*.yaml. */
    public static PolicyEngine defaults() {
        return of(Protocol.defaults(), Accounts.defaults(), Exceptions.defaults());
    }

    /** The default rules, aware of the organisation's accounts. */
    public static PolicyEngine of(Protocol protocol, Accounts accounts, Exceptions exceptions) {
        return new PolicyEngine(RuleSet.defaults(accounts.ids()), protocol, accounts, exceptions);
    }

    public PolicyEngine withAccounts(Accounts other) {
        return of(protocol, other, exceptions);
    }

    /** The accounts this engine judges with (environments, and the organisation of the trust-policy rule). */
    public Accounts accounts() {
        return accounts;
    }

    /** The findings the exceptions in force today suppress, each with its exception. */
    public List<SuppressedFinding> suppressed(List<Finding> findings, Map<String, String> tags, LocalDate today) {
        List<SuppressedFinding> out = new java.util.ArrayList<>();
        for (Finding f : findings) {
            exceptions.suppressing(f, tags, today).ifPresent(e -> out.add(new SuppressedFinding(f, e)));
        }
        return out;
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

    /** The protocol row that made a decision, or null. */
    public io.portcullis.protocol.ProtocolRow row(io.portcullis.protocol.Decision decision) {
        return decision == null || decision.row() < 1 || decision.row() > protocol.rows().size() ? null
                : protocol.rows().get(decision.row() - 1);
    }

    public static Finding worst(List<Finding> findings) {
        return findings.stream().min(Comparator.comparing(Finding::severity)).orElseThrow();
    }
}
