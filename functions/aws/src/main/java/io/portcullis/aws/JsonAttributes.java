package io.portcullis.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Converts between a JSON tree and a DynamoDB item, one to one (object ↔ M, array ↔ L, string ↔ S, number ↔ N,
 * boolean ↔ BOOL, null ↔ NULL), so an incident is stored as real, queryable attributes rather than a JSON blob.
 */
final class JsonAttributes {

    private JsonAttributes() {
    }

    static Map<String, AttributeValue> toItem(ObjectNode object) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        object.properties().forEach(e -> item.put(e.getKey(), toAttribute(e.getValue())));
        return item;
    }

    static AttributeValue toAttribute(JsonNode node) {
        if (node.isObject()) {
            return AttributeValue.fromM(toItem((ObjectNode) node));
        }
        if (node.isArray()) {
            List<AttributeValue> list = new ArrayList<>();
            node.forEach(n -> list.add(toAttribute(n)));
            return AttributeValue.fromL(list);
        }
        if (node.isNumber()) {
            return AttributeValue.fromN(node.asText());
        }
        if (node.isBoolean()) {
            return AttributeValue.fromBool(node.booleanValue());
        }
        if (node.isNull() || node.isMissingNode()) {
            return AttributeValue.fromNul(true);
        }
        return AttributeValue.fromS(node.asText());
    }

    static ObjectNode toObject(Map<String, AttributeValue> item) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        item.forEach((k, v) -> object.set(k, toJson(v)));
        return object;
    }

    static JsonNode toJson(AttributeValue value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (value.type()) {
            case M -> toObject(value.m());
            case L -> {
                ArrayNode array = f.arrayNode();
                value.l().forEach(v -> array.add(toJson(v)));
                yield array;
            }
            case N -> value.n().contains(".") || value.n().contains("e") || value.n().contains("E")
                    ? f.numberNode(new java.math.BigDecimal(value.n())) : f.numberNode(new java.math.BigInteger(value.n()));
            case BOOL -> f.booleanNode(value.bool());
            case NUL -> f.nullNode();
            case S -> f.textNode(value.s());
            default -> throw new IllegalArgumentException("attribute type " + value.type() + " is not used by incidents");
        };
    }
}
