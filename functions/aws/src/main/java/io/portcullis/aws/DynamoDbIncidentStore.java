package io.portcullis.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.incident.IncidentStore;
import io.portcullis.incident.IsoWeek;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Incidents in the DynamoDB table {@code PORTCULLIS_INCIDENTS_TABLE}, keyed on {@code incidentId}. Creation is
 * conditional on the id being new (so a redelivered CloudTrail event makes no second incident) and, in the same
 * transaction, on nobody holding the problem: an open incident owns a claim item {@code open|<problem key>} until
 * it reaches a final status, when the write that finishes it deletes the claim. Every later write is conditional
 * on the version read (optimistic locking).
 *
 * <p>Access patterns without scans, through the table's global secondary indexes (template.yaml): {@code byWeek}
 * (UTC ISO week, detectedAt) for reports, {@code byStatus} (status, detectedAt) for what is unfinished,
 * {@code byResource} (resource ARN, detectedAt) for a resource's history. Claim items carry none of those keys, so
 * they stay out of the indexes.
 *
 * <p>A repeat attached to an open incident claims its event id with an item {@code seen|<event id>} (the incident it
 * went to, and {@code claimExpiresAt}, the table's time-to-live attribute, {@link #REPEATS_REMEMBERED} on), written
 * in one transaction with the incident's optimistic-locked update.
 */
public final class DynamoDbIncidentStore implements IncidentStore {

    public static final String BY_WEEK = "byWeek";
    public static final String BY_STATUS = "byStatus";
    public static final String BY_RESOURCE = "byResource";
    /** The key prefix of claim items. */
    public static final String CLAIM_PREFIX = "open|";
    /** The key prefix of a repeat's event id claim. */
    public static final String SEEN_PREFIX = "seen|";
    /**
     * The table's time-to-live attribute (template.yaml): epoch seconds. Only repeat claims carry it; an incident or a
     * problem's claim never expires.
     */
    public static final String EXPIRES_AT = "claimExpiresAt";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DynamoDbDocuments<Incident> documents;

    public DynamoDbIncidentStore(DynamoDbClient dynamoDb, String table, ObjectMapper json) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.documents = new DynamoDbDocuments<>(dynamoDb, table, "incidentId", Incident.class, json);
    }

    @Override
    public Creation create(Incident incident) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(item(incident))
                .conditionExpression("attribute_not_exists(incidentId)")).build());
        boolean claims = !incident.status().isFinal();
        if (claims) {
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of(
                            "incidentId", AttributeValue.fromS(CLAIM_PREFIX + incident.problemKey()),
                            "holder", AttributeValue.fromS(incident.incidentId()),
                            "claimedAt", AttributeValue.fromS(incident.detectedAt().toString())))
                    .conditionExpression("attribute_not_exists(incidentId)")).build());
        }
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(writes));
            return Creation.NEW;
        } catch (TransactionCanceledException e) {
            Optional<Incident> stored = find(incident.incidentId());
            if (stored.isPresent()) {
                // Our own first attempt, whose answer was lost: the SDK's retry found the incident it had written.
                return sameContent(stored.get(), incident) ? Creation.NEW : Creation.DUPLICATE;
            }
            String holder = claims ? holder(incident.problemKey()) : null;
            if (holder == null) {
                // The claim's holder finished between the two reads: let the event be retried.
                throw new IllegalStateException("incident " + incident.incidentId() + " was not recorded: "
                        + e.getMessage(), e);
            }
            return Creation.heldBy(holder);
        }
    }

    private String holder(String problemKey) {
        var item = dynamoDb.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("incidentId", AttributeValue.fromS(CLAIM_PREFIX + problemKey)))).item();
        return item == null || !item.containsKey("holder") ? null : item.get("holder").s();
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
        Map<String, AttributeValue> expected = Map.of(":expected", AttributeValue.fromN(Long.toString(expectedVersion)));
        if (!updated.status().isFinal()) {
            try {
                dynamoDb.putItem(r -> r.tableName(table).item(item(updated)).conditionExpression("version = :expected")
                        .expressionAttributeValues(expected));
                return true;
            } catch (ConditionalCheckFailedException e) {
                return landed(updated);
            }
        }
        // Finishing gives the problem up in the same write (a claim held by another incident is left alone).
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(item(updated))
                            .conditionExpression("version = :expected").expressionAttributeValues(expected)).build(),
                    TransactWriteItem.builder().delete(d -> d.tableName(table)
                            .key(Map.of("incidentId", AttributeValue.fromS(CLAIM_PREFIX + updated.problemKey())))
                            .conditionExpression("attribute_not_exists(incidentId) OR holder = :me")
                            .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(updated.incidentId())))).build()));
            return true;
        } catch (TransactionCanceledException e) {
            Optional<Incident> current = find(updated.incidentId());
            if (current.isPresent() && current.get().version() != expectedVersion) {
                return sameContent(current.get(), updated);
            }
            // The claim belongs to another incident: finish this one without touching it.
            try {
                dynamoDb.putItem(r -> r.tableName(table).item(item(updated)).conditionExpression("version = :expected")
                        .expressionAttributeValues(expected));
                return true;
            } catch (ConditionalCheckFailedException again) {
                return landed(updated);
            }
        }
    }

    /**
     * Whether a write whose condition failed had in fact been made, by this very call: when an attempt's answer is
     * lost (a reset, a timeout) the SDK tries again, and the retry's condition fails against the item the first
     * attempt wrote. Telling that apart from another writer's change keeps the caller from applying its change twice.
     */
    private boolean landed(Incident written) {
        return find(written.incidentId()).map(stored -> sameContent(stored, written)).orElse(false);
    }

    /**
     * Compared as DynamoDB items, not JSON trees: a fix's free-form undo record comes back from DynamoDB with its
     * numbers as big integers where the written one had ints, which a tree comparison would call different.
     */
    private boolean sameContent(Incident stored, Incident written) {
        return item(stored).equals(item(written));
    }

    @Override
    public Attachment attach(Incident updated, long expectedVersion, String eventId, Instant at) {
        if (updated.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("incident " + updated.incidentId() + " version " + updated.version()
                    + " does not follow " + expectedVersion);
        }
        if (updated.status().isFinal()) {
            throw new IllegalArgumentException("event " + eventId + " cannot be attached to incident "
                    + updated.incidentId() + ": it is " + updated.status());
        }
        // Tells this call's own write apart from another delivery's when the answer is lost and the SDK retries.
        String attempt = UUID.randomUUID().toString();
        Map<String, AttributeValue> claim = Map.of(
                "incidentId", AttributeValue.fromS(SEEN_PREFIX + eventId),
                "attachedTo", AttributeValue.fromS(updated.incidentId()),
                "attachedAt", AttributeValue.fromS(at.toString()),
                "attempt", AttributeValue.fromS(attempt),
                EXPIRES_AT, AttributeValue.fromN(Long.toString(at.plus(REPEATS_REMEMBERED).getEpochSecond())));
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(item(updated))
                            .conditionExpression("version = :expected").expressionAttributeValues(Map.of(":expected",
                                    AttributeValue.fromN(Long.toString(expectedVersion))))).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(claim)
                            .conditionExpression("attribute_not_exists(incidentId)")).build()));
            return Attachment.ATTACHED;
        } catch (TransactionCanceledException e) {
            Map<String, AttributeValue> taken = seen(eventId);
            if (taken == null) {
                return Attachment.STALE;
            }
            return taken.containsKey("attempt") && attempt.equals(taken.get("attempt").s()) ? Attachment.ATTACHED
                    : Attachment.ALREADY_ATTACHED;
        }
    }

    @Override
    public Optional<String> attachedTo(String eventId) {
        Map<String, AttributeValue> claim = seen(eventId);
        return claim == null || !claim.containsKey("attachedTo") ? Optional.empty()
                : Optional.of(claim.get("attachedTo").s());
    }

    private Map<String, AttributeValue> seen(String eventId) {
        var response = dynamoDb.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("incidentId", AttributeValue.fromS(SEEN_PREFIX + eventId))));
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    @Override
    public List<Incident> detectedBetween(Instant from, Instant to) {
        List<Incident> out = new ArrayList<>();
        String last = IsoWeek.of(to.minusNanos(1));
        for (Instant day = from; ; day = day.plus(7, ChronoUnit.DAYS)) {
            String week = IsoWeek.of(day);
            query(BY_WEEK, "week", week).stream()
                    .filter(i -> !i.detectedAt().isBefore(from) && i.detectedAt().isBefore(to)).forEach(out::add);
            if (week.equals(last) || day.isAfter(to)) {
                break;
            }
        }
        out.sort(Comparator.comparing(Incident::detectedAt));
        return out;
    }

    @Override
    public List<Incident> unfinished() {
        List<Incident> out = new ArrayList<>();
        for (IncidentStatus status : IncidentStatus.values()) {
            if (!status.isFinal()) {
                out.addAll(query(BY_STATUS, "status", status.name()));
            }
        }
        out.sort(Comparator.comparing(Incident::detectedAt));
        return out;
    }

    @Override
    public List<Incident> forResource(String resourceKey) {
        List<Incident> out = new ArrayList<>(query(BY_RESOURCE, "resourceKey", resourceKey));
        out.sort(Comparator.comparing(Incident::detectedAt).reversed());
        return out;
    }

    private List<Incident> query(String index, String key, String value) {
        return dynamoDb.queryPaginator(r -> r.tableName(table).indexName(index)
                        .keyConditionExpression("#k = :v")
                        .expressionAttributeNames(Map.of("#k", key))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value))))
                .items().stream().map(documents::fromItem).toList();
    }

    private Map<String, AttributeValue> item(Incident incident) {
        return documents.item(incident);
    }
}
