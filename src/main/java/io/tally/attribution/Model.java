package io.tally.attribution;

/** Attribution models of CONTRACT section 3.2. */
public enum Model {
    LAST_CLICK,
    FIRST_CLICK,
    LINEAR,
    TIME_DECAY,
    POSITION_BASED
}
