package io.tally.reference;

import io.tally.attribution.Attribution;
import io.tally.attribution.AttributionSettings;
import io.tally.attribution.Model;
import io.tally.attribution.Touch;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Spend;
import io.tally.event.Stream;
import io.tally.event.Tier;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import io.tally.io.DeadLetterReason;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * An independent, single-threaded, obviously slow implementation of CONTRACT section 3 (attribution, reversals,
 * duplicates), written from the contract and the lead's documented decisions, not from the production operators, so
 * that the two can be compared on the same data. Everything is recomputed from whole lists on every question: no
 * state, no windows, no timers.
 *
 * <p>Decisions where the contract is silent (the project's): NONE lines have null creator/touch/tier/commissionRate,
 * commission 0, weight 1, amount = lineAmount, selfPurchase false; a CLICK/VIEW line without a matching rule has
 * commissionRate 0; commissionRate is the rule's rate + bonusRate even where the commission is 0; a merged click group
 * carries the touch fields of its latest credited click; a zero-amount line is reversed once (by 0), then
 * ALREADY_REVERSED; an update earlier than its order, or beyond the configured order memory, or for a line the order
 * does not have, is UNKNOWN_ORDER. Checks in this order: the order (UNKNOWN_ORDER), settlement (AFTER_SETTLEMENT),
 * the line (UNKNOWN_ORDER), what is left to reverse (ALREADY_REVERSED). Money is exact: {@code round2(cents x weight [x rate])} is the HALF_EVEN rounding of the exact
 * decimal product, where the weight is the double written in the record (its shortest decimal form).
 */
public final class ReferenceAttribution {

    /** The typed records of one data set, duplicates (exact re-sends) included. */
    public static final class Input {
        public final List<View> views = new ArrayList<>();
        public final List<Engagement> engagements = new ArrayList<>();
        public final List<Click> clicks = new ArrayList<>();
        public final List<Order> orders = new ArrayList<>();
        public final List<OrderUpdate> updates = new ArrayList<>();
        public final List<CommissionRule> rules = new ArrayList<>();
        public final List<Product> products = new ArrayList<>();
        public final List<Creator> creators = new ArrayList<>();
        public final List<Spend> spend = new ArrayList<>();
    }

    /** A dead letter as far as the reference can tell: stream, reason and the record's id (eventId or orderId). */
    public record Letter(String stream, DeadLetterReason reason, String id) {}

    /** What the pipeline must write for an input. */
    public static final class Result {
        public final List<Attribution> primary = new ArrayList<>();
        public final List<Attribution> shadow = new ArrayList<>();
        public final List<Letter> deadLetters = new ArrayList<>();
    }

    private final AttributionSettings settings;

    // Deduplicated inputs of the current run.
    private List<View> views;
    private List<Click> clicks;
    private List<Order> orders;
    private List<CommissionRule> rules;
    private List<Product> products;
    private List<Creator> creators;

    public ReferenceAttribution(AttributionSettings settings) {
        this.settings = settings;
    }

    /** Runs the reference over a data set. */
    public Result run(Input in) {
        Result result = new Result();
        views = dedup(in.views, Stream.VIEWS, v -> v.ts, v -> v.eventId, result);
        dedup(in.engagements, Stream.ENGAGEMENTS, e -> e.ts, e -> e.eventId, result);
        clicks = dedup(in.clicks, Stream.CLICKS, c -> c.ts, c -> c.eventId, result);
        orders = dedup(in.orders, Stream.ORDERS, o -> o.ts, o -> o.orderId, result);
        List<OrderUpdate> updates = dedup(in.updates, Stream.ORDER_UPDATES, u -> u.ts, u -> u.eventId, result);
        dedup(in.spend, Stream.SPEND, s -> s.ts, s -> s.eventId, result);
        rules = in.rules;
        products = in.products;
        creators = in.creators;

        Map<String, LineLedger> ledgers = new HashMap<>();
        for (Order order : orders) { // already in (ts, orderId) order
            boolean newCustomer = isNewCustomer(order);
            for (OrderLine line : order.lines) {
                LineLedger ledger = new LineLedger(line);
                ledger.primary.addAll(attribute(order, line, settings.primaryModel, newCustomer));
                for (Model shadow : settings.effectiveShadowModels()) {
                    ledger.shadow.addAll(attribute(order, line, shadow, newCustomer));
                }
                result.primary.addAll(ledger.primary);
                result.shadow.addAll(ledger.shadow);
                ledgers.put(order.orderId + "\u0000" + line.lineId, ledger);
            }
        }
        // Updates after all orders: an update needs only its own order (which must not be later than it) and the
        // earlier updates of its line, so this is the same as interleaving both streams in event time.
        for (OrderUpdate update : updates) { // in (ts, eventId) order
            reverse(update, ledgers, result);
        }
        return result;
    }

    // ---- 3.9 duplicates ----

    /**
     * The events that pass, in (ts, id) order: an event is dropped when an earlier passed event of the same id lies
     * within the stream's horizon.
     */
    private <T> List<T> dedup(List<T> events, Stream stream, ToLongFunction<T> ts, Function<T, String> id,
                              Result result) {
        long horizon = settings.dedupHorizon(stream).toMillis();
        List<T> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.<T>comparingLong(ts).thenComparing(id));
        Map<String, Long> passedAt = new HashMap<>();
        List<T> passed = new ArrayList<>();
        for (T e : sorted) {
            Long seen = passedAt.get(id.apply(e));
            if (seen != null && Math.abs(ts.applyAsLong(e) - seen) <= horizon) {
                result.deadLetters.add(new Letter(stream.wireName(), DeadLetterReason.DUPLICATE, id.apply(e)));
            } else {
                passedAt.put(id.apply(e), ts.applyAsLong(e));
                passed.add(e);
            }
        }
        return passed;
    }

    // ---- 3.7 new customers ----

    private boolean isNewCustomer(Order order) {
        long horizonStart = order.ts - settings.customerHorizon.toMillis();
        for (Order earlier : orders) {
            boolean before = earlier.ts < order.ts
                    || (earlier.ts == order.ts && earlier.orderId.compareTo(order.orderId) < 0);
            if (before && earlier.ts >= horizonStart && earlier.userId.equals(order.userId)
                    && earlier.merchantId.equals(order.merchantId)) {
                return false;
            }
        }
        return true;
    }

    // ---- 3.1 - 3.8 attribution of one line under one model ----

    private List<Attribution> attribute(Order order, OrderLine line, Model model, boolean newCustomer) {
        long t = order.ts;
        long clickFrom = t - settings.clickWindow.toMillis();
        List<Click> candidates = clicks.stream()
                .filter(c -> c.userId.equals(order.userId) && c.productId.equals(line.productId))
                .filter(c -> clickFrom <= c.ts && c.ts <= t)
                .sorted(Comparator.<Click>comparingLong(c -> c.ts).thenComparing(c -> c.eventId))
                .toList();
        if (!candidates.isEmpty()) return clickRecords(order, line, model, newCustomer, candidates);

        long viewFrom = t - settings.viewWindow.toMillis();
        View view = views.stream()
                .filter(v -> v.userId.equals(order.userId) && v.productIds != null
                        && Arrays.asList(v.productIds).contains(line.productId))
                .filter(v -> viewFrom <= v.ts && v.ts <= t)
                .max(Comparator.<View>comparingLong(v -> v.ts).thenComparing(v -> v.eventId))
                .orElse(null);
        Attribution a = lineRecord(order, line, model, newCustomer);
        if (view != null) {
            credit(a, Touch.VIEW, view.eventId, view.ts, view.creatorId, view.contentId, view.contentFormat, 1.0);
        } else {
            organic(a);
        }
        return List.of(a);
    }

    /** One record per (creatorId, contentId) group of credited clicks; candidates sorted by (ts, eventId). */
    private List<Attribution> clickRecords(Order order, OrderLine line, Model model, boolean newCustomer,
                                           List<Click> candidates) {
        double[] raw = rawWeights(model, candidates, order.ts);
        double total = 0;
        for (double w : raw) total += w;
        Map<String, double[]> groupRaw = new LinkedHashMap<>();
        Map<String, Click> groupLatest = new LinkedHashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (raw[i] == 0) continue; // not credited by this model
            Click c = candidates.get(i);
            String group = c.creatorId + "\u0000" + c.contentId;
            groupRaw.computeIfAbsent(group, g -> new double[1])[0] += raw[i];
            groupLatest.put(group, c); // candidates ascend, so the last one put is the latest
        }
        List<Attribution> records = new ArrayList<>();
        for (Map.Entry<String, double[]> g : groupRaw.entrySet()) {
            Click latest = groupLatest.get(g.getKey());
            Attribution a = lineRecord(order, line, model, newCustomer);
            credit(a, Touch.CLICK, latest.eventId, latest.ts, latest.creatorId, latest.contentId,
                    latest.contentFormat, g.getValue()[0] / total);
            records.add(a);
        }
        return records;
    }

    /**
     * Unnormalised weight of each candidate (sorted by (ts, eventId)). Where a model's weights are rational they are
     * given as small whole numbers, so that a group's weight is one correctly rounded division.
     */
    private double[] rawWeights(Model model, List<Click> candidates, long t) {
        int n = candidates.size();
        double[] w = new double[n];
        switch (model) {
            case LAST_CLICK:
                w[n - 1] = 1;
                break;
            case FIRST_CLICK:
                w[0] = 1;
                break;
            case LINEAR:
                Arrays.fill(w, 1);
                break;
            case TIME_DECAY:
                double halfLife = settings.halfLife.toMillis();
                for (int i = 0; i < n; i++) w[i] = Math.pow(2.0, -(t - candidates.get(i).ts) / halfLife);
                break;
            case POSITION_BASED:
                if (n <= 2) {
                    Arrays.fill(w, 1); // 1.0, or 0.5 / 0.5
                } else {
                    // 0.4 = 2(n-2) / 5(n-2) at both ends; 0.2 / (n-2) = 1 / 5(n-2) for each middle click.
                    Arrays.fill(w, 1);
                    w[0] = 2.0 * (n - 2);
                    w[n - 1] = 2.0 * (n - 2);
                }
                break;
            default:
                throw new IllegalArgumentException("model " + model);
        }
        return w;
    }

    /** The fields every record of a line shares. */
    private Attribution lineRecord(Order order, OrderLine line, Model model, boolean newCustomer) {
        Attribution a = new Attribution();
        a.orderId = order.orderId;
        a.lineId = line.lineId;
        a.ts = order.ts;
        a.userId = order.userId;
        a.merchantId = order.merchantId;
        a.productId = line.productId;
        a.quantity = line.quantity;
        a.lineAmountCents = line.lineAmountCents();
        a.model = model;
        a.newCustomer = newCustomer;
        return a;
    }

    /** Credits a touch (a click group or a view) with a weight: 3.5, 3.6, 3.8 and the tier. */
    private void credit(Attribution a, Touch touch, String eventId, long touchTs, String creatorId, String contentId,
                        String contentFormat, double weight) {
        long t = a.ts;
        Creator creator = creatorAt(creatorId, t);
        a.touch = touch;
        a.touchEventId = eventId;
        a.touchTs = touchTs;
        a.creatorId = creatorId;
        a.contentId = contentId;
        a.contentFormat = contentFormat == null ? "OTHER" : contentFormat;
        a.tier = Tier.of(creator).name();
        a.weight = weight;
        a.selfPurchase = creator != null && a.userId.equals(creator.userId);
        BigDecimal rule = ruleRate(a.merchantId, a.productId, creatorId, t);
        a.commissionRate = rule == null ? BigDecimal.ZERO : rule;
        BigDecimal w = BigDecimal.valueOf(weight);
        a.amountCents = round(BigDecimal.valueOf(a.lineAmountCents).multiply(w));
        boolean unpaid = (touch == Touch.VIEW && !settings.payViewThrough) || a.selfPurchase;
        a.commissionCents = unpaid ? 0
                : round(BigDecimal.valueOf(a.lineAmountCents).multiply(w).multiply(a.commissionRate));
        a.marginCents = margin(a, w);
    }

    /** 3.4: an organic line. */
    private void organic(Attribution a) {
        a.touch = Touch.NONE;
        a.weight = 1.0;
        a.amountCents = a.lineAmountCents;
        a.commissionRate = null;
        a.commissionCents = 0;
        a.selfPurchase = false;
        a.marginCents = margin(a, BigDecimal.ONE);
    }

    /** 3.8: round2((lineAmount - quantity x unitCost) x weight), null without a unit cost in force. */
    private Long margin(Attribution a, BigDecimal weight) {
        Product product = asOf(products, p -> p.productId.equals(a.productId), p -> p.ts, a.ts);
        if (product == null || product.unitCostCents == null) return null;
        long gross = a.lineAmountCents - a.quantity * product.unitCostCents;
        return round(BigDecimal.valueOf(gross).multiply(weight));
    }

    private Creator creatorAt(String creatorId, long t) {
        return asOf(creators, c -> c.creatorId.equals(creatorId), c -> c.ts, t);
    }

    /** 3.5: the effective rate of the most specific rule in force, or null when none matches. */
    private BigDecimal ruleRate(String merchantId, String productId, String creatorId, long t) {
        Map<String, CommissionRule> inForce = new HashMap<>();
        for (CommissionRule r : rules) {
            if (r.ts > t) continue;
            CommissionRule current = inForce.get(r.ruleId);
            if (current == null || r.ts > current.ts) inForce.put(r.ruleId, r);
        }
        CommissionRule best = null;
        for (CommissionRule r : inForce.values()) {
            boolean matches = !r.deleted && (r.validUntil == null || r.validUntil > t)
                    && r.merchantId.equals(merchantId)
                    && (r.productId == null || r.productId.equals(productId))
                    && (r.creatorId == null || r.creatorId.equals(creatorId));
            if (matches && (best == null || beats(r, best))) best = r;
        }
        if (best == null) return null;
        return best.bonusRate == null ? best.rate : best.rate.add(best.bonusRate);
    }

    private static int specificity(CommissionRule r) {
        if (r.productId != null && r.creatorId != null) return 3;
        if (r.productId != null) return 2;
        if (r.creatorId != null) return 1;
        return 0;
    }

    private static boolean beats(CommissionRule a, CommissionRule b) {
        if (specificity(a) != specificity(b)) return specificity(a) > specificity(b);
        if (a.ts != b.ts) return a.ts > b.ts;
        return a.ruleId.compareTo(b.ruleId) > 0;
    }

    /** The version with the greatest ts <= t among those selected, or null. */
    private static <T> T asOf(List<T> versions, Predicate<T> selected, ToLongFunction<T> ts, long t) {
        T best = null;
        for (T v : versions) {
            if (selected.test(v) && ts.applyAsLong(v) <= t && (best == null || ts.applyAsLong(v) > ts.applyAsLong(best))) {
                best = v;
            }
        }
        return best;
    }

    // ---- 3.10 reversals ----

    /** What has happened to one order line so far. */
    private static final class LineLedger {
        final OrderLine line;
        final List<Attribution> primary = new ArrayList<>();
        final List<Attribution> shadow = new ArrayList<>();
        long reversedCents;
        boolean fullyReversed;

        LineLedger(OrderLine line) {
            this.line = line;
        }
    }

    private void reverse(OrderUpdate u, Map<String, LineLedger> ledgers, Result result) {
        Order order = orders.stream().filter(o -> o.orderId.equals(u.orderId)).findFirst().orElse(null);
        LineLedger ledger = ledgers.get(u.orderId + "\u0000" + u.lineId);
        if (order == null || u.ts < order.ts || u.ts > order.ts + settings.orderMemory.toMillis()) {
            result.deadLetters.add(new Letter(Stream.ORDER_UPDATES.wireName(), DeadLetterReason.UNKNOWN_ORDER, u.eventId));
            return;
        }
        if (u.ts > order.ts + settings.settlementWindow.toMillis()) {
            result.deadLetters.add(new Letter(Stream.ORDER_UPDATES.wireName(), DeadLetterReason.AFTER_SETTLEMENT, u.eventId));
            return;
        }
        if (ledger == null) { // a line the order does not have
            result.deadLetters.add(new Letter(Stream.ORDER_UPDATES.wireName(), DeadLetterReason.UNKNOWN_ORDER, u.eventId));
            return;
        }
        if (ledger.fullyReversed) {
            result.deadLetters.add(new Letter(Stream.ORDER_UPDATES.wireName(), DeadLetterReason.ALREADY_REVERSED, u.eventId));
            return;
        }
        long remaining = ledger.line.lineAmountCents() - ledger.reversedCents;
        long reversed = u.kind == UpdateKind.REFUND && u.amountCents != null
                ? Math.min(u.amountCents, remaining) : remaining;
        ledger.reversedCents += reversed;
        ledger.fullyReversed = ledger.reversedCents == ledger.line.lineAmountCents();
        for (Attribution original : ledger.primary) result.primary.add(reversal(original, u, reversed));
        for (Attribution original : ledger.shadow) result.shadow.add(reversal(original, u, reversed));
    }

    private static Attribution reversal(Attribution original, OrderUpdate u, long reversedCents) {
        Attribution r = original.copy();
        r.ts = u.ts;
        r.reversal = true;
        r.updateEventId = u.eventId;
        r.updateKind = u.kind.name();
        BigDecimal part = BigDecimal.valueOf(reversedCents).multiply(BigDecimal.valueOf(original.weight));
        r.amountCents = -round(part);
        r.commissionCents = original.commissionCents == 0 ? 0 : -round(part.multiply(original.commissionRate));
        return r;
    }

    /** HALF_EVEN to whole cents of an exact decimal number of cents. */
    private static long round(BigDecimal cents) {
        return cents.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }
}
