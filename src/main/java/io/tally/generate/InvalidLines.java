package io.tally.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.event.Stream;
import io.tally.io.Json;

/**
 * Turns a well-formed record into a line that must end in the dead-letter stream: malformed JSON, a required field
 * left out, or a value out of its domain (CONTRACT sections 1 and 6). For demos and tests of the dead-letter path.
 */
final class InvalidLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kind of damage, in the order of the dead-letter reasons it should produce. */
    enum Damage { MALFORMED_JSON, MISSING_FIELD, INVALID_VALUE }

    private InvalidLines() {}

    static String damage(Stream stream, Object record, Damage damage, Draw draw) {
        String json = Json.write(record);
        return switch (damage) {
            // A line cut short, as by a crashed producer, or one written with single quotes.
            case MALFORMED_JSON -> draw.chance(0.5) ? json.substring(0, json.length() / 2) : json.replace('"', '\'');
            case MISSING_FIELD -> {
                ObjectNode node = parse(json);
                String[] required = requiredFields(stream);
                node.remove(required[draw.index(required.length)]);
                yield node.toString();
            }
            case INVALID_VALUE -> {
                ObjectNode node = parse(json);
                outOfDomain(stream, node);
                yield node.toString();
            }
        };
    }

    private static String[] requiredFields(Stream stream) {
        return switch (stream) {
            case VIEWS -> new String[] {"eventId", "ts", "userId", "creatorId", "contentId", "contentType"};
            case ENGAGEMENTS -> new String[] {"eventId", "ts", "userId", "contentId", "kind"};
            case CLICKS -> new String[] {"eventId", "ts", "userId", "productId", "merchantId"};
            case ORDERS -> new String[] {"orderId", "ts", "userId", "merchantId", "lines"};
            case ORDER_UPDATES -> new String[] {"eventId", "ts", "orderId", "lineId", "kind"};
            case SPEND -> new String[] {"eventId", "ts", "merchantId", "creatorId", "amount", "kind"};
            case REVIEWS -> new String[] {"eventId", "ts", "userId", "productId", "merchantId", "rating"};
            case COMMISSION_RULES, PRODUCTS, CREATORS, ALERT_RULES, ATTRIBUTIONS, ATTRIBUTIONS_SHADOW, KPIS, ALERTS,
                    DEAD_LETTERS -> throw new IllegalArgumentException("no invalid lines for " + stream);
        };
    }

    private static void outOfDomain(Stream stream, ObjectNode node) {
        switch (stream) {
            case VIEWS -> node.put("contentType", "PODCAST");
            case ENGAGEMENTS -> node.put("kind", "LOVE");
            case CLICKS -> node.put("ts", "yesterday");
            case ORDERS -> {
                JsonNode lines = node.get("lines");
                ((ObjectNode) lines.get(0)).put("quantity", 0);
            }
            case ORDER_UPDATES -> node.put("kind", "RETURN");
            case SPEND -> node.put("amount", -10);
            case REVIEWS -> node.put("rating", 6);
            case COMMISSION_RULES, PRODUCTS, CREATORS, ALERT_RULES, ATTRIBUTIONS, ATTRIBUTIONS_SHADOW, KPIS, ALERTS,
                    DEAD_LETTERS -> throw new IllegalArgumentException("no invalid lines for " + stream);
        }
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Json wrote unreadable JSON: " + json, e);
        }
    }
}
