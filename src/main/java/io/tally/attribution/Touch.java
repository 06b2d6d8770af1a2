package io.tally.attribution;

/** How an order line was attributed (CONTRACT section 3). */
public enum Touch {
    CLICK,
    VIEW,
    NONE
}
