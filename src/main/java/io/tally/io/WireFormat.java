package io.tally.io;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The domains of the contract's values (CONTRACT sections 1 and 2), as annotations on the fields of a record. Fields
 * without one take their type's default domain: a string, an integer >= 0 that fits a long, a finite number, true or
 * false, an enum constant spelled exactly, any decimal number.
 */
public final class WireFormat {
    private WireFormat() {}

    /** A required field: absent or JSON null is MISSING_FIELD. (Optional fields keep their initial value.) */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @com.fasterxml.jackson.annotation.JacksonAnnotationsInside
    @com.fasterxml.jackson.annotation.JsonProperty(required = true)
    public @interface Required {
        /** A boolean field of the record that, when true, makes this one optional (a rate, unless deleted). */
        String unless() default "";
    }

    /** A non-empty string of at most 128 characters; on a {@code String[]}, distinct ids in first-seen order. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Id {
        /** Most ids of an array. */
        int most() default Integer.MAX_VALUE;
    }

    /** An upper-case word {@code [A-Z][A-Z0-9_]*} of at most 128 characters (it becomes a KPI key). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Word {}

    /** A number of at least {@link #value()} (default domain of an integer: >= 0). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface AtLeast {
        long value();
    }

    /** An integer of at most {@link #value()}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface AtMost {
        long value();
    }

    /**
     * A string that is one of the enum's constants as they print ({@code toString()}): for fields kept as strings
     * where Flink state holds them, and for names spelled otherwise than Java constants (">=", "gmvShare").
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface OneOf {
        Class<? extends Enum<?>> value();

        /** What a value must be, e.g. "a KPI metric"; empty: "one of" the values. */
        String what() default "";
    }

    /** Money with at most 2 decimals, held as a long count of cents, written with 2 decimals. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Cents {
        Sign value() default Sign.NON_NEGATIVE;
    }

    /** Which amounts of money a field admits: inputs are never negative, reversals in outputs are. */
    public enum Sign {
        POSITIVE,
        NON_NEGATIVE,
        ANY
    }

    /** An exact rate in [0, 1] with at most 20 decimals, trailing zeros dropped. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Rate {}

    /**
     * On a record: while its boolean field {@link #flag()} is JSON false, only the fields {@link #keep()} are read
     * (and required if they are {@link Required}); everything else the record says is ignored, valid or not.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface WhenOff {
        String flag();

        String[] keep();
    }

    /** Leaves a zero amount out of a record written ({@code @JsonInclude(value = CUSTOM, valueFilter = Zero.class)}). */
    public static final class Zero {
        @Override
        public boolean equals(Object value) {
            return value == null || value instanceof java.math.BigDecimal d && d.signum() == 0;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** A decimal written without trailing zeros (0.100 as 0.1, 1E+1 as 10). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Normalized {}
}
