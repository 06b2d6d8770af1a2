package io.tally.io;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategy;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.ArrayType;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.WhenOff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The records of the contract as one-line JSON objects, bound by Jackson from the annotations on their fields
 * ({@link WireFormat}): field names as the contract spells them (a {@code ...Cents} field carries the money field of
 * its name without the suffix), money with 2 decimals. Reading is strict and says precisely why a record cannot be
 * used (CONTRACT sections 1, 2 and 6): MALFORMED_JSON, MISSING_FIELD or INVALID_VALUE, with the dotted path of the
 * field ({@code lines[2].quantity}) and the value as written. Writing leaves out what a record's class excludes
 * ({@code @JsonInclude}); outputs carry every field, null where the contract says so. Stateless and thread-safe.
 *
 * <p>Reads with limits (nesting depth, number and string length) so that a hostile record is rejected cheaply.
 * Choices where the contract is silent: absent and JSON null are the same for every field; a JSON object with a
 * repeated field name is MALFORMED_JSON; money may carry trailing zeros (1.100 is 1.10) but no third significant
 * decimal; a record with several faults is reported by its first invalid value in the order written, then by a
 * missing field (absent or null), then by a rule across fields.
 */
public final class Json {
    static final int MAX_NESTING_DEPTH = 32;
    static final int MAX_NUMBER_CHARS = 100;
    static final int MAX_STRING_CHARS = 100_000;

    private static final ObjectMapper MAPPER = newMapper();
    private static final ObjectWriter WRITER = MAPPER.writer();
    private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return MAPPER.readerFor(type);
        }
    };

    private Json() {}

    /** Reads one record of {@code type} from its bytes, or says precisely why it cannot. */
    public static <T> T read(Class<T> type, byte[] json) throws InvalidRecordException {
        if (json == null || json.length == 0) throw InvalidRecordException.malformed("empty record");
        try (JsonParser p = MAPPER.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) throw InvalidRecordException.malformed("empty record");
            // Checked before reading further, so a huge top-level array or string costs nothing.
            if (first != JsonToken.START_OBJECT) {
                throw InvalidRecordException.malformed("not a JSON object (starts with " + describe(first) + ")");
            }
            T record = null;
            InvalidRecordException invalid = null;
            try {
                record = bind(type, p);
            } catch (InvalidRecordException e) {
                // Values are judged as they are read: a record that is not well-formed JSON is MALFORMED_JSON
                // whatever its values, so read the rest of it before saying anything else.
                invalid = e;
                while (!p.getParsingContext().inRoot() && p.nextToken() != null) {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw InvalidRecordException.malformed("unexpected content after the object" + at(p.currentTokenLocation()));
            }
            if (invalid != null) throw invalid;
            return record;
        } catch (JsonProcessingException e) {
            // Syntax errors and exceeded read limits alike.
            throw InvalidRecordException.malformed(withoutSource(e.getOriginalMessage()) + at(e.getLocation()));
        } catch (IOException e) {
            throw InvalidRecordException.malformed(String.valueOf(e.getMessage()));
        }
    }

    /**
     * A record written as a map (a YAML configuration's default alert rules), validated exactly like one read from
     * its stream.
     */
    public static <T> T fromMap(Class<T> type, Map<String, ?> fields) throws InvalidRecordException {
        ObjectNode node;
        try {
            node = MAPPER.valueToTree(fields);
        } catch (IllegalArgumentException e) {
            throw InvalidRecordException.malformed("not a JSON-like map: " + e.getMessage());
        }
        if (node == null) throw InvalidRecordException.malformed("empty record");
        try (JsonParser p = MAPPER.treeAsTokens(node)) {
            p.nextToken();
            return bind(type, p);
        } catch (IOException e) {
            throw InvalidRecordException.malformed(String.valueOf(e.getMessage()));
        }
    }

    private static <T> T bind(Class<T> type, JsonParser p) throws IOException, InvalidRecordException {
        T record;
        try {
            record = READERS.get(type).readValue(p);
        } catch (DatabindException e) {
            throw explain((JsonMappingException) e, p);
        }
        if (record instanceof Validated v) v.validate();
        return record;
    }

    /** The record as the contract's one-line JSON object. */
    public static String write(Object record) {
        try {
            return WRITER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether two records are of one type and write the same JSON: what equality of records means here. */
    public static boolean same(Object a, Object b) {
        return a == b || a != null && b != null && a.getClass() == b.getClass() && write(a).equals(write(b));
    }

    /** A record for logs and test failures: its type and its JSON. */
    public static String show(Object record) {
        return record.getClass().getSimpleName() + write(record);
    }

    // ---- errors ----

    private static InvalidRecordException explain(JsonMappingException e, JsonParser p) throws JsonProcessingException {
        // A syntax error or a read limit met inside a value: Jackson wraps it with the path; it is still malformed.
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof JsonProcessingException j && !(c instanceof DatabindException)) throw j;
        }
        String path = path(e);
        if (e instanceof Problem problem) {
            return new InvalidRecordException(problem.reason(), path + ": " + problem.getOriginalMessage());
        }
        JsonParser at = e.getProcessor() instanceof JsonParser q ? q : p;
        String got;
        try {
            got = Values.show(at);
        } catch (IOException io) {
            got = "?";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String expected = m.getTargetType().isArray() || List.class.isAssignableFrom(m.getTargetType())
                    ? "an array" : "an object";
            return InvalidRecordException.invalid(path, "must be " + expected + " (got " + got + ")");
        }
        return InvalidRecordException.invalid(path, e.getOriginalMessage());
    }

    /** The field's dotted path from the record's root: {@code lines[2].quantity}. */
    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() != null ? "'" + t.asString() + "'" : t.name();
        };
    }

    /** Jackson's message without the "(start marker at [Source: REDACTED ...])" it adds for unclosed objects. */
    private static String withoutSource(String message) {
        int i = message == null ? -1 : message.indexOf(" (start marker at");
        return i < 0 ? String.valueOf(message) : message.substring(0, i);
    }

    private static String at(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 0) return "";
        return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    // ---- the mapper ----

    private static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_CHARS)
                        .maxStringLength(MAX_STRING_CHARS)
                        .build())
                // {"amount": 1, "amount": 1000} has no single meaning: reject it rather than let the last one win.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        SimpleDeserializers readers = new SimpleDeserializers() {
            @Override
            public JsonDeserializer<?> findEnumDeserializer(Class<?> type, DeserializationConfig config,
                                                            BeanDescription beanDesc) {
                return new Values.Enums(type);
            }
        };
        add(readers, String.class, new Values.Strings());
        add(readers, String[].class, new Values.IdArray());
        add(readers, Long.class, new Values.Integers(false));
        add(readers, long.class, new Values.Integers(false));
        add(readers, Integer.class, new Values.Integers(true));
        add(readers, int.class, new Values.Integers(true));
        add(readers, Double.class, new Values.Doubles());
        add(readers, double.class, new Values.Doubles());
        add(readers, Boolean.class, new Values.Booleans());
        add(readers, boolean.class, new Values.Booleans());
        add(readers, BigDecimal.class, new Values.Decimals());
        SimpleModule module = new SimpleModule("tally-wire-format");
        module.setDeserializers(readers);
        module.setDeserializerModifier(new Presence());
        module.addSerializer(Long.class, new Values.IntegerWriter());
        module.addSerializer(long.class, new Values.IntegerWriter());
        module.addSerializer(Integer.class, new Values.IntegerWriter());
        module.addSerializer(int.class, new Values.IntegerWriter());
        module.addSerializer(BigDecimal.class, new Values.DecimalWriter());
        return JsonMapper.builder(factory)
                // The wire fields are exactly the public fields (and what a record names itself), never helpers.
                .visibility(PropertyAccessor.ALL, Visibility.NONE)
                .visibility(PropertyAccessor.FIELD, Visibility.PUBLIC_ONLY)
                .propertyNamingStrategy(new CentsSuffix())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // Alert rules are read through a tree (their form decides what is read): numbers stay as written,
                // so a detail quotes the producer's value.
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .addModule(module)
                .build();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void add(SimpleDeserializers readers, Class type, JsonDeserializer reader) {
        readers.addDeserializer(type, reader);
    }

    /** {@code gmvCents} is the field {@code gmv}: money is held in cents and written in currency units. */
    private static final class CentsSuffix extends PropertyNamingStrategy {
        private static final long serialVersionUID = 1L;

        @Override
        public String nameForField(MapperConfig<?> config, AnnotatedField field, String defaultName) {
            return defaultName.endsWith("Cents") ? defaultName.substring(0, defaultName.length() - 5) : defaultName;
        }
    }

    /**
     * Required fields: Jackson checks them only for constructor parameters, and a record here is a Flink POJO set
     * field by field. Each property notes that it was present, or null (JSON null counts as absent: an optional field
     * keeps its initial value); the record's deserializer checks the notes once every value is read. It also says
     * what a value that should be an object or an array is, where Jackson's own message would name a Java class.
     */
    private static final class Presence extends BeanDeserializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription desc,
                                                     BeanDeserializerBuilder builder) {
            List<String> required = required(desc);
            List<SettableBeanProperty> properties = new ArrayList<>();
            builder.getProperties().forEachRemaining(properties::add);
            for (SettableBeanProperty p : properties) {
                builder.addOrReplaceProperty(new Noted(p, required.indexOf(p.getName())), true);
            }
            return builder;
        }

        /** The required fields in the order the record declares them: the first one absent is reported. */
        private static List<String> required(BeanDescription desc) {
            List<String> required = new ArrayList<>();
            desc.findProperties().forEach(p -> {
                if (p.isRequired()) required.add(p.getName());
            });
            return required;
        }

        @Override
        public JsonDeserializer<?> modifyArrayDeserializer(DeserializationConfig config, ArrayType type,
                                                           BeanDescription desc, JsonDeserializer<?> deserializer) {
            return new ArrayExpected(deserializer);
        }

        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
                                                      JsonDeserializer<?> deserializer) {
            // Jackson passes every deserializer it creates through here, a custom one for a string too: only records.
            if (!(deserializer instanceof BeanDeserializerBase)) return deserializer;
            List<String> required = required(desc);
            WhenOff whenOff = desc.getClassAnnotations().get(WhenOff.class);
            String[] unless = new String[required.size()];
            desc.findProperties().forEach(p -> {
                Required r = p.getField() == null ? null : p.getField().getAnnotation(Required.class);
                if (r != null && !r.unless().isEmpty()) unless[required.indexOf(p.getName())] = r.unless();
            });
            return new Checked(deserializer, required.toArray(new String[0]), unless, whenOff);
        }
    }

    /** The required fields seen in the record being read, and those seen null, as bits. */
    private static final class Seen {
        private static final Object KEY = Seen.class;
        long bits;
        long nulls;

        static Seen of(DeserializationContext ctxt) {
            Seen seen = (Seen) ctxt.getAttribute(KEY);
            if (seen == null) {
                seen = new Seen();
                ctxt.setAttribute(KEY, seen);
            }
            return seen;
        }
    }

    private static final class Noted extends SettableBeanProperty.Delegating {
        private static final long serialVersionUID = 1L;
        /** Bit of a required property; -1 for an optional one. */
        private final int bit;

        Noted(SettableBeanProperty delegate, int bit) {
            super(delegate);
            this.bit = bit;
        }

        @Override
        protected SettableBeanProperty withDelegate(SettableBeanProperty d) {
            return new Noted(d, bit);
        }

        @Override
        public void deserializeAndSet(JsonParser p, DeserializationContext ctxt, Object instance) throws IOException {
            if (present(p, ctxt)) delegate.deserializeAndSet(p, ctxt, instance);
        }

        @Override
        public Object deserializeSetAndReturn(JsonParser p, DeserializationContext ctxt, Object instance)
                throws IOException {
            return present(p, ctxt) ? delegate.deserializeSetAndReturn(p, ctxt, instance) : instance;
        }

        private boolean present(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_NULL)) {
                if (bit >= 0) Seen.of(ctxt).nulls |= 1L << bit;
                return false;
            }
            if (bit >= 0) Seen.of(ctxt).bits |= 1L << bit;
            return true;
        }
    }

    /** An array field given something else: say so in the contract's words. */
    private static final class ArrayExpected extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        ArrayExpected(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new ArrayExpected(newDelegatee);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartArrayToken()) throw Problem.invalid(p, "must be an array (got " + Values.show(p) + ")");
            return _delegatee.deserialize(p, ctxt);
        }
    }

    private static final class Checked extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;
        private final String[] required;
        /** For each required field, the boolean field that makes it optional when true; null: none. */
        private final String[] unless;
        private final WhenOff whenOff;

        Checked(JsonDeserializer<?> delegate, String[] required, String[] unless, WhenOff whenOff) {
            super(delegate);
            if (required.length > 64) throw new IllegalArgumentException("more than 64 required fields");
            this.required = required;
            this.unless = unless;
            this.whenOff = whenOff;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
            return new Checked(newDelegatee, required, unless, whenOff);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            // (Jackson may hand over an object whose START_OBJECT it has read: then the next token is a field name.)
            if (!p.isExpectedStartObjectToken() && !p.hasToken(JsonToken.FIELD_NAME) && !p.hasToken(JsonToken.END_OBJECT)) {
                throw Problem.invalid(p, "must be an object (got " + Values.show(p) + ")");
            }
            Seen seen = Seen.of(ctxt);
            long outer = seen.bits;
            long outerNulls = seen.nulls;
            seen.bits = 0;
            seen.nulls = 0;
            boolean off = false;
            Object record;
            if (whenOff != null && p.isExpectedStartObjectToken()) {
                ObjectNode node = (ObjectNode) ctxt.readTree(p);
                JsonNode flag = node.get(whenOff.flag());
                off = flag != null && flag.isBoolean() && !flag.booleanValue();
                if (off) node.retain(keptWith(whenOff));
                try (JsonParser fields = node.traverse(p.getCodec())) {
                    fields.nextToken();
                    record = _delegatee.deserialize(fields, ctxt);
                }
            } else {
                record = _delegatee.deserialize(p, ctxt);
            }
            long mine = seen.bits;
            long nulls = seen.nulls;
            seen.bits = outer;
            seen.nulls = outerNulls;
            for (int i = 0; i < required.length; i++) {
                if ((mine & 1L << i) != 0 || off && !List.of(whenOff.keep()).contains(required[i])) continue;
                if (unless[i] != null && flag(record, unless[i])) continue;
                Problem missing = Problem.missing(p, (nulls & 1L << i) != 0);
                missing.prependPath(record, required[i]);
                throw missing;
            }
            return record;
        }

        private static boolean flag(Object record, String field) throws JsonMappingException {
            try {
                return record.getClass().getField(field).getBoolean(record);
            } catch (ReflectiveOperationException e) {
                throw new JsonMappingException(null, "no boolean field " + field + " in " + record.getClass(), e);
            }
        }

        private static List<String> keptWith(WhenOff whenOff) {
            List<String> kept = new ArrayList<>(List.of(whenOff.keep()));
            kept.add(whenOff.flag());
            return kept;
        }
    }
}
