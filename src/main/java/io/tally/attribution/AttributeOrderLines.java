package io.tally.attribution;

import io.tally.config.TallyConfig.AttributionSettings;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Money;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.Product;
import io.tally.event.Stream;
import io.tally.event.Tier;
import io.tally.event.View;
import io.tally.io.DeadLetterReason;
import io.tally.io.DeadLetters;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.api.common.functions.OpenContext;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attributes every order line to the creator and content that earned it (CONTRACT section 3), in one keyed pass per
 * user: the user's clicks, views and orders meet here, keyed by userId. An order at T is attributed once the
 * watermark passes T, so every click and view at or before T that is not late has arrived; commission rules, products
 * and creators are broadcast to every task and read as of T.
 *
 * <p>State per user, each piece bounded by a horizon and cleared by event-time timers: clicks per product for the
 * click window, views per product for the view window, orders until their ts, and the last order per merchant for the
 * customer horizon.
 */
public class AttributeOrderLines extends KeyedBroadcastProcessFunction<String, UserActivity, ReferenceData, Attribution> {
    private static final long serialVersionUID = 1L;

    /** Attributions of the shadow models. */
    public static final OutputTag<Attribution> SHADOW = new OutputTag<>("attributions-shadow", TypeInformation.of(Attribution.class));

    public static final MapStateDescriptor<String, List<CommissionRule>> RULES = new MapStateDescriptor<>(
            "commission-rules", Types.STRING, Types.LIST(TypeInformation.of(CommissionRule.class)));
    public static final MapStateDescriptor<String, List<Product>> PRODUCTS = new MapStateDescriptor<>(
            "products", Types.STRING, Types.LIST(TypeInformation.of(Product.class)));
    public static final MapStateDescriptor<String, List<Creator>> CREATORS = new MapStateDescriptor<>(
            "creators", Types.STRING, Types.LIST(TypeInformation.of(Creator.class)));

    private static final Comparator<Order> BY_ORDER_ID = Comparator.comparing(o -> o.orderId);

    private final AttributionSettings settings;
    /** Granularity of the timers that drop expired touches and customers ({@link #pruneAt}). */
    static final long PRUNE_GRANULARITY_MS = 3_600_000;

    private final long clickWindowMs;
    private final long viewWindowMs;
    private final long halfLifeMs;
    private final long customerHorizonMs;
    private final List<Model> shadowModels;

    /** Clicks of this user by productId, sorted by (ts, eventId). */
    private transient MapState<String, List<TouchPoint>> clicks;
    /** Views of this user by each productId they showed, sorted by (ts, eventId). */
    private transient MapState<String, List<TouchPoint>> views;
    /** Orders waiting for the watermark, by ts. */
    private transient MapState<Long, List<Order>> pendingOrders;
    /** ts of this user's latest order at each merchant (for newCustomer). */
    private transient MapState<String, Long> lastOrderAt;
    /** What each prune timer drops, by the timer's time. */
    private transient MapState<Long, Expiring> expiring;
    /** The latest prune timer: when it fires, everything of this user has expired. */
    private transient ValueState<Long> lastPruneAt;

    /** ruleIds by merchant, derived from the broadcast rules; rebuilt after a restore. */
    private transient Map<String, Set<String>> rulesByMerchant;

    private transient Map<Touch, Counter> linesByTouch;
    private transient Counter commissionCents;

    public AttributeOrderLines(AttributionSettings settings) {
        this.settings = settings;
        this.clickWindowMs = settings.clickWindow.toMillis();
        this.viewWindowMs = settings.viewWindow.toMillis();
        this.halfLifeMs = settings.halfLife.toMillis();
        this.customerHorizonMs = settings.customerHorizon.toMillis();
        this.shadowModels = settings.effectiveShadowModels();
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<List<TouchPoint>> touches = Types.LIST(TypeInformation.of(TouchPoint.class));
        clicks = getRuntimeContext().getMapState(new MapStateDescriptor<>("clicks", Types.STRING, touches));
        views = getRuntimeContext().getMapState(new MapStateDescriptor<>("views", Types.STRING, touches));
        pendingOrders = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending-orders", Types.LONG, Types.LIST(TypeInformation.of(Order.class))));
        lastOrderAt = getRuntimeContext().getMapState(new MapStateDescriptor<>("last-order-at", Types.STRING, Types.LONG));
        expiring = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "expiring", Types.LONG, TypeInformation.of(Expiring.class)));
        lastPruneAt = getRuntimeContext().getState(new ValueStateDescriptor<>("last-prune-at", Types.LONG));
        linesByTouch = new HashMap<>();
        org.apache.flink.metrics.MetricGroup tally = io.tally.io.TallyMetrics.group(getRuntimeContext().getMetricGroup());
        for (Touch t : Touch.values()) {
            // touch NONE: organic lines
            linesByTouch.put(t, tally.addGroup(io.tally.io.TallyMetrics.TOUCH, t.name())
                    .counter(io.tally.io.TallyMetrics.ORDER_LINES));
        }
        commissionCents = tally.counter(io.tally.io.TallyMetrics.COMMISSION_CENTS);
    }

    // ---- reference data: new versions of rules, products and creators ----

    @Override
    public void processBroadcastElement(ReferenceData data, Context ctx, Collector<Attribution> out) throws Exception {
        long watermark = ctx.currentWatermark();
        if (data.rule != null) {
            CommissionRule r = data.rule;
            BroadcastState<String, List<CommissionRule>> state = ctx.getBroadcastState(RULES);
            state.put(r.ruleId, AsOf.insert(state.get(r.ruleId), r, v -> v.ts, watermark));
            if (rulesByMerchant != null) {
                rulesByMerchant.computeIfAbsent(r.merchantId, m -> new LinkedHashSet<>()).add(r.ruleId);
            }
        } else if (data.product != null) {
            Product p = data.product;
            BroadcastState<String, List<Product>> state = ctx.getBroadcastState(PRODUCTS);
            state.put(p.productId, AsOf.insert(state.get(p.productId), p, v -> v.ts, watermark));
        } else if (data.creator != null) {
            Creator c = data.creator;
            BroadcastState<String, List<Creator>> state = ctx.getBroadcastState(CREATORS);
            state.put(c.creatorId, AsOf.insert(state.get(c.creatorId), c, v -> v.ts, watermark));
        }
    }

    // ---- the user's activity ----

    @Override
    public void processElement(UserActivity activity, ReadOnlyContext ctx, Collector<Attribution> out) throws Exception {
        long ts = activity.ts();
        if (ts <= ctx.timerService().currentWatermark()) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(activity.stream(), DeadLetterReason.LATE,
                    "ts " + ts + " is not after the watermark " + ctx.timerService().currentWatermark(),
                    activity.record()));
            return;
        }
        if (activity.click != null) {
            Click c = activity.click;
            clicks.put(c.productId, withTouch(clicks.get(c.productId), TouchPoint.of(c)));
            Expiring e = expiringAt(pruneAt(c.ts + clickWindowMs), ctx.timerService());
            Expiring.addOnce(e.clickProducts, c.productId);
            expiring.put(pruneAt(c.ts + clickWindowMs), e);
        } else if (activity.view != null) {
            View v = activity.view;
            if (v.productIds == null || v.productIds.length == 0) return; // nothing it could be credited for
            TouchPoint touch = TouchPoint.of(v);
            long at = pruneAt(v.ts + viewWindowMs);
            Expiring e = expiringAt(at, ctx.timerService());
            for (String productId : v.productIds) {
                views.put(productId, withTouch(views.get(productId), touch));
                Expiring.addOnce(e.viewProducts, productId);
            }
            expiring.put(at, e);
        } else {
            Order o = activity.order;
            List<Order> atTs = pendingOrders.get(o.ts);
            List<Order> updated = atTs == null ? new ArrayList<>(1) : new ArrayList<>(atTs);
            updated.add(o);
            pendingOrders.put(o.ts, updated);
            ctx.timerService().registerEventTimeTimer(o.ts);
        }
    }

    /**
     * When to drop what expires at {@code expiry}: at the next whole hour. Pruning only bounds state (orders read
     * their touches through the window bounds, not through pruning), and a user's touches of one hour share a
     * timer (a key's timers at the same time are one timer): one state sweep per user and hour, not per event.
     */
    static long pruneAt(long expiry) {
        long rest = Math.floorMod(expiry, PRUNE_GRANULARITY_MS);
        return rest == 0 ? expiry : expiry - rest + PRUNE_GRANULARITY_MS;
    }

    private static List<TouchPoint> withTouch(List<TouchPoint> touches, TouchPoint touch) {
        List<TouchPoint> updated = touches == null ? new ArrayList<>(1) : new ArrayList<>(touches);
        int i = updated.size();
        while (i > 0 && TouchPoint.BY_TS_THEN_EVENT_ID.compare(updated.get(i - 1), touch) > 0) i--;
        updated.add(i, touch);
        return updated;
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Attribution> out) throws Exception {
        List<Order> orders = pendingOrders.get(time);
        if (orders != null) {
            pendingOrders.remove(time);
            List<Order> sorted = new ArrayList<>(orders);
            sorted.sort(BY_ORDER_ID); // same ts: the smaller orderId is the earlier order (newCustomer)
            for (Order order : sorted) {
                attribute(order, ctx, out);
            }
        }
        // Every later order has ts > time: drop what no such order can use.
        Expiring due = expiring.get(time);
        if (due == null) return;
        expiring.remove(time);
        // Point removals only: every entry is listed in the bucket of its own expiry, so the latest bucket leaves
        // nothing behind (and a map state's clear() would be a prefix scan on RocksDB).
        for (String productId : due.clickProducts) prune(clicks, productId, time - clickWindowMs);
        for (String productId : due.viewProducts) prune(views, productId, time - viewWindowMs);
        for (String merchantId : due.merchants) {
            Long at = lastOrderAt.get(merchantId);
            if (at != null && at <= time - customerHorizonMs) lastOrderAt.remove(merchantId);
        }
        Long last = lastPruneAt.value();
        if (last != null && last == time) lastPruneAt.clear();
    }

    /** The prune entry of a timer at {@code at}, registering the timer (once per time and user). */
    private Expiring expiringAt(long at, TimerService timers) throws Exception {
        Expiring e = expiring.get(at);
        if (e != null) return e;
        timers.registerEventTimeTimer(at);
        Long last = lastPruneAt.value();
        if (last == null || at > last) lastPruneAt.update(at);
        return new Expiring();
    }

    /** Removes the product's touches at or before {@code notAfter}. */
    private static void prune(MapState<String, List<TouchPoint>> touches, String productId, long notAfter)
            throws Exception {
        List<TouchPoint> list = touches.get(productId);
        if (list == null) return;
        int keepFrom = 0;
        while (keepFrom < list.size() && list.get(keepFrom).ts <= notAfter) keepFrom++;
        if (keepFrom == list.size()) touches.remove(productId);
        else if (keepFrom > 0) touches.put(productId, new ArrayList<>(list.subList(keepFrom, list.size())));
    }

    // ---- attribution of one order ----

    private void attribute(Order order, OnTimerContext ctx, Collector<Attribution> out) throws Exception {
        long t = order.ts;
        Long previous = lastOrderAt.get(order.merchantId);
        boolean newCustomer = previous == null || previous < t - customerHorizonMs;
        lastOrderAt.put(order.merchantId, t);
        long at = pruneAt(t + customerHorizonMs);
        Expiring e = expiringAt(at, ctx.timerService());
        Expiring.addOnce(e.merchants, order.merchantId);
        expiring.put(at, e);

        ReadOnlyBroadcastState<String, List<CommissionRule>> rules = ctx.getBroadcastState(RULES);
        ReadOnlyBroadcastState<String, List<Product>> products = ctx.getBroadcastState(PRODUCTS);
        ReadOnlyBroadcastState<String, List<Creator>> creators = ctx.getBroadcastState(CREATORS);
        for (OrderLine line : order.lines) {
            LineContext lc = new LineContext(order, line, newCustomer,
                    AsOf.find(products.get(line.productId), p -> p.ts, t));
            List<TouchPoint> candidates = within(clicks.get(line.productId), t - clickWindowMs, t);
            if (!candidates.isEmpty()) {
                emit(lc, settings.primaryModel, Touch.CLICK,
                        AttributionModels.credit(settings.primaryModel, candidates, t, halfLifeMs), rules, creators, ctx, out);
                for (Model shadow : shadowModels) {
                    emit(lc, shadow, Touch.CLICK, AttributionModels.credit(shadow, candidates, t, halfLifeMs),
                            rules, creators, ctx, out);
                }
                continue;
            }
            List<TouchPoint> seen = within(views.get(line.productId), t - viewWindowMs, t);
            Touch touch = seen.isEmpty() ? Touch.NONE : Touch.VIEW;
            List<Credit> credits = seen.isEmpty() ? List.of(new Credit(null, BigDecimal.ONE))
                    : List.of(new Credit(seen.get(seen.size() - 1), BigDecimal.ONE));
            emit(lc, settings.primaryModel, touch, credits, rules, creators, ctx, out);
            for (Model shadow : shadowModels) {
                emit(lc, shadow, touch, credits, rules, creators, ctx, out);
            }
        }
    }

    /** Touches with from <= ts <= to (both bounds inclusive), in (ts, eventId) order. */
    private static List<TouchPoint> within(List<TouchPoint> touches, long from, long to) {
        if (touches == null) return List.of();
        List<TouchPoint> result = new ArrayList<>(touches.size());
        for (TouchPoint tp : touches) {
            if (tp.ts >= from && tp.ts <= to) result.add(tp);
        }
        return result;
    }

    /** What every record of one line shares. */
    private static final class LineContext {
        final Order order;
        final OrderLine line;
        final long lineAmountCents;
        final boolean newCustomer;
        final Product product;

        LineContext(Order order, OrderLine line, boolean newCustomer, Product product) {
            this.order = order;
            this.line = line;
            this.lineAmountCents = line.lineAmountCents();
            this.newCustomer = newCustomer;
            this.product = product;
        }
    }

    private void emit(LineContext lc, Model model, Touch touch, List<Credit> credits,
                      ReadOnlyBroadcastState<String, List<CommissionRule>> rules,
                      ReadOnlyBroadcastState<String, List<Creator>> creators,
                      ReadOnlyContext ctx, Collector<Attribution> out) throws Exception {
        boolean primary = model == settings.primaryModel;
        for (Credit credit : credits) {
            Attribution a = record(lc, model, touch, credit, rules, creators);
            if (primary) {
                out.collect(a);
                linesByTouch.get(touch).inc();
                commissionCents.inc(a.commissionCents);
            } else {
                ctx.output(SHADOW, a);
            }
        }
    }

    private Attribution record(LineContext lc, Model model, Touch touch, Credit credit,
                               ReadOnlyBroadcastState<String, List<CommissionRule>> rules,
                               ReadOnlyBroadcastState<String, List<Creator>> creators) throws Exception {
        Order order = lc.order;
        OrderLine line = lc.line;
        long t = order.ts;
        Attribution a = new Attribution();
        a.orderId = order.orderId;
        a.lineId = line.lineId;
        a.ts = t;
        a.userId = order.userId;
        a.merchantId = order.merchantId;
        a.productId = line.productId;
        a.quantity = line.quantity;
        a.lineAmountCents = lc.lineAmountCents;
        a.model = model;
        a.touch = touch;
        a.weight = credit.weight.doubleValue();
        a.amountCents = Money.times(lc.lineAmountCents, credit.weight);
        a.newCustomer = lc.newCustomer;
        if (lc.product != null && lc.product.unitCostCents != null) {
            long cost = Math.multiplyExact(line.quantity, lc.product.unitCostCents);
            a.marginCents = Money.times(lc.lineAmountCents - cost, credit.weight);
        }
        if (touch == Touch.NONE) {
            return a; // organic: creator fields and rate null, commission 0
        }
        TouchPoint tp = credit.touch;
        a.touchEventId = tp.eventId;
        a.touchTs = tp.ts;
        a.creatorId = tp.creatorId;
        a.contentId = tp.contentId;
        a.contentFormat = tp.contentFormat;
        Creator creator = AsOf.find(creators.get(tp.creatorId), c -> c.ts, t);
        a.tier = Tier.of(creator).name();
        a.selfPurchase = creator != null && creator.userId != null && creator.userId.equals(order.userId);
        CommissionRule rule = CommissionRules.select(rulesOf(order.merchantId, rules), order.merchantId,
                line.productId, tp.creatorId, t);
        a.commissionRate = rule == null ? BigDecimal.ZERO : rule.effectiveRate();
        boolean unpaid = a.selfPurchase || (touch == Touch.VIEW && !settings.payViewThrough);
        a.commissionCents = unpaid ? 0 : Money.times(lc.lineAmountCents, credit.weight, a.commissionRate);
        return a;
    }

    private List<List<CommissionRule>> rulesOf(String merchantId,
                                               ReadOnlyBroadcastState<String, List<CommissionRule>> rules) throws Exception {
        if (rulesByMerchant == null) {
            rulesByMerchant = new HashMap<>();
            for (Map.Entry<String, List<CommissionRule>> e : rules.immutableEntries()) {
                for (CommissionRule version : e.getValue()) {
                    rulesByMerchant.computeIfAbsent(version.merchantId, m -> new LinkedHashSet<>()).add(e.getKey());
                }
            }
        }
        Set<String> ids = rulesByMerchant.getOrDefault(merchantId, Set.of());
        List<List<CommissionRule>> result = new ArrayList<>(ids.size());
        for (String id : ids) {
            List<CommissionRule> versions = rules.get(id);
            if (versions != null) result.add(versions);
        }
        return result;
    }

}
