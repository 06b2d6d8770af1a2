package io.tally.kpi;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.event.Click;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.Product;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.View;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * CONTRACT sections 4 and 8 written out the plain way, for the reference test: one accumulator per (dimension, key,
 * window) with sets for the distinct counts and decimals for money, filled from the raw events and the attribution
 * records. Reviews are credited from the raw orders and the primary attribution records, by the words of section 8.
 * It shares no code with the KPI stage.
 */
final class KpiReference {
    /** Expected metrics of one (dimension, key, window). */
    static final class Window {
        final String dimension;
        final String key;
        final long start;
        final long end;
        long views;
        long likes;
        long comments;
        long shares;
        long clicks;
        BigDecimal units = BigDecimal.ZERO;
        BigDecimal gmv = BigDecimal.ZERO;
        final Set<String> orders = new HashSet<>();
        final Set<String> newCustomerOrders = new HashSet<>();
        final Set<String> attributedOrders = new HashSet<>();
        BigDecimal attributedGmv = BigDecimal.ZERO;
        BigDecimal commission = BigDecimal.ZERO;
        BigDecimal margin = BigDecimal.ZERO;
        final Set<String> refunds = new HashSet<>();
        BigDecimal refundedAmount = BigDecimal.ZERO;
        BigDecimal spend = BigDecimal.ZERO;
        long reviews;
        long ratingSum;
        long negativeReviews;
        /** Lines whose lineAmount was added to gmv (ALL, MERCHANT, PRODUCT: once per line). */
        final Set<String> linesInGmv = new HashSet<>();
        Long stock;
        Double gmvShare;

        Window(String dimension, String key, long start, long end) {
            this.dimension = dimension;
            this.key = key;
            this.start = start;
            this.end = end;
        }

        String id() {
            return dimension + "|" + key + "|" + start + "|" + end;
        }

        Double engagementRate() {
            return views == 0 ? null : (double) (likes + comments + shares) / views;
        }

        Double ctr() {
            return views == 0 ? null : (double) clicks / views;
        }

        BigDecimal aov() {
            return money(gmv, orders.size());
        }

        Double conversionRate() {
            return clicks == 0 ? null : (double) attributedOrders.size() / clicks;
        }

        BigDecimal cpa() {
            return money(commission.add(spend), attributedOrders.size());
        }

        Double newCustomerRate() {
            return orders.isEmpty() ? null : (double) newCustomerOrders.size() / orders.size();
        }

        BigDecimal netGmv() {
            return gmv.subtract(refundedAmount);
        }

        Double avgRating() {
            return reviews == 0 ? null : (double) ratingSum / reviews;
        }

        Double negativeReviewRate() {
            return reviews == 0 ? null : (double) negativeReviews / reviews;
        }

        BigDecimal marginPerOrder() {
            return money(margin, attributedOrders.size());
        }

        private static BigDecimal money(BigDecimal amount, int count) {
            return count == 0 ? null : amount.divide(BigDecimal.valueOf(count), 2, RoundingMode.HALF_EVEN);
        }
    }

    /** The settlement window within which a review of an order's line is credited [30d]. */
    static final long SETTLEMENT_MS = 30L * 86_400_000L;

    private final long[] sizes;
    private final long settlementMs;
    private final List<Creator> creators;
    private final List<Product> products;
    final Map<String, Window> windows = new TreeMap<>();
    /** How many reviews were credited, and how many not (for the test's coverage checks). */
    int creditedReviews;
    int uncreditedReviews;

    private KpiReference(long[] sizes, long settlementMs, List<Creator> creators, List<Product> products) {
        this.sizes = sizes;
        this.settlementMs = settlementMs;
        this.creators = creators;
        this.products = products;
    }

    /** The result: the expected windows and the count of credited reviews. */
    static KpiReference of(KpiDataSet data, List<JsonNode> attributions, long[] sizes) {
        return of(data, attributions, sizes, SETTLEMENT_MS);
    }

    /** @param settlementMs the settlement window the replay was configured with */
    static KpiReference of(KpiDataSet data, List<JsonNode> attributions, long[] sizes, long settlementMs) {
        KpiReference r = new KpiReference(sizes, settlementMs, data.creators, data.products);
        r.fill(data, attributions);
        return r;
    }

    /**
     * @param attributions the primary-model attribution records and reversals the replay wrote, as JSON
     */
    static Map<String, Window> compute(KpiDataSet data, List<JsonNode> attributions, long[] sizes) {
        return of(data, attributions, sizes).windows;
    }

    private void fill(KpiDataSet data, List<JsonNode> attributions) {
        KpiReference r = this;
        for (View v : data.views) {
            String tier = r.tier(v.creatorId, v.ts);
            r.contentKeys(v.ts, v.creatorId, v.contentId, tier, v.contentFormat, w -> w.views++);
            for (String p : new LinkedHashSet<>(List.of(v.productIds))) r.at("PRODUCT", p, v.ts, w -> w.views++);
            // Section 8: a view shows several products, so NICHE only.
            r.at("NICHE", r.niche(v.creatorId, v.ts), v.ts, w -> w.views++);
        }
        for (Engagement e : data.engagements) {
            Consumer<Window> one;
            switch (e.kind) {
                case LIKE: one = w -> w.likes++; break;
                case COMMENT: one = w -> w.comments++; break;
                default: one = w -> w.shares++;
            }
            r.contentKeys(e.ts, e.creatorId, e.contentId, r.tier(e.creatorId, e.ts), e.contentFormat, one);
        }
        for (Click c : data.clicks) {
            Consumer<Window> one = w -> w.clicks++;
            r.contentKeys(c.ts, c.creatorId, c.contentId, r.tier(c.creatorId, c.ts), c.contentFormat, one);
            r.at("MERCHANT", c.merchantId, c.ts, one);
            r.at("PRODUCT", c.productId, c.ts, one);
            r.fit(c.creatorId, c.productId, c.ts, one);
        }
        for (Spend s : data.spend) {
            BigDecimal amount = BigDecimal.valueOf(s.amountCents, 2);
            Consumer<Window> add = w -> w.spend = w.spend.add(amount);
            r.at("ALL", "*", s.ts, add);
            r.at("MERCHANT", s.merchantId, s.ts, add);
            r.at("CREATOR", s.creatorId, s.ts, add);
            r.at("TIER", r.tier(s.creatorId, s.ts), s.ts, add);
        }
        for (JsonNode a : attributions) {
            if (a.get("reversal").asBoolean()) r.reversal(a);
            else r.attribution(a);
        }
        r.reviews(data, attributions);
        r.stock(data.products);
        r.gmvShares();
    }

    /** CATEGORY of the product, NICHE of the creator and MATCH niche|category, each as of ts. */
    private void fit(String creatorId, String productId, long ts, Consumer<Window> add) {
        String niche = niche(creatorId, ts);
        String category = category(productId, ts);
        at("CATEGORY", category, ts, add);
        at("NICHE", niche, ts, add);
        at("MATCH", niche + "|" + category, ts, add);
    }

    /**
     * Section 8: a review at R with an orderId is credited to the creatorId, contentId, tier and contentFormat of that
     * order's line for productId when the order's T satisfies T <= R <= T + settlement window and the line's primary
     * attribution has touch CLICK or VIEW. An order with two lines of the product: the first by lineId. A line the
     * primary model split over several credits: the credit of its latest touch, by (touchTs, touchEventId).
     */
    private void reviews(KpiDataSet data, List<JsonNode> attributions) {
        Map<String, Order> orders = new HashMap<>();
        for (Order o : data.orders) orders.put(o.orderId, o);
        Map<String, List<JsonNode>> creditsByLine = new HashMap<>();
        for (JsonNode a : attributions) {
            if (a.get("reversal").asBoolean()) continue;
            creditsByLine.computeIfAbsent(a.get("orderId").asText() + "/" + a.get("lineId").asText(),
                    k -> new ArrayList<>()).add(a);
        }
        for (Review v : data.reviews) {
            Consumer<Window> one = w -> {
                w.reviews++;
                w.ratingSum += v.rating;
                if (v.rating <= 2) w.negativeReviews++;
            };
            at("ALL", "*", v.ts, one);
            at("MERCHANT", v.merchantId, v.ts, one);
            at("PRODUCT", v.productId, v.ts, one);
            JsonNode credit = creditOf(v, orders, creditsByLine);
            if (credit == null) {
                uncreditedReviews++;
                continue;
            }
            creditedReviews++;
            at("CREATOR", credit.get("creatorId").asText(), v.ts, one);
            at("CONTENT", credit.get("contentId").asText(), v.ts, one);
            at("TIER", credit.get("tier").asText(), v.ts, one);
            at("FORMAT", credit.get("contentFormat").asText(), v.ts, one);
            fit(credit.get("creatorId").asText(), v.productId, v.ts, one);
        }
    }

    /** The attribution record the review is credited to, or null. */
    private JsonNode creditOf(Review v, Map<String, Order> orders, Map<String, List<JsonNode>> creditsByLine) {
        if (v.orderId == null) return null;
        Order o = orders.get(v.orderId);
        if (o == null || v.ts < o.ts || v.ts > o.ts + settlementMs) return null;
        String lineId = null;
        for (OrderLine l : o.lines) {
            if (l.productId.equals(v.productId) && (lineId == null || l.lineId.compareTo(lineId) < 0)) lineId = l.lineId;
        }
        if (lineId == null) return null;
        JsonNode latest = null;
        for (JsonNode a : creditsByLine.getOrDefault(o.orderId + "/" + lineId, List.of())) {
            String touch = a.get("touch").asText();
            if (!touch.equals("CLICK") && !touch.equals("VIEW")) continue;
            if (latest == null || later(a, latest)) latest = a;
        }
        return latest;
    }

    private static boolean later(JsonNode a, JsonNode b) {
        long ta = a.get("touchTs").asLong();
        long tb = b.get("touchTs").asLong();
        if (ta != tb) return ta > tb;
        return a.get("touchEventId").asText().compareTo(b.get("touchEventId").asText()) > 0;
    }

    private void attribution(JsonNode a) {
        long ts = a.get("ts").asLong();
        String orderId = a.get("orderId").asText();
        String line = orderId + "/" + a.get("lineId").asText();
        boolean attributed = !a.get("touch").asText().equals("NONE");
        BigDecimal units = BigDecimal.valueOf(a.get("quantity").asLong()).multiply(a.get("weight").decimalValue());
        BigDecimal lineAmount = a.get("lineAmount").decimalValue();
        BigDecimal amount = a.get("amount").decimalValue();
        BigDecimal commission = a.get("commission").decimalValue();
        BigDecimal margin = a.get("margin").isNull() ? BigDecimal.ZERO : a.get("margin").decimalValue();
        boolean newCustomer = a.get("newCustomer").asBoolean();
        Consumer<Window> attributedPart = w -> {
            w.attributedOrders.add(orderId);
            w.attributedGmv = w.attributedGmv.add(amount);
            w.commission = w.commission.add(commission);
            w.margin = w.margin.add(margin);
        };
        Consumer<Window> order = w -> {
            w.units = w.units.add(units);
            w.orders.add(orderId);
            if (newCustomer) w.newCustomerOrders.add(orderId);
        };
        for (String[] dk : merchantKeys(a)) {
            at(dk[0], dk[1], ts, w -> {
                order.accept(w);
                if (w.linesInGmv.add(line)) w.gmv = w.gmv.add(lineAmount);
                if (attributed) attributedPart.accept(w);
            });
        }
        if (!attributed) return;
        for (String[] dk : creatorKeys(a, ts)) {
            at(dk[0], dk[1], ts, w -> {
                order.accept(w);
                w.gmv = w.gmv.add(amount);
                attributedPart.accept(w);
            });
        }
    }

    private void reversal(JsonNode r) {
        long ts = r.get("ts").asLong();
        String update = r.get("updateEventId").asText();
        BigDecimal amount = r.get("amount").decimalValue();
        BigDecimal commission = r.get("commission").decimalValue();
        Consumer<Window> reverse = w -> {
            w.refunds.add(update);
            w.refundedAmount = w.refundedAmount.subtract(amount);
            w.commission = w.commission.add(commission);
        };
        for (String[] dk : merchantKeys(r)) at(dk[0], dk[1], ts, reverse);
        if (r.get("touch").asText().equals("NONE")) return;
        for (String[] dk : creatorKeys(r, ts)) at(dk[0], dk[1], ts, reverse);
    }

    private static String[][] merchantKeys(JsonNode a) {
        return new String[][] {{"ALL", "*"}, {"MERCHANT", a.get("merchantId").asText()},
                {"PRODUCT", a.get("productId").asText()}};
    }

    /** The winning touch's keys, and CATEGORY, NICHE and MATCH of its creator and the line's product at ts. */
    private String[][] creatorKeys(JsonNode a, long ts) {
        String niche = niche(a.get("creatorId").asText(), ts);
        String category = category(a.get("productId").asText(), ts);
        return new String[][] {{"CREATOR", a.get("creatorId").asText()}, {"CONTENT", a.get("contentId").asText()},
                {"TIER", a.get("tier").asText()}, {"FORMAT", a.get("contentFormat").asText()},
                {"CATEGORY", category}, {"NICHE", niche}, {"MATCH", niche + "|" + category}};
    }

    /** stock (PRODUCT) = stock of the product version with the greatest ts < windowEnd. */
    private void stock(List<Product> products) {
        for (Window w : windows.values()) {
            if (!w.dimension.equals("PRODUCT")) continue;
            Product inForce = null;
            for (Product p : products) {
                if (p.productId.equals(w.key) && p.ts < w.end && (inForce == null || p.ts > inForce.ts)) inForce = p;
            }
            w.stock = inForce == null ? null : inForce.stock;
        }
    }

    /** gmvShare (CREATOR, TIER, FORMAT, NICHE, MATCH) = attributedGmv / attributedGmv of ALL in the same window. */
    private void gmvShares() {
        for (Window w : windows.values()) {
            if (!Set.of("CREATOR", "TIER", "FORMAT", "NICHE", "MATCH").contains(w.dimension)) continue;
            Window all = windows.get("ALL|*|" + w.start + "|" + w.end);
            BigDecimal total = all == null ? BigDecimal.ZERO : all.attributedGmv;
            w.gmvShare = total.signum() == 0 ? null : w.attributedGmv.doubleValue() / total.doubleValue();
        }
    }

    /** The niche of the creator's version with the greatest ts <= at; UNKNOWN without a version or a niche. */
    private String niche(String creatorId, long at) {
        Creator inForce = null;
        for (Creator c : creators) {
            if (c.creatorId.equals(creatorId) && c.ts <= at && (inForce == null || c.ts > inForce.ts)) inForce = c;
        }
        return inForce == null || inForce.niche == null ? "UNKNOWN" : inForce.niche;
    }

    /** The category of the product's version with the greatest ts <= at; UNKNOWN without a version or a category. */
    private String category(String productId, long at) {
        Product inForce = null;
        for (Product p : products) {
            if (p.productId.equals(productId) && p.ts <= at && (inForce == null || p.ts > inForce.ts)) inForce = p;
        }
        return inForce == null || inForce.category == null ? "UNKNOWN" : inForce.category;
    }

    /** The tier of the creator's version with the greatest ts <= at; UNKNOWN without one. */
    private String tier(String creatorId, long at) {
        Creator inForce = null;
        for (Creator c : creators) {
            if (c.creatorId.equals(creatorId) && c.ts <= at && (inForce == null || c.ts > inForce.ts)) inForce = c;
        }
        if (inForce == null) return "UNKNOWN";
        long f = inForce.followers;
        if (f < 10_000) return "NANO";
        if (f < 100_000) return "MICRO";
        if (f < 500_000) return "MID";
        if (f < 1_000_000) return "MACRO";
        return "MEGA";
    }

    private void contentKeys(long ts, String creator, String content, String tier, String format,
                             Consumer<Window> add) {
        at("ALL", "*", ts, add);
        at("CREATOR", creator, ts, add);
        at("CONTENT", content, ts, add);
        at("TIER", tier, ts, add);
        at("FORMAT", format, ts, add);
    }

    /** Adds to the window of each size that contains ts: [start, start + size) with start a multiple of size. */
    private void at(String dimension, String key, long ts, Consumer<Window> add) {
        for (long size : sizes) {
            long start = Math.floorDiv(ts, size) * size;
            Window w = new Window(dimension, key, start, start + size);
            add.accept(windows.computeIfAbsent(w.id(), id -> w));
        }
    }
}
