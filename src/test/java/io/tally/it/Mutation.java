package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.event.Stream;
import io.tally.io.DeadLetterReason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.tally.io.DeadLetterReason.FUTURE;
import static io.tally.io.DeadLetterReason.INVALID_VALUE;
import static io.tally.io.DeadLetterReason.MALFORMED_JSON;
import static io.tally.io.DeadLetterReason.MISSING_FIELD;

/**
 * A way a producer breaks a valid record, with the dead-letter reason CONTRACT sections 1 and 6 give the result.
 * Which fields are required, which are ids and of what JSON type each is come from the stream's JSON Schema in
 * {@code schemas/}, so a mutation follows the contract's table rather than a copy of it. No mutation puts a line
 * break into a record: a replay file holds one record per line.
 */
enum Mutation {
    /** A record cut short, as by a producer that crashed mid-write. */
    TRUNCATED(MALFORMED_JSON),
    /** Single quotes instead of double quotes, as a hand-written Python dict. */
    WRONG_QUOTES(MALFORMED_JSON),
    /** Two records on one line. */
    TWO_OBJECTS(MALFORMED_JSON),
    /** The record wrapped in an array. */
    NOT_AN_OBJECT(MALFORMED_JSON),
    /** A field given twice with different values: no single meaning. */
    DUPLICATE_FIELD(MALFORMED_JSON),
    /** An extra field nested 40 levels deep, beyond any record's shape. */
    DEEP_NESTING(MALFORMED_JSON),
    /** Random bytes, not UTF-8 text. */
    BINARY_JUNK(MALFORMED_JSON),
    /** A required field left out, at the top or in an order line. */
    MISSING(MISSING_FIELD),
    /** A required field set to JSON null. */
    NULL(MISSING_FIELD),
    /** A required field of another JSON type: a number for a string, a string for a number, and so on. */
    WRONG_TYPE(INVALID_VALUE),
    /** An id of 129 to 400 characters. */
    LONG_ID(INVALID_VALUE),
    /** {@code ts} beyond a long (20 to 60 digits). */
    NUMBER_BEYOND_LONG(INVALID_VALUE),
    /** {@code ts} a day or more ahead of the record's arrival. */
    FUTURE_TS(FUTURE);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Stream, JsonNode> SCHEMAS = new EnumMap<>(Stream.class);

    final DeadLetterReason reason;

    Mutation(DeadLetterReason reason) {
        this.reason = reason;
    }

    /**
     * The broken form of {@code json}, a valid record of {@code stream}.
     *
     * @param now the arrival time of the record at the earliest (FUTURE_TS stamps it at least a day later)
     */
    byte[] apply(Stream stream, String json, long now, SplittableRandom random) {
        ObjectNode record = parse(json);
        switch (this) {
            case TRUNCATED:
                return utf8(json.substring(0, 1 + random.nextInt(json.length() - 1)));
            case WRONG_QUOTES:
                return utf8(json.replace('"', '\''));
            case TWO_OBJECTS:
                return utf8(json + (random.nextBoolean() ? " " : "") + json);
            case NOT_AN_OBJECT:
                return utf8("[" + json + "]");
            case DUPLICATE_FIELD:
                return utf8(json.substring(0, json.length() - 1) + ",\"ts\":" + (record.get("ts").asLong() + 1) + "}");
            case DEEP_NESTING:
                return utf8(json.substring(0, json.length() - 1) + ",\"nested\":" + "[".repeat(40) + "]".repeat(40) + "}");
            case BINARY_JUNK:
                return junk(random);
            case MISSING:
                removeOrSet(stream, record, random, null);
                return utf8(record.toString());
            case NULL:
                removeOrSet(stream, record, random, JSON.nullNode());
                return utf8(record.toString());
            case WRONG_TYPE: {
                Field f = requiredField(stream, record, random);
                f.object().set(f.name(), otherType(f.type(), random));
                return utf8(record.toString());
            }
            case LONG_ID: {
                List<Field> ids = new ArrayList<>();
                for (Field f : requiredFields(stream, record)) if (f.isId()) ids.add(f);
                Field f = ids.get(random.nextInt(ids.size()));
                f.object().put(f.name(), "i".repeat(129 + random.nextInt(272)));
                return utf8(record.toString());
            }
            case NUMBER_BEYOND_LONG: {
                BigInteger beyond = BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE)
                        .multiply(BigInteger.TEN.pow(random.nextInt(42)));
                record.put("ts", beyond);
                return utf8(record.toString());
            }
            default:
                record.put("ts", now + 86_400_000L + random.nextLong(3_650 * 86_400_000L));
                return utf8(record.toString());
        }
    }

    /** A field of a record: its name in the object that holds it, and its schema ({@code $ref} resolved). */
    private record Field(ObjectNode object, String name, JsonNode type, boolean isId) {}

    private static void removeOrSet(Stream stream, ObjectNode record, SplittableRandom random, JsonNode value) {
        Field f = requiredField(stream, record, random);
        if (value == null) f.object().remove(f.name());
        else f.object().set(f.name(), value);
    }

    private static Field requiredField(Stream stream, ObjectNode record, SplittableRandom random) {
        List<Field> fields = requiredFields(stream, record);
        return fields.get(random.nextInt(fields.size()));
    }

    /** The required fields of the record and of the objects in its arrays (order lines), by the stream's schema. */
    private static List<Field> requiredFields(Stream stream, ObjectNode record) {
        JsonNode schema = schema(stream);
        List<Field> fields = new ArrayList<>();
        addRequired(schema, schema, record, fields);
        return fields;
    }

    private static void addRequired(JsonNode schema, JsonNode objectSchema, ObjectNode object, List<Field> fields) {
        for (JsonNode name : objectSchema.path("required")) {
            JsonNode property = objectSchema.path("properties").path(name.asText());
            JsonNode type = resolve(schema, property);
            fields.add(new Field(object, name.asText(), type, property.path("$ref").asText().equals("#/$defs/id")));
            JsonNode items = resolve(schema, type.path("items"));
            JsonNode value = object.get(name.asText());
            if (items.has("required") && value instanceof ArrayNode array && !array.isEmpty()) {
                addRequired(schema, items, (ObjectNode) array.get(0), fields);
            }
        }
    }

    /** A value of a JSON type the field's schema does not allow. */
    private static JsonNode otherType(JsonNode type, SplittableRandom random) {
        switch (type.path("type").asText("string")) {
            case "integer":
            case "number":
                return random.nextBoolean() ? JSON.getNodeFactory().textNode("12") : JSON.getNodeFactory().booleanNode(true);
            case "array":
                return JSON.getNodeFactory().textNode("p-1");
            default:
                return random.nextBoolean() ? JSON.getNodeFactory().numberNode(12)
                        : JSON.getNodeFactory().objectNode().put("id", "x");
        }
    }

    /** 1 to 200 random bytes, none a line break, the first not even the start of UTF-8 text (so never blank). */
    private static byte[] junk(SplittableRandom random) {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        for (int i = 0; i < bytes.length; i++) {
            int b;
            do {
                b = random.nextInt(256);
            } while (b == '\n' || b == '\r');
            bytes[i] = (byte) b;
        }
        bytes[0] = (byte) (0x80 + random.nextInt(0x40)); // a continuation byte cannot start a character
        return bytes;
    }

    private static JsonNode resolve(JsonNode schema, JsonNode node) {
        String ref = node.path("$ref").asText();
        if (!ref.startsWith("#/$defs/")) return node;
        return schema.path("$defs").path(ref.substring("#/$defs/".length()));
    }

    private static synchronized JsonNode schema(Stream stream) {
        return SCHEMAS.computeIfAbsent(stream, s -> {
            Path file = Path.of(System.getProperty("basedir", ""), "schemas", s.wireName() + ".schema.json");
            try {
                return JSON.readTree(Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid record: " + json, e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
