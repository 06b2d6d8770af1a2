package io.tally.kpi;

import io.tally.event.Dimension;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The second KPI stage, keyed by window ({@code windowStart|windowEnd}): gmvShare of CREATOR, TIER, FORMAT, NICHE and MATCH records =
 * their attributedGmv / the attributedGmv of the ALL record of the same window. Final records wait until the
 * watermark passes the window's end, when the ALL record's final value is known; updates of open windows use the
 * latest ALL value seen. Every other record passes straight through.
 */
public class GmvShare extends KeyedProcessFunction<String, Kpi, Kpi> {
    private static final long serialVersionUID = 1L;

    /** attributedGmv of the window's latest ALL record. */
    private transient ValueState<Long> allAttributedGmv;
    /** Final CREATOR, TIER, FORMAT, NICHE and MATCH records waiting for the window's end. */
    private transient ListState<Kpi> waiting;

    public static String keyOf(Kpi k) {
        return k.windowStart + "|" + k.windowEnd;
    }

    static boolean hasShare(Kpi k) {
        Dimension d = k.dimension();
        return d == Dimension.CREATOR || d == Dimension.TIER || d == Dimension.FORMAT || d == Dimension.NICHE
                || d == Dimension.MATCH;
    }

    @Override
    public void open(OpenContext openContext) {
        allAttributedGmv = getRuntimeContext().getState(new ValueStateDescriptor<>("all-attributed-gmv", Types.LONG));
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting", TypeInformation.of(Kpi.class)));
    }

    @Override
    public void processElement(Kpi k, Context ctx, Collector<Kpi> out) throws Exception {
        boolean closed = k.windowEnd - 1 <= ctx.timerService().currentWatermark();
        if (closed) {
            // Only an update racing the window's end gets here: pass it on without recreating state.
            out.collect(k);
            return;
        }
        ctx.timerService().registerEventTimeTimer(k.windowEnd - 1);
        if (k.dimension() == Dimension.ALL) {
            allAttributedGmv.update(k.attributedGmvCents);
            out.collect(k);
        } else if (!hasShare(k)) {
            out.collect(k);
        } else if (k.isFinal) {
            waiting.add(k);
        } else {
            k.gmvShare = KpiMath.gmvShare(k, allAttributedGmv.value());
            out.collect(k);
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Kpi> out) throws Exception {
        Long all = allAttributedGmv.value();
        for (Kpi k : waiting.get()) {
            k.gmvShare = KpiMath.gmvShare(k, all);
            out.collect(k);
        }
        waiting.clear();
        allAttributedGmv.clear();
    }
}
