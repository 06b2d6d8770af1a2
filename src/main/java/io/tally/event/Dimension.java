package io.tally.event;

/** KPI dimensions (CONTRACT section 4). ALL has the single key "*". */
public enum Dimension {
    ALL,
    MERCHANT,
    CREATOR,
    CONTENT,
    PRODUCT,
    TIER,
    FORMAT;

    public static final String ALL_KEY = "*";
}
