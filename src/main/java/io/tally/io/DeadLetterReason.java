package io.tally.io;

/** Why a record never entered a computation (CONTRACT section 6). */
public enum DeadLetterReason {
    MALFORMED_JSON,
    MISSING_FIELD,
    INVALID_VALUE,
    DUPLICATE,
    LATE,
    FUTURE,
    UNKNOWN_ORDER,
    AFTER_SETTLEMENT,
    ALREADY_REVERSED
}
