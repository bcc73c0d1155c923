package io.portcullis.aws;

import io.portcullis.safeguard.BreakerSlots;
import io.portcullis.safeguard.HeartbeatStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The safeguards table (template.yaml {@code SafeguardsTable}, key {@code pk} + {@code sk}): the silent-feed
 * heartbeat and the blast-radius breaker. Items:
 *
 * <pre>
 * pk = "feed",              sk = account      lastSeen, watchedSince, alertedFor (epoch milliseconds)
 * pk = "breaker|" account,  sk = "slot|" n    until (epoch ms), incidentId    one automatic remediation's slot
 * pk = "breaker|" account,  sk = "tripped"    until (epoch ms), incidentId    the breaker opened (paged)
 * </pre>
 *
 * <p>Every write that decides something is conditional, so concurrent detectors and overlapping checks agree: a slot
 * is handed to one remediation, a silence is paged once, a heartbeat never moves back in time.
 */
public final class DynamoDbSafeguards implements HeartbeatStore, BreakerSlots {

    static final String FEED = "feed";

    private final Supplier<DynamoDbClient> dynamoDb;
    private final String table;

    public DynamoDbSafeguards(Supplier<DynamoDbClient> dynamoDb, String table) {
        this.dynamoDb = new Lazy<>(dynamoDb);
        this.table = table;
    }

    @Override
    public void seen(String account, Instant at) {
        try {
            dynamoDb.get().updateItem(r -> r.tableName(table).key(key(FEED, account))
                    .updateExpression("SET lastSeen = :t")
                    .conditionExpression("attribute_not_exists(lastSeen) OR lastSeen < :t")
                    .expressionAttributeValues(Map.of(":t", millis(at))));
        } catch (ConditionalCheckFailedException e) {
            // Another container recorded a later event.
        }
    }

    @Override
    public List<Feed> feeds() {
        return dynamoDb.get().queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :feed")
                        .expressionAttributeValues(Map.of(":feed", AttributeValue.fromS(FEED))))
                .items().stream()
                .map(i -> new Feed(i.get("sk").s(), instant(i.get("lastSeen")), instant(i.get("watchedSince")),
                        instant(i.get("alertedFor"))))
                .toList();
    }

    @Override
    public void watch(String account, Instant at) {
        dynamoDb.get().updateItem(r -> r.tableName(table).key(key(FEED, account))
                .updateExpression("SET watchedSince = if_not_exists(watchedSince, :t)")
                .expressionAttributeValues(Map.of(":t", millis(at))));
    }

    @Override
    public boolean markSilent(String account, Instant lastSeen) {
        try {
            dynamoDb.get().updateItem(r -> r.tableName(table).key(key(FEED, account))
                    .updateExpression("SET alertedFor = :s")
                    .conditionExpression("attribute_not_exists(alertedFor) OR alertedFor <> :s")
                    .expressionAttributeValues(Map.of(":s", millis(lastSeen))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean markResumed(String account, Instant alertedFor) {
        try {
            dynamoDb.get().updateItem(r -> r.tableName(table).key(key(FEED, account))
                    .updateExpression("REMOVE alertedFor")
                    .conditionExpression("alertedFor = :a")
                    .expressionAttributeValues(Map.of(":a", millis(alertedFor))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean claim(String account, int slot, String incidentId, Instant now, Instant until) {
        return putIfFree(breaker(account), "slot|" + slot, incidentId, now, until);
    }

    @Override
    public void release(String account, int slot, String incidentId) {
        try {
            dynamoDb.get().deleteItem(r -> r.tableName(table).key(key(breaker(account), "slot|" + slot))
                    .conditionExpression("incidentId = :id")
                    .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(incidentId))));
        } catch (ConditionalCheckFailedException e) {
            // Someone else holds it now.
        }
    }

    @Override
    public boolean trip(String account, Instant now, Instant until) {
        return putIfFree(breaker(account), "tripped", null, now, until);
    }

    /**
     * Writes the item if it does not exist, its {@code until} has passed by {@code now}, or (a slot) {@code incidentId}
     * already holds it.
     */
    private boolean putIfFree(String pk, String sk, String incidentId, Instant now, Instant until) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk, sk));
        item.put("until", millis(until));
        if (incidentId != null) {
            item.put("incidentId", AttributeValue.fromS(incidentId));
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":now", millis(now)));
        String condition = "attribute_not_exists(pk) OR #until <= :now";
        if (incidentId != null) {
            // The holder asking again keeps its slot (the detector admitted it; the worker asks before the change).
            condition += " OR incidentId = :id";
            values.put(":id", AttributeValue.fromS(incidentId));
        }
        String conditionExpression = condition;
        try {
            dynamoDb.get().putItem(r -> r.tableName(table).item(item)
                    .conditionExpression(conditionExpression)
                    .expressionAttributeNames(Map.of("#until", "until"))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static String breaker(String account) {
        return "breaker|" + account;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    private static AttributeValue millis(Instant at) {
        return AttributeValue.fromN(Long.toString(at.toEpochMilli()));
    }

    private static Instant instant(AttributeValue value) {
        return value == null || value.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }
}
