package io.portcullis.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.approval.ApprovalStore;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Approvals in DynamoDB, keyed on {@code approvalId}. A decision is written only while the item is still PENDING at
 * the version read, so of two clicks (or a click and a replay) exactly one decides.
 */
public final class DynamoDbApprovalStore implements ApprovalStore {

    /** The global secondary index on {@code incidentId}. */
    public static final String BY_INCIDENT = "byIncident";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoDbDocuments<Approval> documents;

    public DynamoDbApprovalStore(DynamoDbClient dynamoDb, String table, ObjectMapper json) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.documents = new DynamoDbDocuments<>(dynamoDb, table, "approvalId", Approval.class, json);
    }

    @Override
    public void create(Approval approval) {
        try {
            dynamoDb.putItem(r -> r.tableName(table).item(item(approval))
                    .conditionExpression("attribute_not_exists(approvalId)"));
        } catch (ConditionalCheckFailedException e) {
            if (!landed(approval)) {
                throw e;
            }
        }
    }

    /**
     * Whether a conditional write that failed had been made by this very call: a retry after a lost answer finds
     * its own first attempt's item (see {@link DynamoDbIncidentStore}).
     */
    private boolean landed(Approval written) {
        return find(written.approvalId()).map(stored -> documents.tree(stored).equals(documents.tree(written)))
                .orElse(false);
    }

    @Override
    public Optional<Approval> find(String approvalId) {
        return documents.get(approvalId);
    }

    @Override
    public java.util.List<Approval> ofIncident(String incidentId) {
        // The byIncident index (template.yaml); eventually consistent, which is fine minutes after the gate opened.
        return dynamoDb.queryPaginator(r -> r.tableName(table).indexName(BY_INCIDENT)
                        .keyConditionExpression("incidentId = :incident")
                        .expressionAttributeValues(Map.of(":incident", AttributeValue.fromS(incidentId))))
                .items().stream().map(documents::fromItem).toList();
    }

    @Override
    public void posted(Approval approval) {
        dynamoDb.putItem(r -> r.tableName(table).item(item(approval))
                .conditionExpression("attribute_exists(approvalId) AND version = :version")
                .expressionAttributeValues(Map.of(":version", AttributeValue.fromN(Long.toString(approval.version())))));
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
        return documents.item(approval);
    }
}
