package io.tally.attribution;

import io.tally.core.DeadLetters;
import io.tally.event.OrderUpdate;
import io.tally.event.Stream;
import io.tally.io.DeadLetterReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reverses attributed order lines on cancels and refunds (CONTRACT section 3.10), keyed by orderId. It keeps every
 * attribution record of an order until the settlement window ends, and processes each update once the watermark
 * passes the update's ts, so an update that arrives before its order (within the watermark bound) waits for it and
 * updates of one line apply in (ts, eventId) order. What an update reverses is {@link Reversals}' decision; this
 * function keeps the state, the timers and the outputs.
 *
 * <p>State per order: the lines' ledgers, cleared by a timer at the order's ts + settlement window; the order's ts,
 * cleared by a timer at ts + order memory (until then a late update is AFTER_SETTLEMENT, after it UNKNOWN_ORDER);
 * updates waiting for the watermark, each removed when its timer at the update's ts fires.
 *
 * <p>Reversals of the primary model go to the main output, those of shadow models to {@link
 * AttributeOrderLines#SHADOW}; unusable updates to dead letters (UNKNOWN_ORDER, AFTER_SETTLEMENT, ALREADY_REVERSED).
 */
public class ReverseOrderLines extends KeyedCoProcessFunction<String, Attribution, OrderUpdate, Attribution> {
    private static final long serialVersionUID = 1L;
    private static final Comparator<OrderUpdate> BY_EVENT_ID = Comparator.comparing(u -> u.eventId);

    private final Model primaryModel;
    private final long settlementMs;
    private final long orderMemoryMs;

    /** The order's ts: set while the order is remembered (until ts + orderMemory). */
    private transient ValueState<Long> orderTs;
    /** Per line, until ts + settlement window. */
    private transient MapState<String, LineLedger> lines;
    /** Updates waiting for the watermark, by ts. */
    private transient MapState<Long, List<OrderUpdate>> pendingUpdates;

    private transient Reversals reversals;

    public ReverseOrderLines(AttributionSettings settings) {
        this.primaryModel = settings.primaryModel;
        this.settlementMs = settings.settlementWindow.toMillis();
        this.orderMemoryMs = Math.max(settings.orderMemory.toMillis(), settlementMs);
    }

    @Override
    public void open(OpenContext openContext) {
        orderTs = getRuntimeContext().getState(new ValueStateDescriptor<>("order-ts", Types.LONG));
        lines = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "lines", Types.STRING, TypeInformation.of(LineLedger.class)));
        pendingUpdates = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending-updates", Types.LONG, Types.LIST(TypeInformation.of(OrderUpdate.class))));
        reversals = new Reversals(settlementMs);
    }

    /** An attribution record of the order (primary or shadow): kept for later reversal. */
    @Override
    public void processElement1(Attribution a, Context ctx, Collector<Attribution> out) throws Exception {
        if (orderTs.value() == null) {
            orderTs.update(a.ts);
            ctx.timerService().registerEventTimeTimer(a.ts + settlementMs);
            ctx.timerService().registerEventTimeTimer(a.ts + orderMemoryMs);
        }
        lines.put(a.lineId, Reversals.remember(lines.get(a.lineId), a));
    }

    @Override
    public void processElement2(OrderUpdate u, Context ctx, Collector<Attribution> out) throws Exception {
        if (u.ts <= ctx.timerService().currentWatermark()) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(Stream.ORDER_UPDATES, DeadLetterReason.LATE,
                    "ts " + u.ts + " is not after the watermark " + ctx.timerService().currentWatermark(), u));
            return;
        }
        List<OrderUpdate> atTs = pendingUpdates.get(u.ts);
        List<OrderUpdate> updated = atTs == null ? new ArrayList<>(1) : new ArrayList<>(atTs);
        updated.add(u);
        pendingUpdates.put(u.ts, updated);
        ctx.timerService().registerEventTimeTimer(u.ts);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Attribution> out) throws Exception {
        List<OrderUpdate> updates = pendingUpdates.get(time);
        if (updates != null) {
            pendingUpdates.remove(time);
            List<OrderUpdate> sorted = new ArrayList<>(updates);
            sorted.sort(BY_EVENT_ID);
            for (OrderUpdate u : sorted) apply(u, ctx, out);
        }
        Long ts = orderTs.value();
        if (ts != null && time >= ts + settlementMs) lines.clear();
        if (ts != null && time >= ts + orderMemoryMs) orderTs.clear();
    }

    private void apply(OrderUpdate u, OnTimerContext ctx, Collector<Attribution> out) throws Exception {
        Reversals.Rejection rejected = reversals.checkOrder(u, orderTs.value());
        LineLedger ledger = null;
        if (rejected == null) {
            ledger = lines.get(u.lineId);
            rejected = Reversals.checkLine(u, ledger);
        }
        if (rejected != null) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(Stream.ORDER_UPDATES, rejected.reason(), rejected.detail(), u));
            return;
        }
        long reversed = Reversals.reverse(ledger, u);
        lines.put(u.lineId, ledger);
        for (Attribution original : ledger.records) {
            Attribution r = Reversals.reversal(original, u, reversed);
            if (original.model == primaryModel) out.collect(r);
            else ctx.output(AttributeOrderLines.SHADOW, r);
        }
    }
}
