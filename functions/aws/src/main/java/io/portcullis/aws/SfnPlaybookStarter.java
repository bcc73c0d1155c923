package io.portcullis.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.playbook.PlaybookStarter;
import io.portcullis.rule.RuleFamily;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Starts the playbook state machine of the incident's rule family ({@code PORTCULLIS_PLAYBOOKS}). The execution is
 * named after the incident, so a redelivered event or a second detector cannot start it twice.
 */
public final class SfnPlaybookStarter implements PlaybookStarter {

    private final Supplier<SfnClient> sfn;
    private final Map<String, String> stateMachines;

    /** @param stateMachines rule family key ({@code security-group}, {@code s3}, …) → state machine ARN */
    public SfnPlaybookStarter(Supplier<SfnClient> sfn, Map<String, String> stateMachines) {
        this.sfn = new Lazy<>(sfn);
        this.stateMachines = Map.copyOf(stateMachines);
    }

    @Override
    public boolean start(Incident incident, ObjectNode input) {
        RuleFamily family = incident.findings().isEmpty() ? null : incident.findings().get(0).family();
        String arn = family == null ? null : stateMachines.get(family.key());
        if (arn == null) {
            return false;
        }
        try {
            sfn.get().startExecution(r -> r.stateMachineArn(arn).name(executionName(incident.incidentId()))
                    .input(input.toString()));
        } catch (ExecutionAlreadyExistsException e) {
            // Started before (a redelivery): that execution carries on.
        }
        return true;
    }

    /** Execution names allow 1–80 of {@code [A-Za-z0-9_-]}. */
    public static String executionName(String incidentId) {
        String name = incidentId.replaceAll("[^A-Za-z0-9_-]", "-");
        return name.length() > 80 ? name.substring(0, 80) : name;
    }
}
