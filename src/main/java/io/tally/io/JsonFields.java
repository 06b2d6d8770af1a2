package io.tally.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.event.Money;

import java.math.BigDecimal;

/**
 * Typed, validated access to the fields of one JSON object of an input record. Every failure names the field by
 * its dotted path from the record's root ({@code lines[2].quantity}). Absent and JSON null are the same thing: a
 * required field that is either is MISSING_FIELD, an optional one takes its default.
 */
final class JsonFields {
    /** Ids are non-empty strings of at most this many characters (CONTRACT section 1). */
    static final int MAX_ID_CHARS = 128;
    /** Largest amount whose cents fit a long. */
    private static final BigDecimal MAX_MONEY = BigDecimal.valueOf(Long.MAX_VALUE, 2);
    /**
     * Most decimals kept in a rate. The bound keeps a hostile exponent (1e-999999999 is a short JSON number) from
     * making every later decimal multiplication expensive; 20 decimals is far beyond any real rate.
     */
    static final int MAX_RATE_DECIMALS = 20;
    /** Longest value shown in a detail. */
    private static final int SHOWN_CHARS = 40;

    private final JsonNode node;
    /** Path of this object followed by a dot, or empty at the root. */
    private final String prefix;

    private JsonFields(JsonNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    static JsonFields root(JsonNode object) {
        return new JsonFields(object, "");
    }

    String path(String field) {
        return prefix + field;
    }

    InvalidRecordException invalid(String field, String problem) {
        return InvalidRecordException.invalid(path(field), problem);
    }

    // ---- presence ----

    JsonNode required(String field) throws InvalidRecordException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw InvalidRecordException.missing(path(field), v != null);
        return v;
    }

    /** The field's value, or null when it is absent or JSON null. */
    JsonNode optional(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String field) {
        return optional(field) != null;
    }

    // ---- ids and strings ----

    String id(String field) throws InvalidRecordException {
        return id(required(field), path(field));
    }

    String optionalId(String field) throws InvalidRecordException {
        JsonNode v = optional(field);
        return v == null ? null : id(v, path(field));
    }

    static String id(JsonNode v, String path) throws InvalidRecordException {
        if (!v.isTextual()) {
            throw InvalidRecordException.invalid(path, "must be a string id (got " + show(v) + ")");
        }
        String s = v.textValue();
        if (s.isEmpty()) throw InvalidRecordException.invalid(path, "must not be empty");
        // Characters, not UTF-16 units: an id of 100 emoji is 100 characters.
        if (s.length() > MAX_ID_CHARS && s.codePointCount(0, s.length()) > MAX_ID_CHARS) {
            throw InvalidRecordException.invalid(path, "longer than " + MAX_ID_CHARS + " characters ("
                    + s.codePointCount(0, s.length()) + ")");
        }
        return s;
    }

    String optionalString(String field) throws InvalidRecordException {
        JsonNode v = optional(field);
        if (v == null) return null;
        if (!v.isTextual()) throw invalid(field, "must be a string (got " + show(v) + ")");
        return v.textValue();
    }

    /** An upper-case word {@code [A-Z][A-Z0-9_]*} of at most 128 characters (it becomes a KPI key). */
    String upperCaseWord(String field, String whenAbsent) throws InvalidRecordException {
        JsonNode v = optional(field);
        if (v == null) return whenAbsent;
        String problem = "must be an upper-case word such as TUTORIAL ([A-Z][A-Z0-9_]*, at most " + MAX_ID_CHARS
                + " characters)";
        if (!v.isTextual()) throw invalid(field, problem + " (got " + show(v) + ")");
        String s = v.textValue();
        if (!isUpperCaseWord(s)) throw invalid(field, problem + " (got " + show(v) + ")");
        return s;
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

    /** One of the enum's constants, spelled exactly (upper case). */
    <E extends Enum<E>> E enumValue(String field, Class<E> type) throws InvalidRecordException {
        JsonNode v = required(field);
        if (v.isTextual()) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(v.textValue())) return e;
            }
        }
        throw invalid(field, show(v) + " is not one of " + names(type.getEnumConstants()));
    }

    static String names(Object[] values) {
        StringBuilder sb = new StringBuilder();
        for (Object o : values) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(o);
        }
        return sb.toString();
    }

    // ---- booleans and integers ----

    boolean bool(String field, boolean whenAbsent) throws InvalidRecordException {
        JsonNode v = optional(field);
        if (v == null) return whenAbsent;
        if (!v.isBoolean()) throw invalid(field, "must be true or false (got " + show(v) + ")");
        return v.booleanValue();
    }

    /** Event time: a JSON integer of epoch milliseconds, >= 0. */
    long ts() throws InvalidRecordException {
        return integer("ts", 0);
    }

    /** A JSON integer (5.0 and 5e0 are not) that fits a long and is >= min. */
    long integer(String field, long min) throws InvalidRecordException {
        return integer(required(field), path(field), min);
    }

    Long optionalInteger(String field, long min) throws InvalidRecordException {
        JsonNode v = optional(field);
        return v == null ? null : integer(v, path(field), min);
    }

    static long integer(JsonNode v, String path, long min) throws InvalidRecordException {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min) {
            throw InvalidRecordException.invalid(path, "must be an integer >= " + min + " (got " + show(v) + ")");
        }
        return v.longValue();
    }

    // ---- money, rates, numbers ----

    /** Money >= 0 (or > 0 when {@code positive}) with at most 2 decimals, in cents. */
    long money(String field, boolean positive) throws InvalidRecordException {
        return money(required(field), path(field), positive);
    }

    Long optionalMoney(String field, boolean positive) throws InvalidRecordException {
        JsonNode v = optional(field);
        return v == null ? null : money(v, path(field), positive);
    }

    static long money(JsonNode v, String path, boolean positive) throws InvalidRecordException {
        BigDecimal d = decimal(v, path);
        if (positive ? d.signum() <= 0 : d.signum() < 0) {
            throw InvalidRecordException.invalid(path, "must be " + (positive ? "> 0" : ">= 0") + " (got " + show(v) + ")");
        }
        // Magnitude before decimals: compareTo is cheap even for 1e999999999, the scale arithmetic would not be.
        if (d.compareTo(MAX_MONEY) > 0) {
            throw InvalidRecordException.invalid(path, "too large an amount (got " + show(v) + ")");
        }
        if (d.stripTrailingZeros().scale() > 2) {
            throw InvalidRecordException.invalid(path, "must have at most 2 decimals (got " + show(v) + ")");
        }
        return Money.toCents(d);
    }

    /** A rate in [0, 1], exact. */
    BigDecimal rate(String field) throws InvalidRecordException {
        return rate(required(field), path(field));
    }

    BigDecimal optionalRate(String field, BigDecimal whenAbsent) throws InvalidRecordException {
        JsonNode v = optional(field);
        return v == null ? whenAbsent : rate(v, path(field));
    }

    private static BigDecimal rate(JsonNode v, String path) throws InvalidRecordException {
        BigDecimal d = decimal(v, path);
        if (d.signum() < 0 || d.compareTo(BigDecimal.ONE) > 0) {
            throw InvalidRecordException.invalid(path, "must be a number in [0, 1] (got " + show(v) + ")");
        }
        BigDecimal r = d.stripTrailingZeros();
        if (r.scale() > MAX_RATE_DECIMALS) {
            throw InvalidRecordException.invalid(path, "must have at most " + MAX_RATE_DECIMALS + " decimals (got "
                    + show(v) + ")");
        }
        return r;
    }

    /** Any finite number, as a double (thresholds of alert rules). */
    double number(String field) throws InvalidRecordException {
        return number(required(field), path(field));
    }

    static double number(JsonNode v, String path) throws InvalidRecordException {
        double d = decimal(v, path).doubleValue();
        if (!Double.isFinite(d)) throw InvalidRecordException.invalid(path, "too large a number (got " + show(v) + ")");
        return d;
    }

    private static BigDecimal decimal(JsonNode v, String path) throws InvalidRecordException {
        if (!v.isNumber()) throw InvalidRecordException.invalid(path, "must be a number (got " + show(v) + ")");
        return v.decimalValue();
    }

    // ---- nested ----

    /** A nested object, required. */
    JsonFields object(String field) throws InvalidRecordException {
        JsonNode v = required(field);
        if (!v.isObject()) throw invalid(field, "must be an object (got " + show(v) + ")");
        return new JsonFields(v, path(field) + ".");
    }

    /** Element i of an array field, which must be an object. */
    JsonFields element(JsonNode array, String field, int i) throws InvalidRecordException {
        JsonNode v = array.get(i);
        String path = path(field) + "[" + i + "]";
        if (!v.isObject()) throw InvalidRecordException.invalid(path, "must be an object (got " + show(v) + ")");
        return new JsonFields(v, path + ".");
    }

    /** The value as a short, readable text for a detail: containers by kind, long strings cut. */
    static String show(JsonNode v) {
        switch (v.getNodeType()) {
            case STRING: {
                String s = v.textValue();
                return "'" + (s.length() > SHOWN_CHARS ? s.substring(0, SHOWN_CHARS) + "..." : s) + "'";
            }
            case ARRAY: return "an array";
            case OBJECT: return "an object";
            case NULL: return "null";
            default: {
                String s = v.asText();
                return s.length() > SHOWN_CHARS ? s.substring(0, SHOWN_CHARS) + "..." : s;
            }
        }
    }
}
