package io.tally.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * A value out of its domain, or a required field absent, found while a record is bound. A mapping exception so that
 * Jackson adds the path of the field as it unwinds ({@code lines[2].quantity}); {@link Json} turns it into an
 * {@link InvalidRecordException}. Bad records are routine input: no stack trace.
 */
public final class Problem extends JsonMappingException {
    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    private Problem(JsonParser p, DeadLetterReason reason, String problem) {
        super(p, problem);
        this.reason = reason;
    }

    /** INVALID_VALUE: the value at the parser's current token is wrong, e.g. "must be an integer >= 1 (got 0)". */
    public static Problem invalid(JsonParser p, String problem) {
        return new Problem(p, DeadLetterReason.INVALID_VALUE, problem);
    }

    /** MISSING_FIELD: the field is absent, or JSON null (the same thing for every field). */
    static Problem missing(JsonParser p, boolean isNull) {
        return new Problem(p, DeadLetterReason.MISSING_FIELD, isNull ? "null" : "missing");
    }

    DeadLetterReason reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
