package io.portcullis.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStore;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Incidents in the DynamoDB table {@code PORTCULLIS_INCIDENTS_TABLE}, keyed on {@code incidentId}. Creation is
 * conditional on the id being new (so a redelivered CloudTrail event makes no second incident); every later write is
 * conditional on the version read (optimistic locking).
 */
public final class DynamoDbIncidentStore implements IncidentStore {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoDbDocuments<Incident> documents;

    public DynamoDbIncidentStore(DynamoDbClient dynamoDb, String table, ObjectMapper json) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.documents = new DynamoDbDocuments<>(dynamoDb, table, "incidentId", Incident.class, json);
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
        return documents.get(incidentId);
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
        return documents.item(incident);
    }
}
