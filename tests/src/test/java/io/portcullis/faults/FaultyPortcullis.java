package io.portcullis.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.RemediationMode;
import io.portcullis.json.Json;
import io.portcullis.local.Emulator;
import io.portcullis.local.EventReplay;
import io.portcullis.local.LocalRuntime;
import io.portcullis.local.LocalSlack;
import io.portcullis.local.Sandbox;
import io.portcullis.network.IngressRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * One test's Portcullis in the emulator with a {@link FaultProxy} between every function's SDK clients and the
 * emulator. The test's own calls (setting up the group, reading the outcome) go straight to the emulator, so they
 * neither meet the faults nor count.
 */
final class FaultyPortcullis implements AutoCloseable {

    static final String CONSOLE_SSH = "cloudtrail/ec2-authorize-ssh-world-console.json";
    /** One AuthorizeSecurityGroupIngress opening SSH, RDP and MySQL to the internet at once. */
    static final String CONSOLE_THREE_PORTS = "cloudtrail/ec2-authorize-ssh-rdp-mysql-world-console.json";

    final FaultProxy proxy = FaultProxy.start(Emulator.endpoint(), Emulator.serviceEndpoints());
    final Calls calls = new Calls();
    /** Straight to the emulator: the test's own view. */
    final AwsConnection direct = Emulator.connection();
    final LocalRuntime runtime;
    Sandbox sandbox;
    final Path root = LocalRuntime.repositoryRoot();

    FaultyPortcullis() {
        this(AwsConnection.Retries.STANDARD);
    }

    FaultyPortcullis(AwsConnection.Retries retries) {
        AwsConnection functions = AwsConnection.emulator(proxy.endpoint(), Emulator.region()).withInterceptor(calls)
                .withRetries(retries);
        runtime = LocalRuntime.deploy(root, functions, RemediationMode.ENFORCE);
        sandbox = newSandbox();
    }

    /**
     * Each case is its own scenario: the blast-radius breaker's slots (its own bookkeeping) start empty, so the
     * cases before cannot turn this one's automatic containment into an approval.
     */
    private void freshBreakerWindow() {
        runtime.clearBreakerWindow();
    }

    private Sandbox newSandbox() {
        return Sandbox.create(direct.ec2(), "web-prod-" + UUID.randomUUID().toString().substring(0, 8), "production");
    }

    /**
     * The next case on the same deployment: a fresh security group, no fault rules, the proxy's and the call
     * counter's counts back at zero. Everything a case checks is about its own group and incident.
     */
    void next() {
        proxy.reset();
        calls.reset();
        freshBreakerWindow();
        sandbox = newSandbox();
        offending = List.of();
    }

    /**
     * The sample aimed at this sandbox, its ingress call made for real first, as the user's call would have been;
     * {@link #offending} then holds the ids of the rules it added (read from the group: for a call with several
     * permissions moto's answer, and so the replayed event, names only the first rule).
     */
    ObjectNode applied(String sample) {
        List<String> before = liveRuleIds();
        ObjectNode event = EventReplay.applyIngress(direct.ec2(), EventReplay.retarget(
                EventReplay.load(root.resolve("events").resolve(sample)), sandbox.groupId()));
        offending = liveRuleIds().stream().filter(id -> !before.contains(id)).toList();
        return event;
    }

    /** The rules the last {@link #applied} call added. */
    List<String> offending = List.of();

    String detect(ObjectNode event) {
        return runtime.invokeDetector(event).path("incidentId").asText();
    }

    LocalRuntime.Execution runPlaybook(String incidentId, Duration limit) {
        return runtime.runPlaybook(incidentId, limit);
    }

    List<String> liveRuleIds() {
        return new Ec2SecurityGroups(r -> direct.ec2())
                .describe(ResourceRef.securityGroup(sandbox.groupId(), "123456789012", Emulator.region()))
                .orElseThrow().ingress().stream().map(IngressRule::ruleId).toList();
    }

    Incident incident(String incidentId) {
        return new DynamoDbIncidentStore(direct.dynamoDb(), runtime.deployment().incidentsTable(), Json.mapper())
                .find(incidentId).orElseThrow();
    }

    /** The incidents recorded about this case's security group (through the table's byResource index). */
    List<String> incidentIds() {
        return new DynamoDbIncidentStore(direct.dynamoDb(), runtime.deployment().incidentsTable(), Json.mapper())
                .forResource(Incident.resourceKeyOf(group())).stream().map(Incident::incidentId).toList();
    }

    ResourceRef group() {
        return ResourceRef.securityGroup(sandbox.groupId(), "123456789012", Emulator.region());
    }

    /** Slack alerts about this incident. */
    List<LocalSlack.Request> alerts(String incidentId) {
        return runtime.slack().messages().stream().filter(m -> m.text() != null
                && m.text().contains("Portcullis alert") && m.text().contains(incidentId)).toList();
    }

    /** Slack messages offering Undo for this incident. */
    List<LocalSlack.Request> undoOffers(String incidentId) {
        return runtime.slack().messages().stream()
                .filter(m -> !m.block("actions", "undo:" + incidentId).isMissingNode()).toList();
    }

    /** The messages the playbooks left on the alert queue (failures the worker could not even record). */
    List<String> alertQueue() {
        return direct.sqs().receiveMessage(r -> r.queueUrl(runtime.deployment().alertQueueUrl()).maxNumberOfMessages(10)
                .waitTimeSeconds(0)).messages().stream().map(Message::body).toList();
    }

    /** How many executions the incident's playbook has had (named after the incident, so at most one can exist). */
    int executions(String incidentId) {
        String arn = runtime.executionArn(incidentId);
        String machine = arn.substring(0, arn.lastIndexOf(':')).replace(":execution:", ":stateMachine:");
        return (int) direct.sfn().listExecutionsPaginator(r -> r.stateMachineArn(machine)).executions().stream()
                .filter(e -> e.executionArn().equals(arn)).count();
    }

    /**
     * What Lambda's event-source mapping does once the visibility timeout of a message whose handler died has
     * passed: makes the messages of the batch that was being handled visible again, so they are delivered again.
     */
    void visibilityTimeoutPasses() {
        for (String handle : calls.lastReceived()) {
            try {
                direct.sqs().changeMessageVisibility(r -> r.queueUrl(runtime.deployment().stepQueueUrl())
                        .receiptHandle(handle).visibilityTimeout(0));
            } catch (SqsException e) {
                // That one was deleted (handled) before the handler died.
            }
        }
    }

    /** Prints the faults injected for this case (the figures of the reliability table come from these lines). */
    void report(String incidentId) {
        System.out.println("faults injected for " + incidentId + ": " + proxy.injected() + "; requests seen: "
                + proxy.journal().size());
    }

    @Override
    public void close() {
        runtime.close();
        proxy.close();
    }

    /** The function's process died here (a test's kill switch): nothing after it ran, nothing was acknowledged. */
    static final class Killed extends Error {
        Killed(String where) {
            super("killed after " + where);
        }
    }

    /**
     * Sees every SDK call the functions complete: counts them by operation, remembers the receipt handles of the
     * last step-queue batch, and holds the kill switch.
     */
    static final class Calls implements ExecutionInterceptor {

        private final Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
        private final List<String> lastReceived = new CopyOnWriteArrayList<>();
        private final AtomicReference<Kill> kill = new AtomicReference<>();
        private final Set<String> killedAt = ConcurrentHashMap.newKeySet();

        private record Kill(String operation, Predicate<SdkRequest> which) {
        }

        /** The next completed call of {@code operation} that {@code which} accepts kills the function (once). */
        void killAfter(String operation, Predicate<SdkRequest> which) {
            kill.set(new Kill(operation, which));
        }

        boolean killed() {
            return !killedAt.isEmpty();
        }

        void reset() {
            completed.clear();
            lastReceived.clear();
            kill.set(null);
            killedAt.clear();
        }

        int completed(String operation) {
            AtomicInteger n = completed.get(operation);
            return n == null ? 0 : n.get();
        }

        List<String> lastReceived() {
            return List.copyOf(lastReceived);
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            completed.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            if (context.response() instanceof ReceiveMessageResponse received && received.hasMessages()
                    && !received.messages().isEmpty()) {
                lastReceived.clear();
                received.messages().forEach(m -> lastReceived.add(m.receiptHandle()));
            }
            Kill armed = kill.get();
            if (armed != null && armed.operation().equals(operation) && armed.which().test(context.request())
                    && kill.compareAndSet(armed, null)) {
                killedAt.add(operation);
                throw new Killed(operation);
            }
        }
    }
}
