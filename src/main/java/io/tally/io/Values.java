package io.tally.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import io.tally.io.WireFormat.AtLeast;
import io.tally.io.WireFormat.AtMost;
import io.tally.io.WireFormat.Cents;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Normalized;
import io.tally.io.WireFormat.OneOf;
import io.tally.io.WireFormat.Rate;
import io.tally.io.WireFormat.Sign;
import io.tally.io.WireFormat.Word;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How each kind of value is read and written: strictly, in the domains of {@link WireFormat}. JSON integers only
 * where an integer is expected (5.0 is not one), JSON booleans only, enum constants spelled exactly; money and rates
 * read as exact decimals. Every failure says what was expected and quotes the value as the producer wrote it.
 */
public final class Values {
    /** Ids are non-empty strings of at most this many characters (CONTRACT section 1). */
    static final int MAX_ID_CHARS = 128;
    /**
     * Most decimals kept in a rate. The bound keeps a hostile exponent (1e-999999999 is a short JSON number) from
     * making every later decimal multiplication expensive; 20 decimals is far beyond any real rate.
     */
    static final int MAX_RATE_DECIMALS = 20;
    /** Largest amount whose cents fit a long. */
    private static final BigDecimal MAX_MONEY = BigDecimal.valueOf(Long.MAX_VALUE, 2);
    /** Longest value quoted in a detail. */
    private static final int SHOWN_CHARS = 40;

    private Values() {}

    /** The value at the parser's current token, short and readable: containers by kind, long strings cut. */
    public static String show(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) return "nothing";
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_NULL -> "null";
            case VALUE_STRING -> "'" + cut(p.getText()) + "'";
            default -> cut(p.getText());
        };
    }

    private static String cut(String s) {
        return s.length() > SHOWN_CHARS ? s.substring(0, SHOWN_CHARS) + "..." : s;
    }

    private static <A extends java.lang.annotation.Annotation> A annotation(BeanProperty property, Class<A> type) {
        return property == null ? null : property.getAnnotation(type);
    }

    // ---- strings ----

    /** Any string; an {@link Id}; a {@link Word}. */
    static final class Strings extends JsonDeserializer<String> implements ContextualDeserializer {
        private enum Kind { TEXT, ID, WORD, ONE_OF }

        private static final String WORD = "must be an upper-case word such as TUTORIAL ([A-Z][A-Z0-9_]*, at most "
                + MAX_ID_CHARS + " characters)";
        private final Kind kind;
        /** For ONE_OF: the values, and what is said of one that is not. */
        private final Set<String> allowed;
        private final String expected;

        Strings() {
            this(Kind.TEXT, null, null);
        }

        private Strings(Kind kind, Set<String> allowed, String expected) {
            this.kind = kind;
            this.allowed = allowed;
            this.expected = expected;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            if (annotation(property, Id.class) != null) return new Strings(Kind.ID, null, null);
            if (annotation(property, Word.class) != null) return new Strings(Kind.WORD, null, null);
            OneOf oneOf = annotation(property, OneOf.class);
            if (oneOf == null) return this;
            Set<String> allowed = new LinkedHashSet<>();
            for (Enum<?> e : oneOf.value().getEnumConstants()) allowed.add(e.toString());
            String names = String.join(", ", allowed);
            return new Strings(Kind.ONE_OF, allowed,
                    oneOf.what().isEmpty() ? "is not one of " + names : "is not " + oneOf.what() + " (" + names + ")");
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return switch (kind) {
                case ID -> id(p);
                case WORD -> word(p);
                case ONE_OF -> {
                    if (!p.hasToken(JsonToken.VALUE_STRING) || !allowed.contains(p.getText())) {
                        throw Problem.invalid(p, show(p) + " " + expected);
                    }
                    yield p.getText();
                }
                case TEXT -> {
                    if (!p.hasToken(JsonToken.VALUE_STRING)) throw Problem.invalid(p, "must be a string (got " + show(p) + ")");
                    yield p.getText();
                }
            };
        }

        private static String word(JsonParser p) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING) || !isUpperCaseWord(p.getText())) {
                throw Problem.invalid(p, WORD + " (got " + show(p) + ")");
            }
            return p.getText();
        }

        private static boolean isUpperCaseWord(String s) {
            if (s.isEmpty() || s.length() > MAX_ID_CHARS) return false;
            char first = s.charAt(0);
            if (first < 'A' || first > 'Z') return false;
            for (int i = 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) return false;
            }
            return true;
        }
    }

    static String id(JsonParser p) throws IOException {
        if (!p.hasToken(JsonToken.VALUE_STRING)) throw Problem.invalid(p, "must be a string id (got " + show(p) + ")");
        String s = p.getText();
        if (s.isEmpty()) throw Problem.invalid(p, "must not be empty");
        // Characters, not UTF-16 units: an id of 100 emoji is 100 characters.
        if (s.length() > MAX_ID_CHARS && s.codePointCount(0, s.length()) > MAX_ID_CHARS) {
            throw Problem.invalid(p, "longer than " + MAX_ID_CHARS + " characters (" + s.codePointCount(0, s.length()) + ")");
        }
        return s;
    }

    /** An array of {@link Id}s: distinct, in first-seen order. */
    static final class IdArray extends JsonDeserializer<String[]> implements ContextualDeserializer {
        private final int most;

        IdArray() {
            this(Integer.MAX_VALUE);
        }

        private IdArray(int most) {
            this.most = most;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            Id id = annotation(property, Id.class);
            return id == null ? this : new IdArray(id.most());
        }

        @Override
        public String[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.isExpectedStartArrayToken()) throw Problem.invalid(p, "must be an array of ids (got " + show(p) + ")");
            Set<String> ids = new LinkedHashSet<>();
            int n = 0;
            for (; p.nextToken() != JsonToken.END_ARRAY; n++) {
                try {
                    ids.add(id(p));
                } catch (Problem e) {
                    e.prependPath(ids, n);
                    throw e;
                }
            }
            if (n > most) throw Problem.invalid(p, "more than " + most + " ids (" + n + ")");
            return ids.toArray(new String[0]);
        }
    }

    // ---- integers and money ----

    /** An integer ({@link AtLeast}, default >= 0) or, with {@link Cents}, money in cents; as long or int. */
    static final class Integers extends JsonDeserializer<Number> implements ContextualDeserializer {
        private final long min;
        private final long max;
        private final Sign money;
        private final boolean asInt;

        Integers(boolean asInt) {
            this(0, asInt ? Integer.MAX_VALUE : Long.MAX_VALUE, null, asInt);
        }

        private Integers(long min, long max, Sign money, boolean asInt) {
            this.min = min;
            this.max = max;
            this.money = money;
            this.asInt = asInt;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            AtLeast atLeast = annotation(property, AtLeast.class);
            AtMost atMost = annotation(property, AtMost.class);
            Cents cents = annotation(property, Cents.class);
            if (atLeast == null && atMost == null && cents == null) return this;
            return new Integers(atLeast == null ? min : atLeast.value(),
                    atMost == null ? max : Math.min(max, atMost.value()), cents == null ? null : cents.value(), asInt);
        }

        @Override
        public Number deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (money != null) return cents(p, money);
            long v = integer(p, min);
            if (v > max) throw Problem.invalid(p, "must be at most " + max + " (got " + show(p) + ")");
            return asInt ? (Number) (int) v : (Number) v;
        }
    }

    /** A JSON integer (5.0 and 5e0 are not) that fits a long and is >= min. */
    public static long integer(JsonParser p, long min) throws IOException {
        if (!p.hasToken(JsonToken.VALUE_NUMBER_INT) || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || p.getLongValue() < min) {
            throw Problem.invalid(p, "must be an integer >= " + min + " (got " + show(p) + ")");
        }
        return p.getLongValue();
    }

    static long cents(JsonParser p, Sign sign) throws IOException {
        BigDecimal d = decimal(p);
        if (sign == Sign.ANY) {
            if (d.abs().compareTo(MAX_MONEY) > 0 || d.stripTrailingZeros().scale() > 2) {
                throw Problem.invalid(p, "not an amount of money (got " + show(p) + ")");
            }
        } else {
            boolean positive = sign == Sign.POSITIVE;
            if (positive ? d.signum() <= 0 : d.signum() < 0) {
                throw Problem.invalid(p, "must be " + (positive ? "> 0" : ">= 0") + " (got " + show(p) + ")");
            }
            // Magnitude before decimals: compareTo is cheap even for 1e999999999, the scale arithmetic would not be.
            if (d.compareTo(MAX_MONEY) > 0) throw Problem.invalid(p, "too large an amount (got " + show(p) + ")");
            if (d.stripTrailingZeros().scale() > 2) {
                throw Problem.invalid(p, "must have at most 2 decimals (got " + show(p) + ")");
            }
        }
        return d.movePointRight(2).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    /** Writes cents as a number with 2 decimals (1250 as 12.50); other integers as they are. */
    static final class IntegerWriter extends JsonSerializer<Number> implements ContextualSerializer {
        private final boolean money;

        IntegerWriter() {
            this(false);
        }

        private IntegerWriter(boolean money) {
            this.money = money;
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider prov, BeanProperty property) {
            return annotation(property, Cents.class) != null ? new IntegerWriter(true) : this;
        }

        @Override
        public void serialize(Number value, JsonGenerator g, SerializerProvider provider) throws IOException {
            if (money) g.writeNumber(BigDecimal.valueOf(value.longValue(), 2));
            else if (value instanceof Integer i) g.writeNumber(i);
            else g.writeNumber(value.longValue());
        }
    }

    // ---- other numbers ----

    private static BigDecimal decimal(JsonParser p) throws IOException {
        if (!p.currentToken().isNumeric()) throw Problem.invalid(p, "must be a number (got " + show(p) + ")");
        return p.getDecimalValue();
    }

    /** Any finite number, as a double; {@link AtLeast} a bound. */
    static final class Doubles extends JsonDeserializer<Double> implements ContextualDeserializer {
        private final Long min;

        Doubles() {
            this(null);
        }

        private Doubles(Long min) {
            this.min = min;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            AtLeast atLeast = annotation(property, AtLeast.class);
            return atLeast == null ? this : new Doubles(atLeast.value());
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isNumeric()) throw Problem.invalid(p, "must be a number (got " + show(p) + ")");
            double d = p.getDoubleValue();
            if (!Double.isFinite(d)) throw Problem.invalid(p, "too large a number (got " + show(p) + ")");
            if (min != null && d < min) throw Problem.invalid(p, "must be >= " + min + " (got " + show(p) + ")");
            return d;
        }
    }

    /** Any decimal number, exact; a {@link Rate}. */
    static final class Decimals extends JsonDeserializer<BigDecimal> implements ContextualDeserializer {
        private final boolean rate;

        Decimals() {
            this(false);
        }

        private Decimals(boolean rate) {
            this.rate = rate;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            return annotation(property, Rate.class) != null ? new Decimals(true) : this;
        }

        @Override
        public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            BigDecimal d = decimal(p);
            if (!rate) return d;
            if (d.signum() < 0 || d.compareTo(BigDecimal.ONE) > 0) {
                throw Problem.invalid(p, "must be a number in [0, 1] (got " + show(p) + ")");
            }
            BigDecimal r = d.stripTrailingZeros();
            if (r.scale() > MAX_RATE_DECIMALS) {
                throw Problem.invalid(p, "must have at most " + MAX_RATE_DECIMALS + " decimals (got " + show(p) + ")");
            }
            return r;
        }
    }

    /** Writes a {@link Normalized} decimal without trailing zeros; others as they are. */
    static final class DecimalWriter extends JsonSerializer<BigDecimal> implements ContextualSerializer {
        private final boolean normalized;

        DecimalWriter() {
            this(false);
        }

        private DecimalWriter(boolean normalized) {
            this.normalized = normalized;
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider prov, BeanProperty property) {
            return annotation(property, Normalized.class) != null ? new DecimalWriter(true) : this;
        }

        @Override
        public void serialize(BigDecimal value, JsonGenerator g, SerializerProvider provider) throws IOException {
            if (!normalized) {
                g.writeNumber(value);
                return;
            }
            BigDecimal stripped = value.stripTrailingZeros();
            g.writeNumber(stripped.scale() < 0 ? value.setScale(0) : stripped);
        }
    }

    // ---- booleans and enums ----

    static final class Booleans extends JsonDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_TRUE)) return Boolean.TRUE;
            if (p.hasToken(JsonToken.VALUE_FALSE)) return Boolean.FALSE;
            throw Problem.invalid(p, "must be true or false (got " + show(p) + ")");
        }
    }

    /** One of the enum's constants, spelled exactly (upper case). */
    static final class Enums extends JsonDeserializer<Enum<?>> {
        private final Enum<?>[] constants;
        private final String names;

        Enums(Class<?> type) {
            this.constants = (Enum<?>[]) type.getEnumConstants();
            this.names = Arrays.stream(constants).map(Enum::name).collect(Collectors.joining(", "));
        }

        @Override
        public Enum<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.hasToken(JsonToken.VALUE_STRING)) {
                String text = p.getText();
                for (Enum<?> e : constants) {
                    if (e.name().equals(text)) return e;
                }
            }
            throw Problem.invalid(p, show(p) + " is not one of " + names);
        }
    }
}
