package io.portcullis.playbook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;

/**
 * Starts an incident's playbook (in AWS, a Step Functions execution of its family's state machine, named after the
 * incident so a second start of the same incident is a no-op).
 */
@FunctionalInterface
public interface PlaybookStarter {

    /**
     * @param input the execution input ({@link PlaybookInput})
     * @return false when the incident's family has no playbook deployed
     */
    boolean start(Incident incident, ObjectNode input);
}
