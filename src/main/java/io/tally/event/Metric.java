package io.tally.event;

import java.util.HashMap;
import java.util.Map;

/**
 * The metrics of a KPI record (CONTRACT sections 4 and 8) in the contract's order, as KPI records and alert rules spell
 * them: the counts and sums the KPI windows add up, then the metrics derived from them (null where a denominator is
 * 0) and the product's stock.
 */
public enum Metric {
    VIEWS("views", Kind.COUNT),
    LIKES("likes", Kind.COUNT),
    COMMENTS("comments", Kind.COUNT),
    SHARES("shares", Kind.COUNT),
    CLICKS("clicks", Kind.COUNT),
    UNITS("units", Kind.QUANTITY),
    GMV("gmv", Kind.MONEY),
    ORDERS("orders", Kind.COUNT),
    NEW_CUSTOMER_ORDERS("newCustomerOrders", Kind.COUNT),
    ATTRIBUTED_ORDERS("attributedOrders", Kind.COUNT),
    ATTRIBUTED_GMV("attributedGmv", Kind.MONEY),
    COMMISSION("commission", Kind.MONEY),
    MARGIN("margin", Kind.MONEY),
    REFUNDS("refunds", Kind.COUNT),
    REFUNDED_AMOUNT("refundedAmount", Kind.MONEY),
    SPEND("spend", Kind.MONEY),
    REVIEWS("reviews", Kind.COUNT),
    RATING_SUM("ratingSum", Kind.COUNT),
    NEGATIVE_REVIEWS("negativeReviews", Kind.COUNT),
    ENGAGEMENT_RATE("engagementRate", Kind.RATE),
    CTR("ctr", Kind.RATE),
    AOV("aov", Kind.MONEY),
    CONVERSION_RATE("conversionRate", Kind.RATE),
    CPA("cpa", Kind.MONEY),
    NEW_CUSTOMER_RATE("newCustomerRate", Kind.RATE),
    NET_GMV("netGmv", Kind.MONEY),
    MARGIN_PER_ORDER("marginPerOrder", Kind.MONEY),
    GMV_SHARE("gmvShare", Kind.RATE),
    STOCK("stock", Kind.COUNT),
    AVG_RATING("avgRating", Kind.RATE),
    NEGATIVE_REVIEW_RATE("negativeReviewRate", Kind.RATE);

    /** What a metric's number is: it decides its JSON form and how an alert rule compares it. */
    public enum Kind {
        /** A whole number. */
        COUNT,
        /** Units ordered: a line's quantity, weighted by attribution, so not always whole. */
        QUANTITY,
        /** Money, 2 decimals in records; compared in currency units. */
        MONEY,
        /** A ratio, an unrounded double. */
        RATE
    }

    private final String wireName;
    private final Kind kind;

    Metric(String wireName, Kind kind) {
        this.wireName = wireName;
        this.kind = kind;
    }

    public String wireName() {
        return wireName;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the KPI windows add it up (the others are derived from these once a window is written). */
    public boolean isBase() {
        return ordinal() <= NEGATIVE_REVIEWS.ordinal();
    }

    private static final Map<String, Metric> BY_WIRE_NAME = new HashMap<>();

    static {
        for (Metric m : values()) BY_WIRE_NAME.put(m.wireName, m);
    }

    /** The metric spelled {@code wireName} ({@code gmvShare}). */
    public static Metric of(String wireName) {
        Metric m = BY_WIRE_NAME.get(wireName);
        if (m == null) throw new IllegalArgumentException("not a KPI metric: " + wireName);
        return m;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
