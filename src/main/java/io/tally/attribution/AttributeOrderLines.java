package io.tally.attribution;

import io.tally.event.AsOf;
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
import io.tally.core.DeadLetters;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
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
 * <p>State per user: its clicks and views, each appended to a list as it comes (on RocksDB a blind merge: a touch
 * costs one write and no read); the last order per merchant; orders waiting for the watermark (a timer per order).
 * Touches and last orders are read only when an order is attributed or a prune timer fires: every touch and order
 * has one at the whole hour after its expiry (click window, view window, customer horizon), shared by what expires in
 * the same hour, which rewrites what remains ({@link UserHistory#prune}) and clears the state when nothing does.
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
    /** How many users' view prune timers a task remembers (a few MB). */
    private static final int RECENT_USERS = 65_536;

    private final long clickWindowMs;
    private final long viewWindowMs;
    private final long halfLifeMs;
    private final long customerHorizonMs;
    private final List<Model> shadowModels;

    /** The user's clicks, appended as they come (any order). */
    private transient ListState<TouchPoint> clicks;
    /** The user's views, appended as they come (any order). */
    private transient ListState<TouchPoint> views;
    /** ts of the user's last order at each merchant. */
    private transient ValueState<Map<String, Long>> lastOrderAt;
    /** Orders waiting for the watermark, by ts. */
    private transient MapState<Long, List<Order>> pendingOrders;
    /** The view prune timer last registered per recent user: spares the timer write of every other view. */
    private transient Map<String, Long> viewPruneTimers;

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
        clicks = getRuntimeContext().getListState(new ListStateDescriptor<>("clicks", TouchPointSerializer.INSTANCE));
        views = getRuntimeContext().getListState(new ListStateDescriptor<>("views", TouchPointSerializer.INSTANCE));
        lastOrderAt = getRuntimeContext().getState(new ValueStateDescriptor<>(
                "last-order-at", Types.MAP(Types.STRING, Types.LONG)));
        viewPruneTimers = new RecentlyUsed<>(RECENT_USERS);
        pendingOrders = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending-orders", Types.LONG, Types.LIST(TypeInformation.of(Order.class))));
        linesByTouch = new HashMap<>();
        org.apache.flink.metrics.MetricGroup tally = io.tally.core.TallyMetrics.group(getRuntimeContext().getMetricGroup());
        for (Touch t : Touch.values()) {
            // touch NONE: organic lines
            linesByTouch.put(t, tally.addGroup(io.tally.core.TallyMetrics.TOUCH, t.name())
                    .counter(io.tally.core.TallyMetrics.ORDER_LINES));
        }
        commissionCents = tally.counter(io.tally.core.TallyMetrics.COMMISSION_CENTS);
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
        long watermark = ctx.timerService().currentWatermark();
        if (ts <= watermark) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(activity.stream(), DeadLetterReason.LATE,
                    "ts " + ts + " is not after the watermark " + watermark, activity.record()));
            return;
        }
        if (activity.click != null) {
            clicks.add(TouchPoint.of(activity.click)); // an append, not a read and a write
            ctx.timerService().registerEventTimeTimer(pruneAt(ts + clickWindowMs));
        } else if (activity.view != null) {
            if (activity.view.productIds.length == 0) return; // nothing it could be credited for
            views.add(TouchPoint.of(activity.view));
            long at = pruneAt(ts + viewWindowMs);
            // A user's views of one hour share a prune timer: register it once, not per view.
            Long registered = viewPruneTimers.put(ctx.getCurrentKey(), at);
            if (registered == null || registered != at) ctx.timerService().registerEventTimeTimer(at);
        } else {
            Order o = activity.order;
            List<Order> atTs = pendingOrders.get(o.ts);
            List<Order> updated = atTs == null ? new ArrayList<>(1) : new ArrayList<>(atTs);
            updated.add(o);
            pendingOrders.put(o.ts, updated);
            ctx.timerService().registerEventTimeTimer(o.ts);
        }
    }

    /** Attributes the orders at {@code time}, if any, then prunes: each touch and order has a timer at its expiry. */
    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Attribution> out) throws Exception {
        viewPruneTimers.remove(ctx.getCurrentKey(), time);
        UserHistory h = new UserHistory(clicks.get(), views.get(), lastOrderAt.value());
        List<Order> orders = pendingOrders.get(time);
        if (orders != null) {
            pendingOrders.remove(time);
            List<Order> sorted = new ArrayList<>(orders);
            sorted.sort(BY_ORDER_ID); // same ts: the smaller orderId is the earlier order (newCustomer)
            for (Order order : sorted) {
                attribute(order, h, ctx, out);
            }
        }
        // Every later order has ts > time: drop what no such order can use.
        h.prune(time, clickWindowMs, viewWindowMs, customerHorizonMs);
        if (h.clicksChanged()) replace(clicks, h.clicks());
        if (h.viewsChanged()) replace(views, h.views());
        if (h.ordersChanged()) {
            if (h.lastOrderAt().isEmpty()) lastOrderAt.clear();
            else lastOrderAt.update(h.lastOrderAt());
        }
    }

    /** Writes what remains of a user's touches back, or clears the state when nothing does. */
    private static void replace(ListState<TouchPoint> state, List<TouchPoint> touches) throws Exception {
        if (touches.isEmpty()) state.clear();
        else state.update(touches);
    }

    /**
     * When to drop what expires at {@code expiry}: at the next whole hour. Pruning only bounds state (orders read
     * their touches through the window bounds, not through pruning), so a user's touches of one hour share a timer.
     */
    static long pruneAt(long expiry) {
        long rest = Math.floorMod(expiry, PRUNE_GRANULARITY_MS);
        return rest == 0 ? expiry : expiry - rest + PRUNE_GRANULARITY_MS;
    }

    // ---- attribution of one order ----

    private void attribute(Order order, UserHistory h, OnTimerContext ctx, Collector<Attribution> out) throws Exception {
        long t = order.ts;
        boolean newCustomer = h.recordOrder(order.merchantId, t, customerHorizonMs);
        ctx.timerService().registerEventTimeTimer(pruneAt(t + customerHorizonMs));

        ReadOnlyBroadcastState<String, List<CommissionRule>> rules = ctx.getBroadcastState(RULES);
        ReadOnlyBroadcastState<String, List<Product>> products = ctx.getBroadcastState(PRODUCTS);
        ReadOnlyBroadcastState<String, List<Creator>> creators = ctx.getBroadcastState(CREATORS);
        for (OrderLine line : order.lines) {
            LineContext lc = new LineContext(order, line, newCustomer,
                    AsOf.find(products.get(line.productId), p -> p.ts, t));
            List<TouchPoint> candidates = h.clicks(line.productId, t - clickWindowMs, t);
            if (!candidates.isEmpty()) {
                emit(lc, settings.primaryModel, Touch.CLICK,
                        AttributionModels.credit(settings.primaryModel, candidates, t, halfLifeMs), rules, creators, ctx, out);
                for (Model shadow : shadowModels) {
                    emit(lc, shadow, Touch.CLICK, AttributionModels.credit(shadow, candidates, t, halfLifeMs),
                            rules, creators, ctx, out);
                }
                continue;
            }
            TouchPoint seen = h.lastView(line.productId, t - viewWindowMs, t);
            Touch touch = seen == null ? Touch.NONE : Touch.VIEW;
            List<Credit> credits = List.of(new Credit(seen, BigDecimal.ONE));
            emit(lc, settings.primaryModel, touch, credits, rules, creators, ctx, out);
            for (Model shadow : shadowModels) {
                emit(lc, shadow, touch, credits, rules, creators, ctx, out);
            }
        }
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
