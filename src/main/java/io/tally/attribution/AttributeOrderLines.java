package io.tally.attribution;

import io.tally.core.DeadLetters;
import io.tally.core.TallyMetrics;
import io.tally.event.AsOf;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Order;
import io.tally.event.Product;
import io.tally.event.View;
import io.tally.io.DeadLetterReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attributes every order line to the creator and content that earned it (CONTRACT section 3): the user's clicks,
 * views and orders meet here, keyed by userId. An order at T is attributed once the watermark passes T, so every click
 * and view at or before T that is not late has arrived; commission rules, products and creators are broadcast to every
 * task and read as of T. What a line earns is {@link LineAttributor}'s decision; this function keeps the state, the
 * timers and the outputs.
 *
 * <p>State per user: its clicks and views, each appended to a list as it comes (on RocksDB a blind merge: a touch
 * costs one write and no read); the last order per merchant; orders waiting for the watermark, each removed when its
 * timer at T fires. Touches and last orders are read only when an order is attributed or a prune timer fires: every
 * touch and order has one at the whole hour after its expiry (click window, view window, customer horizon), shared by
 * what expires in the same hour, which rewrites what remains ({@link UserHistory#prune}) and clears the state when
 * nothing does. The broadcast state keeps, per rule, product and creator, the versions a lookup after the watermark
 * can still reach ({@link AsOf#insert}).
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

    /** Granularity of the timers that drop expired touches and customers ({@link #pruneAt}). */
    static final long PRUNE_GRANULARITY_MS = 3_600_000;
    /** How many users' view prune timers a task remembers (a few MB). */
    private static final int RECENT_USERS = 65_536;

    private final AttributionSettings settings;
    private final long clickWindowMs;
    private final long viewWindowMs;
    private final long customerHorizonMs;

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

    private transient BroadcastReference reference;
    private transient LineAttributor attributor;
    private transient Emitter emitter;

    private transient Map<Touch, Counter> linesByTouch;
    private transient Counter commissionCents;

    public AttributeOrderLines(AttributionSettings settings) {
        this.settings = settings;
        this.clickWindowMs = settings.clickWindow.toMillis();
        this.viewWindowMs = settings.viewWindow.toMillis();
        this.customerHorizonMs = settings.customerHorizon.toMillis();
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
        reference = new BroadcastReference();
        attributor = new LineAttributor(settings, reference);
        emitter = new Emitter();
        linesByTouch = new HashMap<>();
        MetricGroup tally = TallyMetrics.group(getRuntimeContext().getMetricGroup());
        for (Touch t : Touch.values()) {
            // touch NONE: organic lines
            linesByTouch.put(t, tally.addGroup(TallyMetrics.TOUCH, t.name()).counter(TallyMetrics.ORDER_LINES));
        }
        commissionCents = tally.counter(TallyMetrics.COMMISSION_CENTS);
    }

    // ---- reference data: new versions of rules, products and creators ----

    @Override
    public void processBroadcastElement(ReferenceData data, Context ctx, Collector<Attribution> out) throws Exception {
        long watermark = ctx.currentWatermark();
        if (data.rule != null) {
            CommissionRule r = data.rule;
            BroadcastState<String, List<CommissionRule>> state = ctx.getBroadcastState(RULES);
            state.put(r.ruleId, AsOf.insert(state.get(r.ruleId), r, v -> v.ts, watermark));
            reference.ruleAdded(r);
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
        if (activity.click != null) addClick(activity.click, ctx);
        else if (activity.view != null) addView(activity.view, ctx);
        else addOrder(activity.order, ctx);
    }

    private void addClick(Click click, ReadOnlyContext ctx) throws Exception {
        clicks.add(TouchPoint.of(click)); // an append, not a read and a write
        ctx.timerService().registerEventTimeTimer(pruneAt(click.ts + clickWindowMs));
    }

    private void addView(View view, ReadOnlyContext ctx) throws Exception {
        if (view.productIds.length == 0) return; // nothing it could be credited for
        views.add(TouchPoint.of(view));
        long at = pruneAt(view.ts + viewWindowMs);
        // A user's views of one hour share a prune timer: register it once, not per view.
        Long registered = viewPruneTimers.put(ctx.getCurrentKey(), at);
        if (registered == null || registered != at) ctx.timerService().registerEventTimeTimer(at);
    }

    private void addOrder(Order o, ReadOnlyContext ctx) throws Exception {
        List<Order> atTs = pendingOrders.get(o.ts);
        List<Order> updated = atTs == null ? new ArrayList<>(1) : new ArrayList<>(atTs);
        updated.add(o);
        pendingOrders.put(o.ts, updated);
        ctx.timerService().registerEventTimeTimer(o.ts);
    }

    /** Attributes the orders at {@code time}, if any, then prunes: each touch and order has a timer at its expiry. */
    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Attribution> out) throws Exception {
        viewPruneTimers.remove(ctx.getCurrentKey(), time);
        UserHistory h = new UserHistory(clicks.get(), views.get(), lastOrderAt.value());
        List<Order> orders = pendingOrders.get(time);
        if (orders != null) {
            pendingOrders.remove(time);
            attribute(orders, h, ctx, out);
        }
        // Every later order has ts > time: drop what no such order can use.
        h.prune(time, clickWindowMs, viewWindowMs, customerHorizonMs);
        writeBack(h);
    }

    /** Attributes the user's orders of one ts; each order's customer history expires a horizon after it. */
    private void attribute(List<Order> orders, UserHistory h, OnTimerContext ctx, Collector<Attribution> out) {
        List<Order> sorted = new ArrayList<>(orders);
        sorted.sort(BY_ORDER_ID); // same ts: the smaller orderId is the earlier order (newCustomer)
        reference.readFrom(ctx);
        emitter.to(out, ctx);
        for (Order order : sorted) {
            attributor.attribute(order, h, emitter);
            ctx.timerService().registerEventTimeTimer(pruneAt(order.ts + customerHorizonMs));
        }
    }

    /** Writes back the parts of the user's history that changed. */
    private void writeBack(UserHistory h) throws Exception {
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

    /** Primary records to the main output (and the metrics), shadow records to {@link #SHADOW}. */
    private final class Emitter implements LineAttributor.Output {
        private Collector<Attribution> out;
        private ReadOnlyContext ctx;

        void to(Collector<Attribution> out, ReadOnlyContext ctx) {
            this.out = out;
            this.ctx = ctx;
        }

        @Override
        public void primary(Attribution a) {
            out.collect(a);
            linesByTouch.get(a.touch).inc();
            commissionCents.inc(a.commissionCents);
        }

        @Override
        public void shadow(Attribution a) {
            ctx.output(SHADOW, a);
        }
    }
}
