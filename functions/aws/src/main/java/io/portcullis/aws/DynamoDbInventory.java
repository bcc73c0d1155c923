package io.portcullis.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The inventory in its DynamoDB table (template.yaml {@code InventoryTable}, key {@code pk} + {@code sk},
 * {@code PORTCULLIS_INVENTORY_TABLE}). Two kinds of item:
 *
 * <pre>
 * pk = "newest|" type "|" account "|" region,  sk = ARN     the newest version: type, id, arn, account, region,
 *                                                         since (epoch ms), configuration (JSON text), kept (the
 *                                                         since of every kept version, oldest first)
 * pk = ARN,  sk = "since|" 15-digit epoch ms               one kept version: since, configuration
 * </pre>
 *
 * <p>{@link #before} is one query on the resource's versions ({@code sk <} the instant, newest first, one item);
 * {@link #newest} one query per type, account and region. {@link #record} reads the newest version and, when the
 * configuration differs and was read later, writes in one transaction the new newest item (on condition that the
 * newest is still the one read), the new version, and the deletion of versions beyond
 * {@link LastKnownConfigurations#VERSIONS_KEPT}. Two sweeps recording at once cannot lose a version: the one whose
 * condition fails reads again and writes on top of the other's. Reads are strongly consistent: a playbook step right
 * after a sweep sees what it wrote.
 */
public final class DynamoDbInventory implements LastKnownConfigurations {

    /** How often a record is tried when other sweeps keep writing the same resource in between. */
    private static final int ATTEMPTS = 5;

    private final Supplier<DynamoDbClient> dynamoDb;
    private final String table;

    public DynamoDbInventory(Supplier<DynamoDbClient> dynamoDb, String table) {
        this.dynamoDb = new Lazy<>(dynamoDb);
        this.table = table;
    }

    @Override
    public Optional<KnownConfiguration> before(ResourceRef resource, Instant instant) {
        return dynamoDb.get().query(r -> r.tableName(table).consistentRead(true).scanIndexForward(false).limit(1)
                        .keyConditionExpression("pk = :arn AND sk < :before")
                        .expressionAttributeValues(Map.of(":arn", AttributeValue.fromS(resource.arn()),
                                ":before", AttributeValue.fromS(versionKey(ceilMillis(instant))))))
                .items().stream().findFirst().map(i -> known(resource, i));
    }

    @Override
    public List<KnownConfiguration> versions(ResourceRef resource) {
        return dynamoDb.get().queryPaginator(r -> r.tableName(table).consistentRead(true).scanIndexForward(false)
                        .keyConditionExpression("pk = :arn AND begins_with(sk, :version)")
                        .expressionAttributeValues(Map.of(":arn", AttributeValue.fromS(resource.arn()),
                                ":version", AttributeValue.fromS(VERSION))))
                .items().stream().map(i -> known(resource, i)).toList();
    }

    @Override
    public List<KnownConfiguration> newest(String type, String account, String region) {
        return dynamoDb.get().queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :scope")
                        .expressionAttributeValues(Map.of(":scope", AttributeValue.fromS(scope(type, account, region)))))
                .items().stream().map(i -> known(new ResourceRef(s(i, "type"), s(i, "id"), s(i, "arn"),
                        s(i, "account"), s(i, "region")), i)).toList();
    }

    @Override
    public boolean record(ResourceRef resource, JsonNode configuration, Instant seenAt) {
        long since = ceilMillis(seenAt);
        String text = text(configuration);
        Map<String, AttributeValue> headKey = Map.of("pk", AttributeValue.fromS(scope(resource)),
                "sk", AttributeValue.fromS(resource.arn()));
        TransactionCanceledException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<String, AttributeValue> head = dynamoDb.get().getItem(r -> r.tableName(table).key(headKey)
                    .consistentRead(true)).item();
            boolean exists = head != null && !head.isEmpty();
            if (exists) {
                long newest = Long.parseLong(head.get("since").n());
                boolean same = parse(head.get("configuration").s()).equals(configuration);
                if (same || since <= newest) {
                    // Ours already, when an attempt whose answer was lost wrote it (the SDK retried the transaction).
                    return same && since == newest && last != null;
                }
            }
            List<Long> kept = new ArrayList<>();
            if (exists) {
                head.get("kept").l().forEach(v -> kept.add(Long.parseLong(v.n())));
            }
            kept.add(since);
            List<Long> forgotten = new ArrayList<>(kept.subList(0, Math.max(0, kept.size() - VERSIONS_KEPT)));
            kept.removeAll(forgotten);

            Map<String, AttributeValue> newHead = new HashMap<>(headKey);
            newHead.put("type", AttributeValue.fromS(resource.type()));
            newHead.put("id", AttributeValue.fromS(resource.id()));
            newHead.put("arn", AttributeValue.fromS(resource.arn()));
            newHead.put("account", AttributeValue.fromS(resource.account()));
            newHead.put("region", AttributeValue.fromS(resource.region()));
            newHead.put("since", number(since));
            newHead.put("configuration", AttributeValue.fromS(text));
            newHead.put("kept", AttributeValue.fromL(kept.stream().map(DynamoDbInventory::number).toList()));
            List<TransactWriteItem> writes = new ArrayList<>();
            writes.add(exists
                    ? TransactWriteItem.builder().put(p -> p.tableName(table).item(newHead)
                            .conditionExpression("since = :read")
                            .expressionAttributeValues(Map.of(":read", head.get("since")))).build()
                    : TransactWriteItem.builder().put(p -> p.tableName(table).item(newHead)
                            .conditionExpression("attribute_not_exists(pk)")).build());
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of(
                    "pk", AttributeValue.fromS(resource.arn()), "sk", AttributeValue.fromS(versionKey(since)),
                    "since", number(since), "configuration", AttributeValue.fromS(text)))).build());
            for (long old : forgotten) {
                writes.add(TransactWriteItem.builder().delete(d -> d.tableName(table).key(Map.of(
                        "pk", AttributeValue.fromS(resource.arn()), "sk", AttributeValue.fromS(versionKey(old)))))
                        .build());
            }
            try {
                dynamoDb.get().transactWriteItems(r -> r.transactItems(writes));
                return true;
            } catch (TransactionCanceledException e) {
                // Another sweep wrote this resource since we read it (or our own lost attempt did): read again.
                last = e;
            }
        }
        throw new IllegalStateException("could not record " + resource.arn() + " after " + ATTEMPTS
                + " attempts: other sweeps kept writing it", last);
    }

    static final String NEWEST = "newest|";
    static final String VERSION = "since|";

    static String scope(String type, String account, String region) {
        return NEWEST + type + "|" + account + "|" + region;
    }

    private static String scope(ResourceRef resource) {
        return scope(resource.type(), resource.account(), resource.region());
    }

    /** Sorts as the time does: 15 digits reach the year 33658. */
    static String versionKey(long since) {
        return VERSION + String.format("%015d", since);
    }

    /** Versions are dated to the millisecond, rounded up: never before the read that saw them. */
    static long ceilMillis(Instant instant) {
        long millis = instant.toEpochMilli();
        return instant.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }

    private static KnownConfiguration known(ResourceRef resource, Map<String, AttributeValue> item) {
        return new KnownConfiguration(resource, parse(item.get("configuration").s()),
                Instant.ofEpochMilli(Long.parseLong(item.get("since").n())));
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        return item.get(name).s();
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String text(JsonNode configuration) {
        try {
            return Json.mapper().writeValueAsString(configuration);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the configuration as JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an inventory item holds a configuration that is not JSON: "
                    + e.getOriginalMessage(), e);
        }
    }
}
