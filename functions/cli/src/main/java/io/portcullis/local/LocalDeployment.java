package io.portcullis.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates, in the emulator, the stateful resources {@code template.yaml} declares (the incidents table and the
 * remediation queue with its dead-letter queue), reading their definitions from the template itself so local runs
 * cannot drift from what is deployed.
 *
 * @param incidentsTable     the table name
 * @param remediationQueueUrl the queue URL
 * @param remediationQueueArn the queue ARN (the event-source mapping names it in each record)
 */
public record LocalDeployment(String incidentsTable, String remediationQueueUrl, String remediationQueueArn) {

    public static LocalDeployment create(Path template, DynamoDbClient dynamoDb, SqsClient sqs, String suffix) {
        JsonNode resources = readTemplate(template).path("Resources");
        JsonNode table = resource(resources, "IncidentsTable", "AWS::DynamoDB::Table", template);
        String tableName = "portcullis-incidents-" + suffix;
        List<AttributeDefinition> attributes = new ArrayList<>();
        table.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        List<KeySchemaElement> keys = new ArrayList<>();
        table.path("KeySchema").forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        dynamoDb.createTable(r -> r.tableName(tableName).attributeDefinitions(attributes).keySchema(keys)
                .billingMode(BillingMode.fromValue(table.path("BillingMode").asText("PAY_PER_REQUEST"))));
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(tableName));

        JsonNode queue = resource(resources, "RemediationQueue", "AWS::SQS::Queue", template);
        String dlqUrl = sqs.createQueue(r -> r.queueName("portcullis-remediation-dlq-" + suffix)).queueUrl();
        String dlqArn = arn(sqs, dlqUrl);
        int maxReceive = queue.path("RedrivePolicy").path("maxReceiveCount").asInt(5);
        String queueUrl = sqs.createQueue(r -> r.queueName("portcullis-remediation-" + suffix).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, queue.path("VisibilityTimeout").asText("30"),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":" + maxReceive + "}"))).queueUrl();
        return new LocalDeployment(tableName, queueUrl, arn(sqs, queueUrl));
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
