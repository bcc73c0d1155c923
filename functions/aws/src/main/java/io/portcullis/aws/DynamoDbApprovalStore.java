package io.portcullis.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.approval.Approval;
import io.portcullis.approval.ApprovalStatus;
import io.portcullis.approval.ApprovalStore;
import io.portcullis.approval.TokenSealer;
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

    /**
     * The attribute a pending approval's sealed task token is kept in. The token is never stored in the clear: an older
     * row's plaintext {@code taskToken} attribute is never read as a token (nor as a sealed one).
     */
    public static final String SEALED_TOKEN = "sealedTaskToken";
    private static final String PLAIN_TOKEN = "taskToken";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DynamoDbApprovalStore.class);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoDbDocuments<Approval> documents;
    private final TokenSealer sealer;

    /** A store that reads and writes approvals but no task token (one that must write a token fails). */
    public DynamoDbApprovalStore(DynamoDbClient dynamoDb, String table, ObjectMapper json) {
        this(dynamoDb, table, json, null);
    }

    /** @param sealer seals each pending approval's task token before it is written, and opens it when read */
    public DynamoDbApprovalStore(DynamoDbClient dynamoDb, String table, ObjectMapper json, TokenSealer sealer) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.documents = new DynamoDbDocuments<>(dynamoDb, table, "approvalId", Approval.class, json);
        this.sealer = sealer;
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
        var response = dynamoDb.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("approvalId", AttributeValue.fromS(approvalId))));
        return !response.hasItem() || response.item().isEmpty() ? Optional.empty()
                : Optional.of(fromItem(response.item()));
    }

    @Override
    public java.util.List<Approval> ofIncident(String incidentId) {
        // The byIncident index (template.yaml); eventually consistent, which is fine minutes after the gate opened.
        return dynamoDb.queryPaginator(r -> r.tableName(table).indexName(BY_INCIDENT)
                        .keyConditionExpression("incidentId = :incident")
                        .expressionAttributeValues(Map.of(":incident", AttributeValue.fromS(incidentId))))
                .items().stream().map(this::fromItem).toList();
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

    /**
     * The row: the approval without its task token, and, while it is pending, the token sealed for it. A decided or
     * expired approval's token is needed no more and is not kept.
     */
    private Map<String, AttributeValue> item(Approval approval) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(documents.item(approval));
        item.remove(PLAIN_TOKEN);
        if (approval.taskToken() != null && approval.status() == ApprovalStatus.PENDING) {
            if (sealer == null) {
                throw new IllegalStateException("approval " + approval.approvalId() + " has a task token, but this"
                        + " approvals store has no key to seal it with (PORTCULLIS_TOKEN_KEY_ID)");
            }
            item.put(SEALED_TOKEN, AttributeValue.fromS(sealer.seal(approval.taskToken(), approval.incidentId(),
                    approval.approvalId())));
        }
        return item;
    }

    /**
     * The approval a row holds, its token opened. A token that cannot be opened, and a plaintext token an older version
     * wrote, are not used: the approval reads as having none, and the gate cannot be completed from it (logged).
     */
    private Approval fromItem(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> fields = new java.util.HashMap<>(item);
        AttributeValue sealed = fields.remove(SEALED_TOKEN);
        AttributeValue plain = fields.remove(PLAIN_TOKEN);
        Approval approval = documents.fromItem(fields);
        if (plain != null && plain.s() != null) {
            LOG.error("Approval {} of incident {} holds a task token in the clear (written before tokens were"
                    + " sealed): refused, the token is not used; its gate times out by itself", approval.approvalId(),
                    approval.incidentId());
        }
        if (sealed == null || sealed.s() == null || sealer == null) {
            return approval;
        }
        try {
            return withToken(approval, sealer.open(sealed.s(), approval.incidentId(), approval.approvalId()));
        } catch (TokenSealer.Unopenable e) {
            LOG.error("Approval {} of incident {}: its sealed task token does not open ({}); the token is not used",
                    approval.approvalId(), approval.incidentId(), e.getMessage());
            return approval;
        }
    }

    private static Approval withToken(Approval a, String token) {
        return a.withTaskToken(token);
    }
}
