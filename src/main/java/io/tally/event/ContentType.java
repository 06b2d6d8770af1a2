package io.tally.event;

/** Where a creator featured a product: a recorded video or a live stream. */
public enum ContentType {
    VIDEO,
    LIVE;

    /** The contentFormat of a record that does not say. */
    public static final String OTHER_FORMAT = "OTHER";
}
