package io.portcullis.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/** Records stored as DynamoDB items, one attribute per JSON field (see {@link JsonAttributes}); reads are consistent. */
final class DynamoDbDocuments<T> {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String keyName;
    private final Class<T> type;
    private final ObjectMapper json;

    DynamoDbDocuments(DynamoDbClient dynamoDb, String table, String keyName, Class<T> type, ObjectMapper json) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.keyName = keyName;
        this.type = type;
        this.json = json;
    }

    String table() {
        return table;
    }

    Optional<T> get(String key) {
        GetItemResponse response = dynamoDb.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(keyName, AttributeValue.fromS(key))));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.treeToValue(JsonAttributes.toObject(response.item()), type));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(type.getSimpleName() + " " + key + " in table " + table
                    + " cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    T fromItem(Map<String, AttributeValue> item) {
        try {
            return json.treeToValue(JsonAttributes.toObject(item), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(type.getSimpleName() + " in table " + table + " cannot be read: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** The value as JSON, to compare what was written with what was read back. */
    ObjectNode tree(T value) {
        return json.valueToTree(value);
    }

    Map<String, AttributeValue> item(T value) {
        ObjectNode tree = json.valueToTree(value);
        return JsonAttributes.toItem(tree);
    }
}
