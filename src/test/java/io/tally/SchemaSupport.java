package io.tally;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Holds JSON lines to the project's JSON Schemas ({@code schemas/<stream>.schema.json} at the repository top level,
 * draft 2020-12). Tests of anything that writes records of the contract call {@link #assertValid} or
 * {@link #assertValidLines}.
 *
 * <p>The schemas state the money rule (at most 2 decimals) in words only: {@code multipleOf: 0.01} would make
 * consumers' validators, which compute in binary floating point, reject valid amounts such as 19.99. So besides the
 * schema, {@link #assertValid} checks every money field ({@link #moneyFields}) itself, on the exact decimal written
 * ({@link #moneyProblems}), never on its nearest binary double (which can turn a 3-decimal amount into a 2-decimal
 * one).
 */
public final class SchemaSupport {
    /** The {@code $id} of every schema is this prefix + {@code <stream>.schema.json}. */
    public static final String BASE_IRI = "https://tally.dev/schemas/";

    /** {@code schemas/} of the repository: Maven runs tests in the project directory. */
    public static final Path SCHEMA_DIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "schemas");

    /** Exact decimals; a duplicate key or a second value on the line is an error, not silently last-wins. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    /** Resolves {@code https://tally.dev/schemas/...} (the $ids and $refs) to the files, never to the network. */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.jsonMapper(MAPPER).schemaMappers(m -> m.mapPrefix(BASE_IRI, SCHEMA_DIR.toUri().toString())));

    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static final Map<String, Set<String>> MONEY_FIELDS = new ConcurrentHashMap<>();
    /** How a field says it is money: its schema refers to one of these definitions. */
    private static final Set<String> MONEY_REFS = Set.of("#/$defs/money", "#/$defs/moneyOrNull");

    private SchemaSupport() {}

    /** The schema file of a stream (wire name, e.g. {@code order-updates}). */
    public static Path schemaFile(String stream) {
        return SCHEMA_DIR.resolve(stream + ".schema.json");
    }

    /** The compiled schema of a stream, loaded once. */
    public static JsonSchema schema(String stream) {
        return SCHEMAS.computeIfAbsent(stream, s -> {
            if (!Files.isRegularFile(schemaFile(s))) {
                throw new IllegalArgumentException("no schema for stream '" + s + "': " + schemaFile(s) + " is missing");
            }
            JsonSchema schema = FACTORY.getSchema(SchemaLocation.of(BASE_IRI + s + ".schema.json"));
            schema.initializeValidators(); // resolves every $ref now, so a broken one fails here, not mid-test
            return schema;
        });
    }

    /**
     * The violations of one JSON record against the schema of its stream; empty when it is valid.
     *
     * @throws IllegalArgumentException when {@code json} is not one JSON value
     */
    public static Set<ValidationMessage> validate(String stream, String json) {
        return schema(stream).validate(parse(json));
    }

    /**
     * Fails with every violation and the line itself unless the line is a valid record of the stream: valid against
     * its schema, and with at most 2 decimals in every money field.
     */
    public static void assertValid(String stream, String jsonLine) {
        String problem = problemOf(stream, jsonLine);
        if (problem != null) {
            throw new AssertionError("not a valid '" + stream + "' record: " + problem + "\n  " + jsonLine);
        }
    }

    /**
     * The names of the money fields of a stream's records: the properties, at any depth (an order's lines too),
     * whose schema refers to {@code $defs/money} or {@code $defs/moneyOrNull}. A schema that is only a {@code $ref} to
     * another stream's ({@code attributions-shadow}) has that stream's.
     */
    public static Set<String> moneyFields(String stream) {
        return MONEY_FIELDS.computeIfAbsent(stream, s -> {
            JsonNode schema;
            try {
                schema = parse(Files.readString(schemaFile(s)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!schema.has("properties") && schema.path("$ref").asText().endsWith(".schema.json")) {
                return moneyFields(schema.get("$ref").asText().replace(".schema.json", ""));
            }
            Set<String> names = new TreeSet<>();
            collectMoneyFields(schema, names);
            return Set.copyOf(names);
        });
    }

    private static void collectMoneyFields(JsonNode node, Set<String> names) {
        if (node.isArray()) node.forEach(n -> collectMoneyFields(n, names));
        if (!node.isObject()) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("properties")) {
                e.getValue().fields().forEachRemaining(p -> {
                    if (MONEY_REFS.contains(p.getValue().path("$ref").asText())) names.add(p.getKey());
                });
            }
            collectMoneyFields(e.getValue(), names);
        }
    }

    /**
     * The money values of a JSON record as written: each number of a {@link #moneyFields money field}, as
     * {@code name=text}, in the order written.
     */
    public static List<String> moneyValues(String stream, String json) {
        Set<String> money = moneyFields(stream);
        List<String> values = new ArrayList<>();
        try (JsonParser p = MAPPER.createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t.isNumeric() && money.contains(p.currentName())) values.add(p.currentName() + "=" + p.getText());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage() + ": " + json, e);
        }
        return values;
    }

    /**
     * The money values of a JSON record with more than 2 decimals, read exactly as written (trailing zeros do not
     * count: 1.100 is 1.10, as Tally reads it); empty when there is none.
     */
    public static List<String> moneyProblems(String stream, String json) {
        List<String> problems = new ArrayList<>();
        for (String value : moneyValues(stream, json)) {
            String text = value.substring(value.indexOf('=') + 1);
            if (new BigDecimal(text).stripTrailingZeros().scale() > 2) {
                problems.add(value.substring(0, value.indexOf('=')) + ": " + text + " has more than 2 decimals");
            }
        }
        return problems;
    }

    /** {@link #assertValid} for every non-blank line of a JSON-lines file; the message names the failing lines. */
    public static void assertValidLines(String stream, Path jsonl) {
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder failures = new StringBuilder();
        int failed = 0;
        for (int i = 0; i < lines.size() && failed < 20; i++) { // 20 are enough to see the pattern
            String problem = lines.get(i).isBlank() ? null : problemOf(stream, lines.get(i));
            if (problem != null) {
                failures.append("\n  line ").append(i + 1).append(": ").append(problem);
                failed++;
            }
        }
        if (failed > 0) {
            throw new AssertionError(jsonl + " has records that are not valid '" + stream + "' records:" + failures);
        }
    }

    private static String problemOf(String stream, String line) {
        try {
            Set<ValidationMessage> errors = validate(stream, line);
            if (!errors.isEmpty()) return describe(errors);
            List<String> money = moneyProblems(stream, line);
            return money.isEmpty() ? null : String.join("; ", money);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** One JSON value, numbers as exact decimals. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage() + ": " + json, e);
        }
    }

    private static String describe(Set<ValidationMessage> errors) {
        return errors.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("; "));
    }
}
