package io.tally.kpi;

import io.tally.event.Money;

import java.math.BigDecimal;

/** Merging partial KPI records and deriving the ratios of CONTRACT section 4. */
public final class KpiMath {
    private KpiMath() {}

    /** A new, empty accumulator for one (dimension, key, window). */
    public static Kpi empty(String dimension, String key, long windowStart, long windowEnd) {
        Kpi k = new Kpi();
        k.dimension = dimension;
        k.key = key;
        k.windowStart = windowStart;
        k.windowEnd = windowEnd;
        return k;
    }

    /** Adds one units contribution (quantity x weight) exactly; see {@link Kpi#unitsSum}. */
    public static void addUnits(Kpi k, double units) {
        setUnits(k, unitsSum(k).add(new BigDecimal(units)));
    }

    private static BigDecimal unitsSum(Kpi k) {
        return k.unitsSum != null ? k.unitsSum : new BigDecimal(k.units);
    }

    private static void setUnits(Kpi k, BigDecimal sum) {
        k.unitsSum = sum;
        k.units = sum.doubleValue();
    }

    /** Adds the counts and sums of {@code from} to {@code into}. */
    public static void add(Kpi into, Kpi from) {
        into.views += from.views;
        into.likes += from.likes;
        into.comments += from.comments;
        into.shares += from.shares;
        into.clicks += from.clicks;
        // Exact, so that the sum does not depend on the order partials are added in.
        setUnits(into, unitsSum(into).add(unitsSum(from)));
        into.gmvCents += from.gmvCents;
        into.orders += from.orders;
        into.newCustomerOrders += from.newCustomerOrders;
        into.attributedOrders += from.attributedOrders;
        into.attributedGmvCents += from.attributedGmvCents;
        into.commissionCents += from.commissionCents;
        into.marginCents += from.marginCents;
        into.refunds += from.refunds;
        into.refundedAmountCents += from.refundedAmountCents;
        into.spendCents += from.spendCents;
        into.reviews += from.reviews;
        into.ratingSum += from.ratingSum;
        into.negativeReviews += from.negativeReviews;
    }

    /** A copy with the derived metrics computed (gmvShare left null: it needs the window's ALL record). */
    public static Kpi derive(Kpi acc, boolean isFinal, Long stock) {
        Kpi k = empty(acc.dimension, acc.key, acc.windowStart, acc.windowEnd);
        add(k, acc);
        k.isFinal = isFinal;
        k.engagementRate = ratio(k.likes + k.comments + k.shares, k.views);
        k.ctr = ratio(k.clicks, k.views);
        k.aovCents = k.orders == 0 ? null : Money.divide(k.gmvCents, k.orders);
        k.conversionRate = ratio(k.attributedOrders, k.clicks);
        k.cpaCents = k.attributedOrders == 0 ? null : Money.divide(k.commissionCents + k.spendCents, k.attributedOrders);
        k.newCustomerRate = ratio(k.newCustomerOrders, k.orders);
        k.netGmvCents = k.gmvCents - k.refundedAmountCents;
        k.marginPerOrderCents = k.attributedOrders == 0 ? null : Money.divide(k.marginCents, k.attributedOrders);
        k.stock = stock;
        k.avgRating = ratio(k.ratingSum, k.reviews);
        k.negativeReviewRate = ratio(k.negativeReviews, k.reviews);
        return k;
    }

    /** numerator / denominator, null when the denominator is 0. */
    public static Double ratio(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    /** gmvShare = attributedGmv / attributedGmv of ALL in the same window; null when that is 0 or unknown. */
    public static Double gmvShare(Kpi k, Long allAttributedGmvCents) {
        if (allAttributedGmvCents == null || allAttributedGmvCents == 0) return null;
        return (double) k.attributedGmvCents / allAttributedGmvCents;
    }
}
