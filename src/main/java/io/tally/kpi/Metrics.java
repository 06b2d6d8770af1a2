package io.tally.kpi;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The names of the KPI metrics (CONTRACT section 4), as KPI records and alert rules spell them. The one list that
 * alert rules are validated against.
 */
public final class Metrics {
    /** Counts and sums, in the contract's order. */
    public static final Set<String> BASE = ordered(
            "views", "likes", "comments", "shares", "clicks", "units", "gmv", "orders", "newCustomerOrders",
            "attributedOrders", "attributedGmv", "commission", "margin", "refunds", "refundedAmount", "spend");

    /** Metrics derived from the base ones (null where their denominator is 0), and the product's stock. */
    public static final Set<String> DERIVED = ordered(
            "engagementRate", "ctr", "aov", "conversionRate", "cpa", "newCustomerRate", "netGmv", "marginPerOrder",
            "gmvShare", "stock");

    /** Every metric name of a KPI record. */
    public static final Set<String> NAMES;

    static {
        Set<String> all = new LinkedHashSet<>(BASE);
        all.addAll(DERIVED);
        NAMES = Collections.unmodifiableSet(all);
    }

    private Metrics() {}

    public static boolean isMetric(String name) {
        return NAMES.contains(name);
    }

    private static Set<String> ordered(String... names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(names)));
    }
}
