package io.tally.io;

/**
 * A record that cannot enter a computation: not JSON, a required field missing, or a value out of its domain
 * (CONTRACT sections 1 and 2). Bad records are routine input, so this exception carries no stack trace and is cheap
 * to throw.
 */
public class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;
    private final String detail;

    public InvalidRecordException(DeadLetterReason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
        this.detail = detail;
    }

    /** MALFORMED_JSON: not valid JSON, or not one JSON object. */
    public static InvalidRecordException malformed(String detail) {
        return new InvalidRecordException(DeadLetterReason.MALFORMED_JSON, detail);
    }

    /** MISSING_FIELD: a required field is absent or JSON null; {@code path} is dotted, e.g. {@code lines[2].quantity}. */
    public static InvalidRecordException missing(String path, boolean isNull) {
        return new InvalidRecordException(DeadLetterReason.MISSING_FIELD, path + (isNull ? ": null" : ": missing"));
    }

    /** INVALID_VALUE: wrong type or out of domain, e.g. {@code lines[2].quantity: must be an integer >= 1}. */
    public static InvalidRecordException invalid(String path, String problem) {
        return new InvalidRecordException(DeadLetterReason.INVALID_VALUE, path + ": " + problem);
    }

    public DeadLetterReason reason() {
        return reason;
    }

    /** Names the offending field with a dotted path where there is one. */
    public String detail() {
        return detail;
    }
}
