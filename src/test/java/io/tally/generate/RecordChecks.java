package io.tally.generate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.event.Stream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** An independent reading of CONTRACT section 2: what is wrong with one JSON line of an input stream. */
final class RecordChecks {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Set<String> CONTENT_TYPES = Set.of("VIDEO", "LIVE");

    private RecordChecks() {}

    /** Empty when the line is a valid record of the stream. */
    static List<String> problems(Stream stream, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            return List.of("malformed JSON");
        }
        List<String> p = new ArrayList<>();
        if (node == null || !node.isObject()) return List.of("not an object");
        integer(node, "ts", p);
        switch (stream) {
            case VIEWS:
                ids(node, p, "eventId", "userId", "creatorId", "contentId");
                oneOf(node, "contentType", CONTENT_TYPES, p);
                format(node, p);
                if (node.has("productIds")) {
                    if (!node.get("productIds").isArray()) p.add("productIds not an array");
                    else node.get("productIds").forEach(id -> { if (!validId(id)) p.add("bad productId"); });
                }
                break;
            case ENGAGEMENTS:
                ids(node, p, "eventId", "userId", "creatorId", "contentId");
                oneOf(node, "contentType", CONTENT_TYPES, p);
                oneOf(node, "kind", Set.of("LIKE", "COMMENT", "SHARE"), p);
                format(node, p);
                break;
            case CLICKS:
                ids(node, p, "eventId", "userId", "creatorId", "contentId", "productId", "merchantId");
                oneOf(node, "contentType", CONTENT_TYPES, p);
                format(node, p);
                break;
            case ORDERS:
                ids(node, p, "orderId", "userId", "merchantId");
                orderLines(node, p);
                break;
            case ORDER_UPDATES:
                ids(node, p, "eventId", "orderId", "lineId");
                oneOf(node, "kind", Set.of("CANCEL", "REFUND"), p);
                if (node.has("amount")) {
                    if (!"REFUND".equals(node.path("kind").asText())) p.add("amount on a cancel");
                    if (!money(node.get("amount")) || node.get("amount").decimalValue().signum() <= 0) {
                        p.add("amount not > 0");
                    }
                }
                break;
            case COMMISSION_RULES:
                ids(node, p, "ruleId", "merchantId");
                boolean deleted = node.path("deleted").asBoolean(false);
                if (!deleted && !node.has("rate")) p.add("rate missing");
                rate(node, "rate", p);
                rate(node, "bonusRate", p);
                if (node.has("validUntil")) integer(node, "validUntil", p);
                break;
            case PRODUCTS:
                ids(node, p, "productId", "merchantId");
                if (!money(node.get("price")) || !money(node.get("unitCost"))) p.add("price or unitCost not money");
                else if (node.get("unitCost").decimalValue().compareTo(node.get("price").decimalValue()) >= 0) {
                    p.add("unitCost not below price");
                }
                if (!node.path("stock").canConvertToLong() || node.get("stock").asLong() < 0) p.add("bad stock");
                break;
            case CREATORS:
                ids(node, p, "creatorId");
                if (!node.path("followers").isIntegralNumber() || node.get("followers").asLong() < 0) {
                    p.add("bad followers");
                }
                break;
            case SPEND:
                ids(node, p, "eventId", "merchantId", "creatorId");
                oneOf(node, "kind", Set.of("FLAT_FEE", "SAMPLE", "ADS"), p);
                if (!money(node.get("amount")) || node.get("amount").decimalValue().signum() < 0) p.add("bad amount");
                break;
            case ALERT_RULES:
                ids(node, p, "ruleId");
                break;
            default:
                p.add("not an input stream");
        }
        return p;
    }

    private static void orderLines(JsonNode node, List<String> p) {
        JsonNode lines = node.get("lines");
        if (lines == null || !lines.isArray() || lines.size() < 1 || lines.size() > 1000) {
            p.add("lines not 1..1000");
            return;
        }
        for (JsonNode line : lines) {
            ids(line, p, "lineId", "productId");
            if (!line.path("quantity").isIntegralNumber() || line.get("quantity").asLong() < 1) p.add("bad quantity");
            if (!money(line.get("unitPrice")) || line.get("unitPrice").decimalValue().signum() < 0) {
                p.add("bad unitPrice");
                continue;
            }
            if (line.has("discount")) {
                if (!money(line.get("discount")) || line.get("discount").decimalValue().signum() < 0
                        || line.get("discount").decimalValue().compareTo(line.get("unitPrice").decimalValue()
                        .multiply(line.get("quantity").decimalValue())) > 0) {
                    p.add("bad discount");
                }
            }
        }
    }

    private static void integer(JsonNode node, String field, List<String> p) {
        if (!node.path(field).isIntegralNumber()) p.add(field + " not an integer");
    }

    private static void ids(JsonNode node, List<String> p, String... fields) {
        for (String f : fields) {
            if (!validId(node.get(f))) p.add(f + " missing or not an id");
        }
    }

    private static boolean validId(JsonNode id) {
        return id != null && id.isTextual() && !id.asText().isEmpty() && id.asText().length() <= 128;
    }

    private static void oneOf(JsonNode node, String field, Set<String> allowed, List<String> p) {
        if (!node.path(field).isTextual() || !allowed.contains(node.get(field).asText())) p.add(field + " not allowed");
    }

    private static void format(JsonNode node, List<String> p) {
        if (node.has("contentFormat") && !node.get("contentFormat").asText().matches("[A-Z]+")) {
            p.add("contentFormat not an upper-case word");
        }
    }

    private static boolean money(JsonNode n) {
        return n != null && n.isNumber() && n.decimalValue().scale() <= 2;
    }

    private static void rate(JsonNode node, String field, List<String> p) {
        if (!node.has(field)) return;
        JsonNode r = node.get(field);
        if (!r.isNumber() || r.decimalValue().signum() < 0 || r.decimalValue().compareTo(java.math.BigDecimal.ONE) > 0) {
            p.add(field + " not in [0, 1]");
        }
    }
}
