package io.portcullis.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStore;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Incidents in the DynamoDB table {@code PORTCULLIS_INCIDENTS_TABLE}, keyed on {@code incidentId}. Creation is
 * conditional on the id being new (so a redelivered CloudTrail event makes no second incident); every later write is
 * conditional on the version read (optimistic locking).
 */
public final class DynamoDbIncidentStore implements IncidentStore {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final ObjectMapper json;

    public DynamoDbIncidentStore(DynamoDbClient dynamoDb, String table, ObjectMapper json) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.json = json;
    }

    @Override
    public boolean create(Incident incident) {
        try {
            dynamoDb.putItem(r -> r.tableName(table).item(item(incident))
                    .conditionExpression("attribute_not_exists(incidentId)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Incident> find(String incidentId) {
        GetItemResponse response = dynamoDb.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("incidentId", AttributeValue.fromS(incidentId))));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.treeToValue(JsonAttributes.toObject(response.item()), Incident.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("incident " + incidentId + " in table " + table
                    + " cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public boolean replace(Incident updated, long expectedVersion) {
        if (updated.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("incident " + updated.incidentId() + " version " + updated.version()
                    + " does not follow " + expectedVersion);
        }
        try {
            dynamoDb.putItem(r -> r.tableName(table).item(item(updated))
                    .conditionExpression("version = :expected")
                    .expressionAttributeValues(Map.of(":expected", AttributeValue.fromN(Long.toString(expectedVersion)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private Map<String, AttributeValue> item(Incident incident) {
        ObjectNode tree = json.valueToTree(incident);
        return JsonAttributes.toItem(tree);
    }
}
