package io.tally.event;

/** A record of the contract that stands at a point of event time (CONTRACT section 1). */
public interface Record {
    /** Event time in epoch milliseconds: what watermarks and windows follow. */
    long eventTime();
}
