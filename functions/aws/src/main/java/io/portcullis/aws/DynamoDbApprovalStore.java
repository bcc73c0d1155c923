package io.portcullis.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.approval.ApprovalStore;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Approvals in DynamoDB, keyed on {@code approvalId}. A decision is written only while the item is still PENDING at
 * the version read, so of two clicks (or a click and a replay) exactly one decides.
 */
public final class DynamoDbApprovalStore implements ApprovalStore {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final ObjectMapper json;

    public DynamoDbApprovalStore(DynamoDbClient dynamoDb, String table, ObjectMapper json) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.json = json;
    }

    @Override
    public void create(Approval approval) {
        dynamoDb.putItem(r -> r.tableName(table).item(item(approval)).conditionExpression("attribute_not_exists(approvalId)"));
    }

    @Override
    public Optional<Approval> find(String approvalId) {
        GetItemResponse response = dynamoDb.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("approvalId", AttributeValue.fromS(approvalId))));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.treeToValue(JsonAttributes.toObject(response.item()), Approval.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("approval " + approvalId + " in " + table + " cannot be read: "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public boolean decide(Approval decided) {
        try {
            dynamoDb.putItem(r -> r.tableName(table).item(item(decided))
                    .conditionExpression("#status = :pending AND version = :expected")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS(ApprovalStatus.PENDING.name()),
                            ":expected", AttributeValue.fromN(Long.toString(decided.version() - 1)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private Map<String, AttributeValue> item(Approval approval) {
        ObjectNode tree = json.valueToTree(approval);
        return JsonAttributes.toItem(tree);
    }
}
