package io.tally.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.tally.attribution.AttributionSettings;
import io.tally.event.Durations;
import io.tally.event.Stream;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Loads a {@code jobs/*.yaml} file onto the defaults of {@link TallyConfig}: a key the file leaves out keeps its
 * default, nested sections and the {@code topics}/{@code dedup} maps merge key by key, lists replace. Strings may
 * use {@code ${VAR}} and {@code ${VAR:-default}}. Anything wrong (syntax, unknown key, a value of the wrong kind,
 * a failed validation rule) stops the load with a {@link ConfigException} naming the file and the dotted key.
 */
public final class ConfigLoader {
    /** What {@link #describe} prints instead of a secret. */
    public static final String REDACTED = "******";
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "jaas", "token", "key");

    /** The keys {@code topics} allows: every stream's wire name. */
    static final List<String> STREAMS = Arrays.stream(Stream.values()).map(Stream::wireName).collect(Collectors.toList());
    /** The keys {@code attribution.dedup} allows: the streams deduplicated by event id (CONTRACT section 3.9). */
    static final List<String> DEDUP_STREAMS = List.copyOf(AttributionSettings.defaultDedup().keySet());

    /** Configured once, then only used: thread-safe. */
    private static final List<Class<?>> SECTIONS = sections();
    private static final ObjectMapper MAPPER = newMapper();

    private ConfigLoader() {}

    /** Loads {@code file} with the process environment for {@code ${VAR}} substitution. */
    public static TallyConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads {@code file}, substituting {@code ${VAR}} from {@code env}. */
    public static TallyConfig load(Path file, Map<String, String> env) {
        String source = file.toString();
        JsonNode tree = readTree(file, source);
        TallyConfig config = new TallyConfig();
        if (tree == null || tree.isMissingNode() || tree.isNull()) return validate(config, source); // an empty file
        if (!tree.isObject()) throw new ConfigException(source + ": expected a mapping of keys at the top level");
        substitute(tree, "", new EnvSubstitution(env), source);
        checkMappings(tree, TallyConfig.class, "", source);
        checkStreamKeys(tree.path("topics"), "topics", STREAMS, source);
        checkStreamKeys(tree.path("attribution").path("dedup"), "attribution.dedup", DEDUP_STREAMS, source);
        try {
            MAPPER.readerForUpdating(config).readValue(tree);
        } catch (JsonMappingException e) {
            throw new ConfigException(source + ": " + explain(e), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        return validate(config, source);
    }

    /**
     * Checks the rules a configuration must satisfy (durations, window sizes, transaction timeout, ...), for a
     * configuration built in code; {@code source} names it in the messages.
     *
     * @return {@code config}
     * @throws ConfigException listing every problem, one per line
     */
    public static TallyConfig validate(TallyConfig config, String source) {
        ConfigValidation.check(config, source);
        return config;
    }

    /**
     * The effective configuration as YAML, for logs: Kafka client properties whose name mentions a password,
     * secret, jaas, token or key are shown as {@value #REDACTED}.
     */
    public static String describe(TallyConfig config) {
        ObjectNode tree = MAPPER.valueToTree(config);
        JsonNode properties = tree.path("kafka").path("properties");
        if (properties instanceof ObjectNode props) {
            for (String name : fieldNames(props)) {
                if (isSecret(name)) props.put(name, REDACTED);
            }
        }
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Properties for a Kafka client: {@code bootstrap.servers} and {@code kafka.properties}, already substituted. */
    public static Properties kafkaClientProperties(TallyConfig config) {
        Properties p = new Properties();
        config.kafka.properties.forEach(p::setProperty);
        p.setProperty("bootstrap.servers", config.kafka.bootstrapServers);
        return p;
    }

    /**
     * Whether a Kafka client property holds a secret itself (passwords, JAAS configurations, secrets, tokens), so that
     * its value must come from the environment; narrower than {@link #isSecret}, which also hides key store paths.
     */
    static boolean holdsSecret(String propertyName) {
        String name = propertyName.toLowerCase(Locale.ROOT);
        return name.endsWith("password") || name.endsWith("token") || name.contains("jaas") || name.contains("secret");
    }

    static boolean isSecret(String propertyName) {
        String name = propertyName.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(name::contains);
    }

    private static JsonNode readTree(Path file, String source) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return MAPPER.readTree(in);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source + ": no such file", e);
        } catch (JacksonException e) {
            // SnakeYAML's own message spans several lines with an excerpt; its one-line problem is enough here
            String problem = e.getCause() instanceof MarkedYAMLException y ? y.getProblem() : e.getOriginalMessage();
            throw new ConfigException(source + ": " + at(e.getLocation()) + "not valid YAML: " + problem, e);
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read: " + e, e);
        }
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    }

    /** Replaces {@code ${VAR}} in every string value of the tree, before binding (so it also feeds numbers). */
    private static void substitute(JsonNode node, String path, EnvSubstitution env, String source) {
        if (node instanceof ObjectNode obj) {
            for (String name : fieldNames(obj)) {
                String key = path.isEmpty() ? name : path + "." + name;
                JsonNode child = obj.get(name);
                if (child.isTextual()) obj.set(name, substituted(child, key, env, source));
                else substitute(child, key, env, source);
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                String key = path + "[" + i + "]";
                JsonNode child = arr.get(i);
                if (child.isTextual()) arr.set(i, substituted(child, key, env, source));
                else substitute(child, key, env, source);
            }
        }
    }

    private static JsonNode substituted(JsonNode text, String key, EnvSubstitution env, String source) {
        if (key.startsWith("kafka.properties.") && holdsSecret(key.substring("kafka.properties.".length()))
                && !text.textValue().contains("${")) {
            // A secret written into the file ends up in version control and in every copy of the file.
            throw new ConfigException(source + ": " + key + ": a secret may not be written in the file: take it from"
                    + " the environment, e.g. " + key.substring("kafka.properties.".length()) + ": ${KAFKA_"
                    + key.substring("kafka.properties.".length()).toUpperCase(Locale.ROOT).replace('.', '_') + "}");
        }
        try {
            return TextNode.valueOf(env.apply(text.textValue()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * A section or map must be written as a mapping: merging a single value into one would silently keep the
     * defaults (Jackson's update leaves the object as it is).
     */
    private static void checkMappings(JsonNode node, Class<?> type, String path, String source) {
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) continue;
            JsonNode child = node.get(field.getName());
            boolean section = isSection(field.getType());
            if (child == null || child.isNull() || !(section || Map.class.isAssignableFrom(field.getType()))) continue;
            String key = path.isEmpty() ? field.getName() : path + "." + field.getName();
            if (!child.isObject()) {
                throw new ConfigException(source + ": " + key + ": expected " + expected(field.getType()));
            }
            if (section) checkMappings(child, field.getType(), key, source);
        }
    }

    private static boolean isSection(Class<?> type) {
        return SECTIONS.contains(type);
    }

    /** Only streams of the contract may be named in {@code topics} and {@code dedup}: a typo must not pass silently. */
    private static void checkStreamKeys(JsonNode map, String path, List<String> allowed, String source) {
        if (!map.isObject()) return; // absent (checkMappings has rejected any other kind of value)
        for (String name : fieldNames((ObjectNode) map)) {
            if (!allowed.contains(name)) {
                throw new ConfigException(source + ": unknown key '" + path + "." + name + "' (known: "
                        + String.join(", ", allowed) + ")");
            }
        }
    }

    private static List<String> fieldNames(ObjectNode obj) {
        List<String> names = new ArrayList<>();
        obj.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ---- turning Jackson's exceptions into "key: what is wrong" ----

    private static String explain(JsonMappingException e) {
        String key = dottedKey(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : " (known: " + u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
            return "unknown key '" + key + "'" + known;
        }
        String prefix = key.isEmpty() ? "" : key + ": ";
        if (e instanceof InvalidNullException) {
            return prefix + "has no value (write one, or leave the key out to keep the default)";
        }
        if (e instanceof InvalidFormatException f) {
            if (f.getTargetType() == Duration.class) return prefix + f.getOriginalMessage();
            return prefix + "'" + f.getValue() + "' is not " + expected(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return prefix + "expected " + expected(m.getTargetType());
        }
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String detail = cause instanceof JacksonException j ? j.getOriginalMessage() : cause.getMessage();
        return prefix + detail;
    }

    private static String dottedKey(List<JsonMappingException.Reference> path) {
        StringBuilder key = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (key.length() > 0) key.append('.');
                key.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                key.append('[').append(ref.getIndex()).append(']');
            }
        }
        return key.toString();
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "a whole number";
        if (type == double.class || type == Double.class) return "a number";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (type == String.class) return "a single value";
        if (type == Duration.class) return "a duration such as 5s or 7d";
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
        }
        if (Map.class.isAssignableFrom(type)) return "a mapping of keys to values";
        if (Collection.class.isAssignableFrom(type)) return "a list";
        return "a mapping of keys";
    }

    // ---- the mapper ----

    /** The types of TallyConfig's sections (job, kafka, attribution, ...): the settings classes of its fields. */
    private static List<Class<?>> sections() {
        List<Class<?>> sections = new ArrayList<>();
        for (Field f : TallyConfig.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && f.getType().getName().endsWith("Settings")) sections.add(f.getType());
        }
        return sections;
    }

    private static ObjectMapper newMapper() {
        YAMLFactory yaml = YAMLFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // "key:" with nothing after it is null (the builder's default differs from new YAMLFactory()'s)
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                // only true/false are booleans: a group id "no" or "off" stays a string
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .build();
        ObjectMapper m = new ObjectMapper(yaml);
        // The YAML keys are exactly TallyConfig's public fields, never getters or helper methods.
        m.setVisibility(PropertyAccessor.ALL, Visibility.NONE);
        m.setVisibility(PropertyAccessor.FIELD, Visibility.PUBLIC_ONLY);
        m.registerModule(new SimpleModule("tally-durations")
                .addSerializer(Duration.class, new DurationSerializer())
                .addDeserializer(Duration.class, new DurationDeserializer()));
        // Merge onto the defaults: sections and maps key by key. Everything else (a list too) is replaced.
        // (Merging is enabled per type, not by default: Jackson skips null handling for default-merged scalars.)
        // A key without a value: an error for a single value, empty for a map or list, the defaults for a section.
        m.setDefaultSetterInfo(JsonSetter.Value.construct(Nulls.FAIL, Nulls.FAIL));
        m.configOverride(Map.class).setMergeable(true)
                .setSetterInfo(JsonSetter.Value.construct(Nulls.AS_EMPTY, Nulls.FAIL));
        m.configOverride(List.class).setSetterInfo(JsonSetter.Value.construct(Nulls.AS_EMPTY, Nulls.FAIL));
        for (Class<?> section : SECTIONS) {
            m.configOverride(section).setMergeable(true).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SKIP));
        }
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        return m;
    }

    /** Writes a duration the way the files do: {@code 7d}, {@code 90s}. */
    private static final class DurationSerializer extends StdScalarSerializer<Duration> {
        private static final long serialVersionUID = 1L;

        DurationSerializer() {
            super(Duration.class);
        }

        @Override
        public void serialize(Duration value, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeString(Durations.format(value));
        }
    }

    /** Reads {@code "7d"} with {@link Durations#parse}, or a whole number of milliseconds. */
    private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
        private static final long serialVersionUID = 1L;

        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_STRING) {
                String text = p.getText();
                try {
                    return Durations.parse(text);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
                }
            }
            if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return Duration.ofMillis(p.getLongValue());
            }
            if (!token.isScalarValue()) {
                throw MismatchedInputException.from(p, Duration.class, "expected a duration, not " + token);
            }
            String text = p.getText();
            throw InvalidFormatException.from(p, "'" + text + "' is not a duration (expected a whole number followed"
                    + " by ms, s, m, h or d, e.g. 5s or 7d, or a whole number of milliseconds)", text, Duration.class);
        }
    }
}
