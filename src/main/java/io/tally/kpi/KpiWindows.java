package io.tally.kpi;

import io.tally.event.AsOf;
import io.tally.event.Dimension;
import io.tally.event.Product;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The keyed KPI stage, keyed by {@code dimension|key}: sums the partial records of each open window and writes the
 * window's KPI record — while it is open, at most once per update interval of processing time and only when it
 * changed ({@code final} false); once the watermark passes its end, exactly one record with {@code final} true, after
 * which the window's state is gone.
 *
 * <p>The second input carries product versions, keyed by {@code PRODUCT|productId}, for the stock of PRODUCT
 * windows: the version with the greatest ts before the window's end. Only the versions that an open or future window
 * can still need are kept (the one in force at the watermark and later ones).
 */
public class KpiWindows extends KeyedCoProcessFunction<String, Kpi, Product, Kpi> {
    private static final long serialVersionUID = 1L;

    private final long updateIntervalMs;

    /**
     * Open windows by "windowStart|windowEnd": the running sum and whether it changed since its last record, in one
     * value, so that a partial costs one read and one write.
     */
    private transient MapState<String, OpenWindow> windows;
    /** When the pending processing-time update fires, if one is pending. */
    private transient ValueState<Long> nextUpdate;
    private transient ValueState<List<Product>> productVersions;
    private transient Counter lateContributions;

    public KpiWindows(long updateIntervalMs) {
        this.updateIntervalMs = updateIntervalMs;
    }

    /** The key of a KPI record or partial in this stage. */
    public static String keyOf(Kpi k) {
        return k.dimension + "|" + k.key;
    }

    public static String keyOf(Product p) {
        return Dimension.PRODUCT.name() + "|" + p.productId;
    }

    @Override
    public void open(OpenContext openContext) {
        windows = getRuntimeContext().getMapState(new MapStateDescriptor<>("open-windows", Types.STRING,
                TypeInformation.of(OpenWindow.class)));
        nextUpdate = getRuntimeContext().getState(new ValueStateDescriptor<>("next-update", Types.LONG));
        productVersions = getRuntimeContext().getState(new ValueStateDescriptor<>(
                "product-versions", Types.LIST(TypeInformation.of(Product.class))));
        lateContributions = io.tally.core.TallyMetrics.group(getRuntimeContext().getMetricGroup())
                .counter(io.tally.core.TallyMetrics.LATE_KPI_CONTRIBUTIONS);
    }

    @Override
    public void processElement1(Kpi partial, Context ctx, Collector<Kpi> out) throws Exception {
        if (partial.windowEnd - 1 <= ctx.timerService().currentWatermark()) {
            lateContributions.inc(); // its final record is out already; upstream lateness checks make this rare
            return;
        }
        String id = partial.windowStart + "|" + partial.windowEnd;
        OpenWindow w = windows.get(id);
        if (w == null) {
            w = new OpenWindow(KpiMath.empty(partial.dimension, partial.key, partial.windowStart, partial.windowEnd));
            ctx.timerService().registerEventTimeTimer(partial.windowEnd - 1);
        }
        KpiMath.add(w.sum, partial);
        // A window already marked changed has its update pending: only the first change since a record looks.
        boolean firstChange = !w.changed;
        w.changed = true;
        windows.put(id, w);
        if (firstChange && nextUpdate.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + updateIntervalMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            nextUpdate.update(at);
        }
    }

    @Override
    public void processElement2(Product version, Context ctx, Collector<Kpi> out) throws Exception {
        productVersions.update(AsOf.insert(productVersions.value(), version, p -> p.ts,
                ctx.timerService().currentWatermark()));
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Kpi> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            nextUpdate.clear();
            List<Map.Entry<String, OpenWindow>> updated = new ArrayList<>();
            for (Map.Entry<String, OpenWindow> e : windows.entries()) {
                if (e.getValue().changed) updated.add(e);
            }
            for (Map.Entry<String, OpenWindow> e : updated) {
                OpenWindow w = e.getValue();
                out.collect(KpiMath.derive(w.sum, false, stockAt(w.sum)));
                w.changed = false;
                windows.put(e.getKey(), w);
            }
            return;
        }
        List<Map.Entry<String, OpenWindow>> closing = new ArrayList<>();
        for (Map.Entry<String, OpenWindow> w : windows.entries()) {
            if (w.getValue().sum.windowEnd - 1 <= time) closing.add(w);
        }
        for (Map.Entry<String, OpenWindow> w : closing) {
            Kpi sum = w.getValue().sum;
            out.collect(KpiMath.derive(sum, true, stockAt(sum)));
            windows.remove(w.getKey());
        }
        if (windows.isEmpty()) {
            Long pending = nextUpdate.value();
            if (pending != null) {
                ctx.timerService().deleteProcessingTimeTimer(pending);
                nextUpdate.clear();
            }
        }
        // Keep only the product version in force at the watermark and later ones.
        List<Product> versions = productVersions.value();
        if (versions != null && versions.size() > 1) {
            List<Product> pruned = AsOf.prune(versions, p -> p.ts, time);
            if (pruned != versions) productVersions.update(pruned);
        }
    }

    /** Stock of the product version with the greatest ts before the window's end; null for other dimensions. */
    private Long stockAt(Kpi window) throws Exception {
        if (window.dimension() != Dimension.PRODUCT) return null;
        Product p = AsOf.find(productVersions.value(), v -> v.ts, window.windowEnd - 1);
        return p == null ? null : p.stock;
    }

    /** An open window: its running sum, and whether it changed since its last record. */
    public static class OpenWindow {
        public Kpi sum;
        public boolean changed;

        public OpenWindow() {}

        OpenWindow(Kpi sum) {
            this.sum = sum;
        }
    }
}
