package io.tally.event;

/**
 * KPI dimensions (CONTRACT sections 4 and 8). ALL has the single key "*"; CATEGORY and NICHE are a product's category
 * and a creator's niche as of the event's ts ("UNKNOWN" without one), MATCH the pair {@code niche|category}.
 */
public enum Dimension {
    ALL,
    MERCHANT,
    CREATOR,
    CONTENT,
    PRODUCT,
    TIER,
    FORMAT,
    CATEGORY,
    NICHE,
    MATCH;

    public static final String ALL_KEY = "*";
    /** The CATEGORY or NICHE key of a product or creator without one. */
    public static final String UNKNOWN = "UNKNOWN";

    /** The MATCH key of a creator's niche and a product's category. */
    public static String match(String niche, String category) {
        return niche + "|" + category;
    }
}
