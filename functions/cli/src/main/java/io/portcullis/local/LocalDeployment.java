package io.portcullis.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates, in the emulator, the stateful resources {@code template.yaml} declares — the incidents, approvals,
 * safeguards and inventory tables (with their indexes), the step queue with its dead-letter queue, the alert queue, the
 * detector's failed-events queue, the kill switch parameter, the KMS key that seals task tokens, and one state machine
 * per playbook from the compiled definition the template names, with the template's substitutions — reading their
 * definitions from the template itself so local runs cannot drift from what is deployed.
 *
 * @param incidentsTable the incidents table name
 * @param approvalsTable the approvals table name
 * @param stepQueueUrl   the playbook step queue URL
 * @param stepQueueArn   its ARN (the event-source mapping names it in each record)
 * @param alertQueueUrl  where playbooks leave alerts the worker could not record
 * @param playbooks      rule family key → state machine ARN
 * @param reportsBucket  the private bucket reports go to (default encryption on, public access blocked)
 * @param safeguardsTable     the silent-feed heartbeat and the blast-radius breaker
 * @param failedEventsQueueUrl the detector's failure destination (events it could not process after its retries)
 * @param killSwitchParameter the SSM parameter holding enforce or dry-run
 * @param detectorRetries     how often Lambda retries a failed asynchronous invocation of the detector
 * @param inventoryTable      the last known configurations the watchdog's sweeps keep
 * @param tokenKeyId          the KMS key (an alias) that seals task tokens at rest
 */
public record LocalDeployment(String incidentsTable, String approvalsTable, String stepQueueUrl, String stepQueueArn,
                              String alertQueueUrl, Map<String, String> playbooks, String reportsBucket,
                              String safeguardsTable, String failedEventsQueueUrl, String killSwitchParameter,
                              int detectorRetries, String inventoryTable, String tokenKeyId) {

    /** The template's state machines, by the rule family their playbook handles. */
    static final Map<String, String> STATE_MACHINES = Map.of("SecurityGroupIngressPlaybook", "security-group",
            "S3ExposurePlaybook", "s3", "IamPrivilegePlaybook", "iam", "AuditLoggingPlaybook", "audit-logging");

    /** The role the emulator's state machines "run as" (moto does not check it). */
    static final String PLAYBOOK_ROLE = "arn:aws:iam::123456789012:role/portcullis-playbook";

    public static LocalDeployment create(Path template, DynamoDbClient dynamoDb, SqsClient sqs, SfnClient sfn,
                                         software.amazon.awssdk.services.s3.S3Client s3,
                                         software.amazon.awssdk.services.ssm.SsmClient ssm,
                                         software.amazon.awssdk.services.kms.KmsClient kms, String suffix) {
        JsonNode resources = readTemplate(template).path("Resources");
        String incidents = table(dynamoDb, resource(resources, "IncidentsTable", "AWS::DynamoDB::Table", template),
                "portcullis-incidents-" + suffix);
        String approvals = table(dynamoDb, resource(resources, "ApprovalsTable", "AWS::DynamoDB::Table", template),
                "portcullis-approvals-" + suffix);

        JsonNode queue = resource(resources, "StepQueue", "AWS::SQS::Queue", template);
        String dlqUrl = sqs.createQueue(r -> r.queueName("portcullis-steps-dlq-" + suffix)).queueUrl();
        String dlqArn = arn(sqs, dlqUrl);
        int maxReceive = queue.path("RedrivePolicy").path("maxReceiveCount").asInt(5);
        String queueUrl = sqs.createQueue(r -> r.queueName("portcullis-steps-" + suffix).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, queue.path("VisibilityTimeout").asText("30"),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":" + maxReceive + "}"))).queueUrl();
        resource(resources, "AlertQueue", "AWS::SQS::Queue", template);
        String alertUrl = sqs.createQueue(r -> r.queueName("portcullis-alerts-" + suffix)).queueUrl();

        Map<String, String> substitutions = Map.of("${StepQueueUrl}", queueUrl, "${AlertQueueUrl}", alertUrl);
        Map<String, String> machines = new LinkedHashMap<>();
        for (Map.Entry<String, String> m : STATE_MACHINES.entrySet()) {
            JsonNode props = resource(resources, m.getKey(), "AWS::Serverless::StateMachine", template);
            Path definitionFile = template.getParent().resolve(props.path("DefinitionUri").asText());
            String definition;
            try {
                definition = Files.readString(definitionFile);
            } catch (IOException e) {
                throw new IllegalStateException(template + ": " + m.getKey() + ".DefinitionUri: cannot read "
                        + definitionFile + " (run ./portcullis compile)", e);
            }
            for (Map.Entry<String, String> sub : substitutions.entrySet()) {
                definition = definition.replace(sub.getKey(), sub.getValue());
            }
            String body = definition;
            String name = "portcullis-" + m.getValue() + "-" + suffix;
            String arn = sfn.createStateMachine(r -> r.name(name).definition(body).roleArn(PLAYBOOK_ROLE))
                    .stateMachineArn();
            machines.put(m.getValue(), arn);
        }
        resource(resources, "ReportsBucket", "AWS::S3::Bucket", template);
        String bucket = "portcullis-reports-" + suffix;
        s3.createBucket(r -> r.bucket(bucket));
        s3.putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(rule -> rule
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(
                        software.amazon.awssdk.services.s3.model.ServerSideEncryption.AWS_KMS)).bucketKeyEnabled(true))));
        s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                .ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
        String safeguards = table(dynamoDb, resource(resources, "SafeguardsTable", "AWS::DynamoDB::Table", template),
                "portcullis-safeguards-" + suffix);
        // The detector's failure destination: where Lambda puts an event after its retries (EventInvokeConfig).
        resource(resources, "DetectorFailedEventsQueue", "AWS::SQS::Queue", template);
        String failedUrl = sqs.createQueue(r -> r.queueName(FAILED_EVENTS_QUEUE_PREFIX + suffix)).queueUrl();
        int retries = resource(resources, "DetectorFunction", "AWS::Serverless::Function", template)
                .path("EventInvokeConfig").path("MaximumRetryAttempts").asInt(2);
        JsonNode killSwitch = resource(resources, "KillSwitch", "AWS::SSM::Parameter", template);
        String parameter = "/portcullis-" + suffix + "/kill-switch";
        ssm.putParameter(r -> r.name(parameter).type(killSwitch.path("Type").asText("String"))
                .value(killSwitch.path("Value").asText()));
        String inventory = table(dynamoDb, resource(resources, "InventoryTable", "AWS::DynamoDB::Table", template),
                "portcullis-inventory-" + suffix);
        String keyId = kms.createKey(r -> r.description("Portcullis task tokens (" + suffix + ")")).keyMetadata().keyId();
        kms.createAlias(r -> r.aliasName(tokenKeyAlias(suffix)).targetKeyId(keyId));
        return new LocalDeployment(incidents, approvals, queueUrl, arn(sqs, queueUrl), alertUrl, Map.copyOf(machines),
                bucket, safeguards, failedUrl, parameter, retries, inventory, tokenKeyAlias(suffix));
    }

    /**
     * A deployment {@link #create} made earlier (say, by the demo), found again by its suffix: the names it gave,
     * checked against the emulator.
     */
    public static LocalDeployment existing(Path template, SqsClient sqs, SfnClient sfn, String suffix) {
        String steps = sqs.getQueueUrl(r -> r.queueName("portcullis-steps-" + suffix)).queueUrl();
        String alerts = sqs.getQueueUrl(r -> r.queueName("portcullis-alerts-" + suffix)).queueUrl();
        String failed = sqs.getQueueUrl(r -> r.queueName(FAILED_EVENTS_QUEUE_PREFIX + suffix)).queueUrl();
        Map<String, String> machines = new LinkedHashMap<>();
        sfn.listStateMachinesPaginator(r -> { }).stateMachines().forEach(m -> STATE_MACHINES.values().forEach(family -> {
            if (m.name().equals("portcullis-" + family + "-" + suffix)) {
                machines.put(family, m.stateMachineArn());
            }
        }));
        int retries = resource(readTemplate(template).path("Resources"), "DetectorFunction",
                "AWS::Serverless::Function", template).path("EventInvokeConfig").path("MaximumRetryAttempts").asInt(2);
        return new LocalDeployment("portcullis-incidents-" + suffix, "portcullis-approvals-" + suffix, steps,
                arn(sqs, steps), alerts, Map.copyOf(machines), "portcullis-reports-" + suffix,
                "portcullis-safeguards-" + suffix, failed, "/portcullis-" + suffix + "/kill-switch", retries,
                "portcullis-inventory-" + suffix, tokenKeyAlias(suffix));
    }

    /** The task-token key's alias: KMS takes an alias wherever it takes a key id, so a later run finds it by name. */
    static String tokenKeyAlias(String suffix) {
        return "alias/portcullis-tokens-" + suffix;
    }

    /** The detector's failed-events queues are named this, then the deployment's suffix. */
    public static final String FAILED_EVENTS_QUEUE_PREFIX = "portcullis-detector-failed-";

    /** Creates the incidents table again under its old name (a test removed it to make the detector fail). */
    public void recreateIncidentsTable(Path template, DynamoDbClient dynamoDb) {
        table(dynamoDb, resource(readTemplate(template).path("Resources"), "IncidentsTable", "AWS::DynamoDB::Table",
                template), incidentsTable);
    }

    /** Creates one of the template's tables ({@code logicalId}, e.g. InventoryTable) under {@code tableName}. */
    public static String createTable(Path template, DynamoDbClient dynamoDb, String logicalId, String tableName) {
        return table(dynamoDb, resource(readTemplate(template).path("Resources"), logicalId, "AWS::DynamoDB::Table",
                template), tableName);
    }

    /** PORTCULLIS_PLAYBOOKS, as the template builds it. */
    public String playbooksSetting() {
        return String.join(",", playbooks.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static String table(DynamoDbClient dynamoDb, JsonNode table, String tableName) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        table.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (JsonNode index : table.path("GlobalSecondaryIndexes")) {
            indexes.add(GlobalSecondaryIndex.builder().indexName(index.path("IndexName").asText())
                    .keySchema(keys(index.path("KeySchema")))
                    .projection(Projection.builder().projectionType(ProjectionType.fromValue(
                            index.path("Projection").path("ProjectionType").asText("ALL"))).build()).build());
        }
        dynamoDb.createTable(r -> {
            r.tableName(tableName).attributeDefinitions(attributes).keySchema(keys(table.path("KeySchema")))
                    .billingMode(BillingMode.fromValue(table.path("BillingMode").asText("PAY_PER_REQUEST")));
            if (!indexes.isEmpty()) {
                r.globalSecondaryIndexes(indexes);
            }
        });
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(tableName));
        JsonNode ttl = table.path("TimeToLiveSpecification");
        if (ttl.path("Enabled").asBoolean(false)) {
            dynamoDb.updateTimeToLive(r -> r.tableName(tableName).timeToLiveSpecification(t -> t
                    .attributeName(ttl.path("AttributeName").asText()).enabled(true)));
        }
        return tableName;
    }

    private static List<KeySchemaElement> keys(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        return keys;
    }

    /** The template, parsed; CloudFormation's short-form tags ({@code !Ref}, {@code !GetAtt}) read as plain values. */
    public static JsonNode readTemplate(Path template) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(template.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + template + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode resource(JsonNode resources, String name, String type, Path template) {
        JsonNode r = resources.path(name);
        if (!type.equals(r.path("Type").asText())) {
            throw new IllegalStateException(template + " has no resource " + name + " of type " + type);
        }
        return r.path("Properties");
    }

    private static String arn(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }
}
