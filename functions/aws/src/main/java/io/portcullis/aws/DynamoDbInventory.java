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
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The inventory in its DynamoDB table (template.yaml {@code InventoryTable}, key {@code pk} + {@code sk},
 * {@code PORTCULLIS_INVENTORY_TABLE}). Two kinds of item:
 *
 * <pre>
 * pk = "newest|" type "|" account "|" region,  sk = ARN    the newest version: type, id, arn, account, region,
 *                                                        since (epoch ms), configuration (JSON text), kept (the
 *                                                        since of each older version kept, oldest first)
 * pk = ARN,  sk = "since|" 15-digit epoch ms              an older version: since, configuration
 * </pre>
 *
 * <p>The newest version lives in its own item, under its type, account and region, so {@link #newest} is one query
 * per type, account and region, and recording a resource never seen before (most of a first sweep) is one
 * conditional write. A change copies the newest version to an older-version item (the same copy whoever writes it),
 * then replaces the newest on condition that it is still the one read, then deletes the versions beyond
 * {@link LastKnownConfigurations#VERSIONS_KEPT}. Two sweeps recording at once cannot lose a version: the one whose
 * condition fails reads again and records on top of the other's, or finds its reading the older and records nothing.
 * A crash between the writes leaves at most a copy of the newest version, which the next change would write anyway.
 * No transaction: it would cost twice the writes (and the emulator copies every table for each one, which made a
 * first sweep of a few hundred resources take 40 s).
 *
 * <p>{@link #before} reads the newest version and, when that one is not older than the instant, queries the older
 * ones ({@code sk <} the instant, newest first, one item). Reads are strongly consistent: a playbook step right after
 * a sweep sees what the sweep wrote.
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
        long bound = ceilMillis(instant);
        Map<String, AttributeValue> head = head(resource);
        if (head == null) {
            return Optional.empty();
        }
        if (since(head) < bound) {
            return Optional.of(known(resource, head));
        }
        return dynamoDb.get().query(r -> r.tableName(table).consistentRead(true).scanIndexForward(false).limit(1)
                        .keyConditionExpression("pk = :arn AND sk BETWEEN :first AND :before")
                        .expressionAttributeValues(Map.of(":arn", AttributeValue.fromS(resource.arn()),
                                ":first", AttributeValue.fromS(versionKey(0)),
                                ":before", AttributeValue.fromS(versionKey(bound - 1)))))
                .items().stream().findFirst().map(i -> known(resource, i));
    }

    @Override
    public List<KnownConfiguration> versions(ResourceRef resource) {
        Map<String, AttributeValue> head = head(resource);
        if (head == null) {
            return List.of();
        }
        List<KnownConfiguration> out = new ArrayList<>();
        out.add(known(resource, head));
        long newest = since(head);
        dynamoDb.get().query(r -> r.tableName(table).consistentRead(true).scanIndexForward(false)
                        .limit(VERSIONS_KEPT - 1).keyConditionExpression("pk = :arn AND sk BETWEEN :first AND :last")
                        .expressionAttributeValues(Map.of(":arn", AttributeValue.fromS(resource.arn()),
                                ":first", AttributeValue.fromS(versionKey(0)),
                                ":last", AttributeValue.fromS(versionKey(newest - 1)))))
                .items().forEach(i -> out.add(known(resource, i)));
        return out;
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
        if (putNewest(resource, since, text, List.of(), null)) {
            return true;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<String, AttributeValue> head = head(resource);
            if (head == null) {
                if (putNewest(resource, since, text, List.of(), null)) {
                    return true;
                }
                continue;
            }
            long newest = since(head);
            boolean same = parse(head.get("configuration").s()).equals(configuration);
            if (same || since <= newest) {
                // Exactly ours: our first write landed and its answer was lost (the SDK tried again).
                return same && since == newest;
            }
            List<Long> kept = new ArrayList<>();
            head.get("kept").l().forEach(v -> kept.add(Long.parseLong(v.n())));
            kept.add(newest);
            List<Long> forgotten = new ArrayList<>(kept.subList(0, Math.max(0, kept.size() - (VERSIONS_KEPT - 1))));
            kept.removeAll(forgotten);
            dynamoDb.get().putItem(r -> r.tableName(table).item(Map.of(
                    "pk", AttributeValue.fromS(resource.arn()), "sk", AttributeValue.fromS(versionKey(newest)),
                    "since", head.get("since"), "configuration", head.get("configuration"))));
            if (putNewest(resource, since, text, kept, head.get("since"))) {
                for (long old : forgotten) {
                    dynamoDb.get().deleteItem(r -> r.tableName(table).key(Map.of(
                            "pk", AttributeValue.fromS(resource.arn()), "sk", AttributeValue.fromS(versionKey(old)))));
                }
                return true;
            }
        }
        throw new IllegalStateException("could not record " + resource.arn() + " after " + ATTEMPTS
                + " attempts: other sweeps kept writing it");
    }

    /**
     * Writes the newest version, on condition that the newest is still the one read ({@code read} its since), or
     * that there is none ({@code read} null); false when the condition failed.
     */
    private boolean putNewest(ResourceRef resource, long since, String configuration, List<Long> kept,
                              AttributeValue read) {
        Map<String, AttributeValue> item = new HashMap<>(headKey(resource));
        item.put("type", AttributeValue.fromS(resource.type()));
        item.put("id", AttributeValue.fromS(resource.id()));
        item.put("arn", AttributeValue.fromS(resource.arn()));
        item.put("account", AttributeValue.fromS(resource.account()));
        item.put("region", AttributeValue.fromS(resource.region()));
        item.put("since", number(since));
        item.put("configuration", AttributeValue.fromS(configuration));
        item.put("kept", AttributeValue.fromL(kept.stream().map(DynamoDbInventory::number).toList()));
        try {
            dynamoDb.get().putItem(r -> {
                r.tableName(table).item(item);
                if (read == null) {
                    r.conditionExpression("attribute_not_exists(pk)");
                } else {
                    r.conditionExpression("since = :read").expressionAttributeValues(Map.of(":read", read));
                }
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private Map<String, AttributeValue> head(ResourceRef resource) {
        Map<String, AttributeValue> item = dynamoDb.get().getItem(r -> r.tableName(table).key(headKey(resource))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static Map<String, AttributeValue> headKey(ResourceRef resource) {
        return Map.of("pk", AttributeValue.fromS(scope(resource)), "sk", AttributeValue.fromS(resource.arn()));
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
        return new KnownConfiguration(resource, parse(item.get("configuration").s()), Instant.ofEpochMilli(since(item)));
    }

    private static long since(Map<String, AttributeValue> item) {
        return Long.parseLong(item.get("since").n());
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
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
