package io.portcullis.protocol;

import io.portcullis.change.Origin;
import io.portcullis.rule.Exposure;
import io.portcullis.rule.RuleFamily;
import io.portcullis.rule.Severity;
import java.time.Duration;
import java.util.Set;

/**
 * One row of the decision table. An empty set matches anything.
 *
 * @param name         what the row is for, shown in the incident ("critical, internet, production, console")
 * @param families     rule families it matches
 * @param severities   severities it matches
 * @param exposures    exposures it matches
 * @param environments environments it matches ({@link Environment#UNKNOWN} is judged as production: see {@link Protocol})
 * @param origins      origins it matches
 * @param priority     the priority it sets
 * @param response     the response it sets
 * @param approvalWithin for approval, how long on-call has to decide; else null
 * @param onTimeout    for approval, what happens when nobody decides in time; for scheduled, what happens when
 *                     nobody has decided when the window opens (default escalate); else null
 * @param approvedInAdvance for scheduled, the fix is approved in advance: nobody is asked
 * @param notice       for scheduled, the least time on-call gets to decide before the window opens; else null
 */
public record ProtocolRow(String name, Set<RuleFamily> families, Set<Severity> severities, Set<Exposure> exposures,
                          Set<Environment> environments, Set<Origin> origins, Priority priority, Response response,
                          Duration approvalWithin, TimeoutAction onTimeout, boolean approvedInAdvance,
                          Duration notice) {

    /** How long on-call has at least to decide on a scheduled fix, unless the row says otherwise. */
    public static final Duration DEFAULT_NOTICE = Duration.ofHours(1);

    public ProtocolRow {
        families = Set.copyOf(families);
        severities = Set.copyOf(severities);
        exposures = Set.copyOf(exposures);
        environments = Set.copyOf(environments);
        origins = Set.copyOf(origins);
    }

    /** Whether the row can decide a finding of this family. */
    public boolean covers(RuleFamily family) {
        return families.isEmpty() || families.contains(family);
    }

    boolean matches(RuleFamily family, Severity severity, Exposure exposure, Environment environment, Origin origin) {
        return (families.isEmpty() || families.contains(family))
                && (severities.isEmpty() || severities.contains(severity))
                && (exposures.isEmpty() || exposures.contains(exposure))
                && (environments.isEmpty() || environments.contains(environment))
                && (origins.isEmpty() || origins.contains(origin));
    }
}
