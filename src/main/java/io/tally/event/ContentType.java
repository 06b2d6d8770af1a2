package io.tally.event;

/** Where a creator featured a product: a recorded video or a live stream. */
public enum ContentType {
    VIDEO,
    LIVE
}
