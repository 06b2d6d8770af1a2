package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.attribution.Model;
import io.tally.attribution.Touch;
import io.tally.event.Click;
import io.tally.event.ContentType;
import io.tally.event.Engagement;
import io.tally.event.EngagementKind;
import io.tally.event.Metric;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.SpendKind;
import io.tally.event.View;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** Builders of KPI inputs and a readable view of a record's base metrics, shared by the KPI tests. */
final class KpiFixtures {
    static final long MINUTE = 60_000L;
    static final long HOUR = 3_600_000L;
    static final long DAY = 86_400_000L;

    private KpiFixtures() {}

    static View view(String id, long ts, String creator, String content, String format, String... products) {
        return new View(id, ts, "u1", creator, content, ContentType.VIDEO, format, products);
    }

    static Engagement engagement(String id, long ts, EngagementKind kind, String creator, String content, String format) {
        return new Engagement(id, ts, "u1", creator, content, ContentType.LIVE, format, kind);
    }

    static Click click(String id, long ts, String creator, String content, String format, String product, String merchant) {
        return new Click(id, ts, "u1", creator, content, ContentType.VIDEO, product, merchant, format);
    }

    static Spend spend(String id, long ts, String merchant, String creator, long cents) {
        return new Spend(id, ts, merchant, creator, cents, SpendKind.FLAT_FEE);
    }

    /** A review by user u1; {@code order} may be null (a review that names no order). */
    static Review review(String id, long ts, String product, String merchant, int rating, String order) {
        return new Review(id, ts, "u1", product, merchant, rating, order);
    }

    /** The credit of a review: the creator, content, tier and format of the reviewed line's attribution. */
    static ReviewCredit creditOf(String creator, String content, String tier, String format) {
        ReviewCredit c = new ReviewCredit();
        c.creatorId = creator;
        c.contentId = content;
        c.tier = tier;
        c.contentFormat = format;
        return c;
    }

    /** An organic line: touch NONE, creator fields null, weight 1, amount = line amount. */
    static Attribution organic(String order, String line, long ts, String merchant, String product, long quantity,
                               long lineAmountCents, boolean newCustomer) {
        Attribution a = new Attribution();
        a.orderId = order;
        a.lineId = line;
        a.ts = ts;
        a.userId = "u1";
        a.merchantId = merchant;
        a.productId = product;
        a.quantity = quantity;
        a.lineAmountCents = lineAmountCents;
        a.model = Model.LAST_CLICK;
        a.touch = Touch.NONE;
        a.weight = 1.0;
        a.amountCents = lineAmountCents;
        a.commissionCents = 0;
        a.marginCents = null;
        a.newCustomer = newCustomer;
        return a;
    }

    /** The share {@code weight} of a line credited to a creator's content through a click. */
    static Attribution credited(String order, String line, long ts, String merchant, String product, long quantity,
                                long lineAmountCents, boolean newCustomer, String creator, String content,
                                String format, String tier, double weight, long amountCents, long commissionCents,
                                Long marginCents) {
        Attribution a = organic(order, line, ts, merchant, product, quantity, lineAmountCents, newCustomer);
        a.model = Model.LINEAR;
        a.touch = Touch.CLICK;
        a.touchEventId = "k-" + creator + "-" + content;
        a.touchTs = ts - 1_000;
        a.creatorId = creator;
        a.contentId = content;
        a.contentFormat = format;
        a.tier = tier;
        a.weight = weight;
        a.amountCents = amountCents;
        a.commissionRate = new BigDecimal("0.1");
        a.commissionCents = commissionCents;
        a.marginCents = marginCents;
        return a;
    }

    /** The reversal of {@code original} by update {@code updateEventId} at ts, reversing amount and commission. */
    static Attribution reversal(Attribution original, String updateEventId, long ts, long reversedAmountCents,
                                long reversedCommissionCents) {
        Attribution r = original.copy();
        r.ts = ts;
        r.reversal = true;
        r.updateEventId = updateEventId;
        r.updateKind = "REFUND";
        r.amountCents = -reversedAmountCents;
        r.commissionCents = -reversedCommissionCents;
        return r;
    }

    /** Every count and sum of a record, by metric name (money in cents), in the contract's order. */
    static Map<String, Double> base(Kpi k) {
        Map<String, Double> m = new LinkedHashMap<>();
        METRICS.forEach((name, get) -> m.put(name, get.applyAsDouble(k)));
        return m;
    }

    /** The base metrics a record should have: the named ones, every other one 0. */
    static Map<String, Double> only(Object... nameValue) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String name : METRICS.keySet()) m.put(name, 0.0);
        for (int i = 0; i < nameValue.length; i += 2) {
            String name = (String) nameValue[i];
            if (!m.containsKey(name)) throw new IllegalArgumentException("no base metric " + name);
            m.put(name, ((Number) nameValue[i + 1]).doubleValue());
        }
        return m;
    }

    private static final Map<String, ToDoubleFunction<Kpi>> METRICS = new LinkedHashMap<>();

    static {
        METRICS.put("views", k -> k.views);
        METRICS.put("likes", k -> k.likes);
        METRICS.put("comments", k -> k.comments);
        METRICS.put("shares", k -> k.shares);
        METRICS.put("clicks", k -> k.clicks);
        METRICS.put("units", k -> k.units);
        METRICS.put("gmv", k -> k.gmvCents);
        METRICS.put("orders", k -> k.orders);
        METRICS.put("newCustomerOrders", k -> k.newCustomerOrders);
        METRICS.put("attributedOrders", k -> k.attributedOrders);
        METRICS.put("attributedGmv", k -> k.attributedGmvCents);
        METRICS.put("commission", k -> k.commissionCents);
        METRICS.put("margin", k -> k.marginCents);
        METRICS.put("refunds", k -> k.refunds);
        METRICS.put("refundedAmount", k -> k.refundedAmountCents);
        METRICS.put("spend", k -> k.spendCents);
        METRICS.put("reviews", k -> k.reviews);
        METRICS.put("ratingSum", k -> k.ratingSum);
        METRICS.put("negativeReviews", k -> k.negativeReviews);
        Set<String> base = java.util.Arrays.stream(Metric.values()).filter(Metric::isBase).map(Metric::wireName)
                .collect(java.util.stream.Collectors.toSet());
        if (!METRICS.keySet().equals(base)) throw new AssertionError("base metrics changed: " + base);
    }
}
