package io.tally.event;

/** What shoppers and merchants do: a record Tally deduplicates by its id within its stream's horizon. */
public interface Event extends Record {
    /** The id a duplicate repeats: eventId, or orderId for an order. */
    String id();
}
