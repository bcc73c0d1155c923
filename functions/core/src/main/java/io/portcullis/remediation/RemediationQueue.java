package io.portcullis.remediation;

/**
 * Hands an incident to the remediation function. In AWS an SQS queue with a dead-letter queue; locally the same
 * queue in the emulator, drained by the harness exactly as Lambda's event-source mapping would.
 */
public interface RemediationQueue {

    void enqueue(String incidentId);
}
