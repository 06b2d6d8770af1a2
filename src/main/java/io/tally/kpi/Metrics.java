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

    /**
     * The value of a metric of a KPI record as alert rules compare it: counts as they are, money in currency units
     * (cents / 100), ratios as they are; null where the metric is null.
     *
     * @throws IllegalArgumentException for a name that is not a metric
     */
    public static Double value(Kpi k, String metric) {
        switch (metric) {
            case "views": return (double) k.views;
            case "likes": return (double) k.likes;
            case "comments": return (double) k.comments;
            case "shares": return (double) k.shares;
            case "clicks": return (double) k.clicks;
            case "units": return k.units;
            case "gmv": return money(k.gmvCents);
            case "orders": return (double) k.orders;
            case "newCustomerOrders": return (double) k.newCustomerOrders;
            case "attributedOrders": return (double) k.attributedOrders;
            case "attributedGmv": return money(k.attributedGmvCents);
            case "commission": return money(k.commissionCents);
            case "margin": return money(k.marginCents);
            case "refunds": return (double) k.refunds;
            case "refundedAmount": return money(k.refundedAmountCents);
            case "spend": return money(k.spendCents);
            case "engagementRate": return k.engagementRate;
            case "ctr": return k.ctr;
            case "aov": return money(k.aovCents);
            case "conversionRate": return k.conversionRate;
            case "cpa": return money(k.cpaCents);
            case "newCustomerRate": return k.newCustomerRate;
            case "netGmv": return money(k.netGmvCents);
            case "marginPerOrder": return money(k.marginPerOrderCents);
            case "gmvShare": return k.gmvShare;
            case "stock": return k.stock == null ? null : (double) k.stock;
            default: throw new IllegalArgumentException("not a KPI metric: " + metric);
        }
    }

    private static Double money(Long cents) {
        return cents == null ? null : cents / 100.0;
    }
}
